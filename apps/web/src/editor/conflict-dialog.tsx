import { useState } from 'react';
import { Dialog } from '../pages/dialog';
import { authorText, type DraftSync } from './draft-sync';
import { allChosen, type MergeSide } from './merge-drafts';

/**
 * Shown when a teammate saved the draft while this editor had unsaved edits. Everything only one
 * of them changed is merged on its own; this lists each value both changed differently, in plain
 * words (step › row › field, theirs and mine), and the person picks one side per value before
 * the merge is saved on top of the newest revision. "Load theirs" puts one's own edits aside
 * (Ctrl+Z brings them back).
 */
const FIELDSET = {
  display: 'flex',
  flexDirection: 'column',
  gap: 4,
  border: '1px solid #e3e3e3',
  borderRadius: 6,
} as const;

const CHOICE = {
  display: 'flex',
  flexDirection: 'row',
  alignItems: 'baseline',
  gap: 6,
  fontWeight: 'normal',
} as const;

export function ConflictDialog({ sync }: { sync: DraftSync }) {
  const { status } = sync;
  const [busy, setBusy] = useState<'save' | 'theirs' | 'retry' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [choices, setChoices] = useState<Record<string, MergeSide>>({});
  const open = status.state === 'conflict';
  const merge = status.merge;
  const author = status.conflict?.savedBy;
  const who = author?.name ?? 'Someone';
  const whoLong = author ? [author.name, author.role].filter(Boolean).join(', ') : 'them';
  const revision = merge?.theirsRevision ?? status.conflict?.currentRevision;
  const run = async (which: 'save' | 'theirs' | 'retry') => {
    setBusy(which);
    setError(null);
    try {
      if (which === 'save' && merge) await sync.resolve(choices);
      else if (which === 'retry') await sync.mergeNow();
      else await sync.takeTheirs();
      setChoices({});
    } catch (e) {
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy(null);
    }
  };
  const ready = merge ? allChosen(merge.conflicts, choices) : false;
  const shownError = error ?? status.error;
  return (
    <Dialog
      open={open}
      alert
      testId="conflict-dialog"
      className="merge-dialog"
      title={`${who} saved this draft while you were editing`}
      description={
        <>
          {authorText(author)} saved revision {revision}. Everything only one of you changed is
          kept.{' '}
          {merge
            ? merge.conflicts.length === 1
              ? 'You both changed one value: choose which to keep.'
              : `You both changed ${merge.conflicts.length} values: choose which to keep for each.`
            : 'Merging your edits with theirs…'}
        </>
      }
      error={shownError}
      actions={
        <>
          <button type="button" disabled={busy !== null} onClick={() => void run('theirs')}>
            {busy === 'theirs' ? 'Loading…' : 'Load theirs'}
          </button>
          {merge ? (
            <button
              type="button"
              className="primary"
              disabled={busy !== null || !ready}
              title={ready ? undefined : 'Choose mine or theirs for every value first'}
              onClick={() => void run('save')}
            >
              {busy === 'save' ? 'Saving…' : 'Save with my choices'}
            </button>
          ) : (
            shownError && (
              <button
                type="button"
                className="primary"
                disabled={busy !== null}
                onClick={() => void run('retry')}
              >
                {busy === 'retry' ? 'Merging…' : 'Try the merge again'}
              </button>
            )
          )}
        </>
      }
    >
      {merge && (
        <ul
          className="choices"
          style={{ listStyle: 'none', paddingLeft: 0 }}
          data-testid="merge-conflicts"
        >
          {merge.conflicts.map((c) => (
            <li key={c.id} data-testid="merge-conflict">
              <fieldset style={FIELDSET}>
                <legend>{c.where.join(' › ')}</legend>
                <label style={CHOICE}>
                  <input
                    type="radio"
                    name={c.id}
                    checked={choices[c.id] === 'theirs'}
                    onChange={() => setChoices((x) => ({ ...x, [c.id]: 'theirs' }))}
                  />
                  <span>
                    theirs: <strong>{c.theirsText}</strong> ({whoLong})
                  </span>
                </label>
                <label style={CHOICE}>
                  <input
                    type="radio"
                    name={c.id}
                    checked={choices[c.id] === 'mine'}
                    onChange={() => setChoices((x) => ({ ...x, [c.id]: 'mine' }))}
                  />
                  <span>
                    mine: <strong>{c.mineText}</strong>
                  </span>
                </label>
              </fieldset>
            </li>
          ))}
        </ul>
      )}
    </Dialog>
  );
}
