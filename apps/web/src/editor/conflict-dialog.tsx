import { AlertDialog } from 'radix-ui';
import { useState } from 'react';
import type { DraftSync } from './draft-sync';

/**
 * Shown when someone else saved the draft since this editor loaded it. The user's edits stay on
 * screen; they choose to put them on top of the newest revision or to load that one instead.
 */
export function ConflictDialog({ sync }: { sync: DraftSync }) {
  const { status } = sync;
  const [busy, setBusy] = useState<'mine' | 'theirs' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const open = status.state === 'conflict';
  const who = status.conflict?.savedBy?.name ?? 'Someone';
  const when = status.conflict ? new Date(status.conflict.savedAt).toLocaleTimeString() : '';
  const run = async (which: 'mine' | 'theirs') => {
    setBusy(which);
    setError(null);
    try {
      if (which === 'mine') await sync.keepMine();
      else await sync.takeTheirs();
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  return (
    <AlertDialog.Root open={open}>
      <AlertDialog.Portal>
        <AlertDialog.Overlay className="dialog-overlay" />
        <AlertDialog.Content className="dialog" data-testid="conflict-dialog">
          <AlertDialog.Title>{who} saved this draft while you were editing</AlertDialog.Title>
          <AlertDialog.Description>
            {who} saved revision {status.conflict?.currentRevision} at {when}. Your edits are still
            here and have not been saved.
          </AlertDialog.Description>
          <ul className="choices">
            <li>
              <strong>Keep mine on top</strong>: their changes are loaded and yours are applied on
              top (where you both changed the same thing, yours wins).
            </li>
            <li>
              <strong>Load theirs</strong>: your edits are put aside; press Ctrl+Z to get them back.
            </li>
          </ul>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <div className="dialog-actions">
            <AlertDialog.Cancel asChild>
              <button type="button" disabled={busy !== null} onClick={() => void run('theirs')}>
                {busy === 'theirs' ? 'Loading…' : 'Load theirs'}
              </button>
            </AlertDialog.Cancel>
            <AlertDialog.Action asChild>
              <button
                type="button"
                className="primary"
                disabled={busy !== null}
                onClick={(e) => {
                  e.preventDefault();
                  void run('mine');
                }}
              >
                {busy === 'mine' ? 'Saving…' : 'Keep mine on top'}
              </button>
            </AlertDialog.Action>
          </div>
        </AlertDialog.Content>
      </AlertDialog.Portal>
    </AlertDialog.Root>
  );
}
