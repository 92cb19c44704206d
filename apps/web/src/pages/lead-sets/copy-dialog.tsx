import { useMutation } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Dialog } from 'radix-ui';
import { useTRPC } from '../../lib/trpc';

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
    <Dialog.Root
      open={from !== null}
      onOpenChange={(open) => {
        if (open) return;
        copy.reset();
        props.onClose();
      }}
    >
      <Dialog.Portal>
        <Dialog.Overlay className="dialog-overlay" />
        <Dialog.Content
          className="dialog"
          onOpenAutoFocus={() => setName(from ? `Copy of ${from.name}` : '')}
        >
          <Dialog.Title>Copy lead set</Dialog.Title>
          <Dialog.Description className="muted">
            A new set with the same leads and outcomes as {from?.name}.
          </Dialog.Description>
          <form onSubmit={submit} className="stack">
            <label className="field">
              <span className="field-label">Name of the copy</span>
              <input
                value={name}
                required
                maxLength={120}
                onChange={(e) => setName(e.target.value)}
              />
            </label>
            {copy.error && (
              <p className="error" role="alert">
                {copy.error.message}
              </p>
            )}
            <div className="dialog-actions">
              <Dialog.Close asChild>
                <button type="button">Cancel</button>
              </Dialog.Close>
              <button type="submit" className="primary" disabled={copy.isPending || !name.trim()}>
                {copy.isPending ? 'Copying…' : 'Copy'}
              </button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
