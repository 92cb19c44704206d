import { useState } from 'react';

/**
 * Paging back through a list the server answers newest first: each page starts before the last
 * id of the one shown before it. `before` is what to send; `reset` returns to the newest page.
 * @example const pages = useCursorPages<number>(); query({ beforeId: pages.before })
 */
export function useCursorPages<C>() {
  const [cursors, setCursors] = useState<C[]>([]);
  return {
    cursors,
    before: cursors.at(-1),
    reset: () => setCursors([]),
    newer: () => setCursors(cursors.slice(0, -1)),
    older: (lastShown: C) => setCursors([...cursors, lastShown]),
  };
}

/** "← Newer · Page n · Older →" under such a list. */
export function CursorPager<C>(props: {
  pages: ReturnType<typeof useCursorPages<C>>;
  /** The cursor of the last item shown, when the page was full (there may be older ones). */
  olderFrom: C | undefined;
  newestLabel: string;
}) {
  const { pages, olderFrom } = props;
  return (
    <div className="row pager">
      <button disabled={pages.cursors.length === 0} onClick={pages.newer}>
        ← Newer
      </button>
      <span className="muted small">
        {pages.cursors.length === 0 ? props.newestLabel : `Page ${pages.cursors.length + 1}`}
      </span>
      <button
        disabled={olderFrom === undefined}
        onClick={() => olderFrom !== undefined && pages.older(olderFrom)}
      >
        Older →
      </button>
    </div>
  );
}
