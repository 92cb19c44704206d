import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '../../lib/trpc';
import { Dialog } from '../dialog';

/**
 * Copies a ready lead set under a new name (the leads are copied inside the database), e.g. to
 * keep a stable sample while the original is replaced by a new upload.
 */
export function CopyLeadSetDialog(props: {
  from: { id: string; name: string } | null;
  onClose: () => void;
  onCopied: () => Promise<void>;
}) {
  const trpc = useTRPC();
  const [name, setName] = useState('');
  const copy = useMutation(
    trpc.leadSets.copy.mutationOptions({
      onSuccess: async () => {
        await props.onCopied();
        props.onClose();
      },
    }),
  );
  const { from } = props;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (from) copy.mutate({ leadSetId: from.id, name: name.trim() });
  };
  return (
    <Dialog
      open={from !== null}
      onOpenChange={(open) => {
        if (open) return;
        copy.reset();
        props.onClose();
      }}
      onOpenAutoFocus={() => setName(from ? `Copy of ${from.name}` : '')}
      title="Copy lead set"
      description={<>A new set with the same leads and outcomes as {from?.name}.</>}
      error={copy.error?.message}
      submit={{
        label: 'Copy',
        busyLabel: 'Copying…',
        busy: copy.isPending,
        disabled: !name.trim(),
        onSubmit: submit,
      }}
    >
      <label className="field">
        <span className="field-label">Name of the copy</span>
        <input value={name} required maxLength={120} onChange={(e) => setName(e.target.value)} />
      </label>
    </Dialog>
  );
}
