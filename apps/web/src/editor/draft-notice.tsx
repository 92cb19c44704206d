import { useState } from 'react';
import { authorText, type DraftSync } from './draft-sync';

/**
 * The line under the toolbar that says what happened to the draft: a teammate's newer save now
 * showing, a merge saved, or (with unsaved edits here) a teammate's save waiting to be merged.
 */
export function DraftNotice({ sync }: { sync: DraftSync }) {
  const { status } = sync;
  const [merging, setMerging] = useState(false);
  if (status.newer && status.state !== 'conflict')
    return (
      <p className="banner" role="status" data-testid="draft-newer">
        {authorText(status.newer.savedBy)} saved a newer draft (revision{' '}
        {status.newer.currentRevision}) while you were editing.{' '}
        <button
          type="button"
          disabled={merging}
          onClick={() => {
            setMerging(true);
            void sync.mergeNow().finally(() => setMerging(false));
          }}
        >
          {merging ? 'Merging…' : 'Merge now'}
        </button>
      </p>
    );
  if (status.notice)
    return (
      <p className="banner" role="status" data-testid="draft-notice">
        {status.notice}{' '}
        <button type="button" className="link" onClick={sync.dismissNotice}>
          Dismiss
        </button>
      </p>
    );
  return null;
}
