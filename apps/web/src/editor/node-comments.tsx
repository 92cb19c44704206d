import { CountBadge } from '@accord/ui';
import { Popover } from 'radix-ui';
import { useState, type FormEvent } from 'react';

/** A speech bubble (drawn, so it does not depend on an emoji font). */
export function CommentIcon() {
  return (
    <svg width="12" height="12" viewBox="0 0 16 16" aria-hidden focusable="false">
      <path
        d="M2 3.5A1.5 1.5 0 0 1 3.5 2h9A1.5 1.5 0 0 1 14 3.5v6a1.5 1.5 0 0 1-1.5 1.5H7l-3 3v-3h-.5A1.5 1.5 0 0 1 2 9.5z"
        fill="currentColor"
      />
    </svg>
  );
}
import { useComments } from './comments-context';

/** A comment count on a node that opens the node's thread to read and add notes. */
export function NodeComments({ nodeId, nodeLabel }: { nodeId: string; nodeLabel: string }) {
  const { byNode, add } = useComments();
  const comments = byNode.get(nodeId) ?? [];
  const [body, setBody] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  // The popover is mounted only while open: 500 idle popovers would slow a big canvas down.
  const [open, setOpen] = useState(false);
  if (comments.length === 0 && !add) return null;
  const button =
    comments.length > 0 ? (
      <CountBadge
        tone="comment"
        icon={<CommentIcon />}
        count={comments.length}
        className="nodrag"
        onClick={() => setOpen(true)}
        data-testid={`node-comments-${nodeId}`}
        aria-label={`${comments.length} comment${comments.length === 1 ? '' : 's'} on ${nodeLabel}`}
      />
    ) : (
      <button
        type="button"
        className="node-comment-add nodrag"
        onClick={() => setOpen(true)}
        data-testid={`node-comments-${nodeId}`}
        aria-label={`Comment on ${nodeLabel}`}
        title="Comment"
      >
        <CommentIcon />
      </button>
    );
  if (!open) return button;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!add || !body.trim()) return;
    setBusy(true);
    setError(null);
    try {
      await add(nodeId, body.trim());
      setBody('');
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Popover.Root open onOpenChange={setOpen}>
      <Popover.Anchor asChild>{button}</Popover.Anchor>
      <Popover.Portal>
        <Popover.Content className="popover comments-popover" sideOffset={6} align="start">
          <h4>Comments on {nodeLabel}</h4>
          {comments.length === 0 ? (
            <p className="muted small">No comments yet.</p>
          ) : (
            <ol className="comment-list">
              {comments.map((c) => (
                <li key={c.id}>
                  <div className="comment-meta">
                    <strong>{c.authorName}</strong>{' '}
                    <span className={`role role-${c.authorRole}`}>{c.authorRole}</span>{' '}
                    <span className="muted small">{new Date(c.created_at).toLocaleString()}</span>
                  </div>
                  <p>{c.body}</p>
                </li>
              ))}
            </ol>
          )}
          {add && (
            <form onSubmit={submit} className="comment-form">
              <textarea
                aria-label="New comment"
                placeholder="Write a note for the other team…"
                rows={2}
                value={body}
                onChange={(e) => setBody(e.target.value)}
              />
              {error && <p className="error small">{error}</p>}
              <button type="submit" className="primary" disabled={busy || !body.trim()}>
                Add comment
              </button>
            </form>
          )}
          <Popover.Arrow className="popover-arrow" />
        </Popover.Content>
      </Popover.Portal>
    </Popover.Root>
  );
}
