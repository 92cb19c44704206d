import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link } from 'react-router';
import { useTRPC } from '../lib/trpc';
import { Dialog } from '../pages/dialog';

interface RefusedDiagnostic {
  message: string;
  nodeId?: string;
}

/**
 * Proposes the saved draft as the next version, with a change note. When the server refuses
 * (the draft has errors) the problems are listed here.
 */
export function ProposeDialog(props: {
  workflowId: string;
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Saves pending edits first; false when the draft could not be saved. */
  flush: () => Promise<boolean>;
  onFocusNode: (nodeId: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [note, setNote] = useState('');
  const [saveError, setSaveError] = useState(false);
  const propose = useMutation(
    trpc.versions.propose.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries(trpc.versions.list.queryFilter()),
    }),
  );
  const refused = (propose.error?.data as { diagnostics?: RefusedDiagnostic[] } | undefined)
    ?.diagnostics;
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaveError(false);
    if (!(await props.flush())) {
      setSaveError(true);
      return;
    }
    propose.mutate({ workflowId: props.workflowId, changeNote: note });
  };
  const close = (open: boolean) => {
    props.onOpenChange(open);
    if (!open) {
      propose.reset();
      setSaveError(false);
      if (propose.isSuccess) setNote('');
    }
  };
  if (propose.isSuccess)
    return (
      <Dialog
        open={props.open}
        onOpenChange={close}
        testId="propose-dialog"
        title="Propose this draft as a version"
        actions={
          <Link
            className="button"
            to={`/workflows/${props.workflowId}/versions/${propose.data.id}/view`}
          >
            View version {propose.data.number}
          </Link>
        }
        closeLabel="Back to the draft"
      >
        <p data-testid="propose-success">
          Version <strong>{propose.data.number}</strong> is proposed. It goes live after a marketing
          and a sales approval and a publish by ops.
        </p>
      </Dialog>
    );
  return (
    <Dialog
      open={props.open}
      onOpenChange={close}
      testId="propose-dialog"
      title="Propose this draft as a version"
      description="Both teams review a version before it goes live. Say what changed and why."
      error={saveError && 'The draft could not be saved; resolve the save problem first.'}
      submit={{
        label: 'Propose version',
        busyLabel: 'Proposing…',
        busy: propose.isPending,
        disabled: !note.trim(),
        onSubmit: submit,
      }}
    >
      <label className="field">
        <span className="field-label">Change note</span>
        <textarea
          data-testid="change-note"
          rows={4}
          required
          value={note}
          placeholder="e.g. Pricing-page visits now count 15 points: they predict SQLs."
          onChange={(e) => setNote(e.target.value)}
        />
      </label>
      {propose.error && (
        <div className="refused" role="alert" data-testid="propose-refused">
          <p className="error">{propose.error.message}</p>
          {refused && refused.length > 0 && (
            <ul className="problems compact">
              {refused.map((d, i) => (
                <li key={i}>
                  <button
                    type="button"
                    className="problem severity-error"
                    disabled={!d.nodeId}
                    onClick={() => {
                      if (!d.nodeId) return;
                      close(false);
                      props.onFocusNode(d.nodeId);
                    }}
                  >
                    <span className="problem-icon">!</span>
                    <span className="problem-text">{d.message}</span>
                  </button>
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </Dialog>
  );
}
