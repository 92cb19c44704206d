import type { FieldDef } from '@accord/engine';
import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '../../lib/trpc';
import { Dialog } from '../dialog';
import { isStale } from './field-dialog';

/**
 * Retires a field (or brings a retired one back), with an optional reason for the audit log.
 * A field a proposed, approved or published version reads cannot be retired: the server's
 * answer names the version and is shown here.
 */
export function RetireDialog(props: {
  field: FieldDef | null;
  baseRevision: number;
  onClose: () => void;
  onSaved: () => Promise<unknown>;
  onReload: () => Promise<unknown>;
}) {
  const trpc = useTRPC();
  const [reason, setReason] = useState('');
  const setRetired = useMutation(
    trpc.fields.setRetired.mutationOptions({
      onSuccess: async () => {
        await props.onSaved();
        props.onClose();
      },
    }),
  );
  const { field } = props;
  const retire = !field?.retired;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!field) return;
    setRetired.mutate({
      baseRevision: props.baseRevision,
      id: field.id,
      retired: retire,
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    });
  };
  const stale = isStale(setRetired.error);
  return (
    <Dialog
      open={field !== null}
      onOpenChange={(open) => {
        if (open) return;
        setRetired.reset();
        props.onClose();
      }}
      onOpenAutoFocus={() => setReason('')}
      testId="retire-field-dialog"
      title={retire ? `Retire ${field?.label}?` : `Use ${field?.label} again?`}
      description={
        retire
          ? 'Drafts that read it are warned; new rules should not use it. Versions already signed keep it.'
          : 'The field is offered for new rules again.'
      }
      error={setRetired.error?.message}
      actions={
        stale && (
          <button
            type="button"
            onClick={() => {
              setRetired.reset();
              void props.onReload();
            }}
          >
            Reload the catalog
          </button>
        )
      }
      submit={{
        label: retire ? 'Retire field' : 'Use again',
        busyLabel: 'Saving…',
        busy: setRetired.isPending,
        tone: retire ? 'danger' : 'primary',
        onSubmit: submit,
      }}
    >
      <label className="field">
        <span className="field-label">Why (optional, kept in the audit log)</span>
        <input value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
      </label>
    </Dialog>
  );
}
