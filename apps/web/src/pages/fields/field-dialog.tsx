import type { FieldDef } from '@accord/engine';
import { ListInput } from '@accord/ui';
import { useMutation } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { useState, type FormEvent } from 'react';
import { useTRPC } from '../../lib/trpc';
import { Dialog } from '../dialog';
import { FieldBasics } from './field-basics';
import {
  emptyFieldForm,
  fieldToForm,
  formProblem,
  formToField,
  TYPES_WITH_OPTIONS,
  type FieldForm,
} from './field-form';

/** Whether a refusal is a stale revision (someone saved the catalog since it was loaded). */
export function isStale(error: unknown): boolean {
  return (
    error instanceof TRPCClientError &&
    (error.data as { code?: string } | undefined)?.code === 'CONFLICT' &&
    /reload/i.test(error.message)
  );
}

/**
 * Adds a field (`editing` null) or edits one. The id follows the label until it is edited; an
 * existing field's id stays. A refusal is shown in the dialog and nothing typed is lost; after a
 * stale revision, "Reload the catalog" fetches it again and the same form can be sent.
 */
export function FieldDialog(props: {
  open: boolean;
  /** The field being edited, or null to add one. */
  editing: FieldDef | null;
  baseRevision: number;
  takenIds: ReadonlySet<string>;
  onClose: () => void;
  onSaved: () => Promise<unknown>;
  onReload: () => Promise<unknown>;
}) {
  const trpc = useTRPC();
  const [form, setForm] = useState<FieldForm>(emptyFieldForm);
  const [reason, setReason] = useState('');
  const [shown, setShown] = useState(false);
  const done = {
    onSuccess: async () => {
      await props.onSaved();
      props.onClose();
    },
  };
  const add = useMutation(trpc.fields.add.mutationOptions(done));
  const update = useMutation(trpc.fields.update.mutationOptions(done));
  const save = props.editing ? update : add;
  const editing = props.editing !== null;
  const taken = editing ? new Set<string>() : props.takenIds;
  const problem = formProblem(form, taken);
  const set = (patch: Partial<FieldForm>) => setForm((f) => ({ ...f, ...patch }));

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setShown(true);
    if (problem) return;
    const input = {
      baseRevision: props.baseRevision,
      field: formToField(form),
      ...(reason.trim() ? { reason: reason.trim() } : {}),
    };
    if (editing) update.mutate(input);
    else add.mutate(input);
  };
  const stale = isStale(save.error);
  const error = save.error
    ? stale
      ? `${save.error.message} What you typed is kept.`
      : save.error.message
    : shown
      ? problem
      : undefined;

  return (
    <Dialog
      open={props.open}
      onOpenChange={(open) => {
        if (open) return;
        add.reset();
        update.reset();
        props.onClose();
      }}
      onOpenAutoFocus={() => {
        setForm(props.editing ? fieldToForm(props.editing) : emptyFieldForm());
        setReason('');
        setShown(false);
      }}
      testId="field-dialog"
      className="field-dialog"
      title={editing ? `Edit ${props.editing?.label}` : 'Add a field'}
      description={
        editing
          ? 'Versions keep the definition they were signed with; drafts use this one at once.'
          : 'A lead attribute rules can read. Versions already signed are not affected.'
      }
      error={error}
      actions={
        stale && (
          <button
            type="button"
            onClick={() => {
              save.reset();
              void props.onReload();
            }}
          >
            Reload the catalog
          </button>
        )
      }
      submit={{
        label: editing ? 'Save field' : 'Add field',
        busyLabel: 'Saving…',
        busy: save.isPending,
        onSubmit: submit,
      }}
    >
      <FieldBasics form={form} set={set} idFixed={editing} />
      <label className="field">
        <span className="field-label">Description</span>
        <textarea
          rows={2}
          maxLength={2000}
          value={form.description}
          onChange={(e) => set({ description: e.target.value })}
        />
      </label>
      {TYPES_WITH_OPTIONS.includes(form.type) && (
        <OptionRows
          options={form.options}
          required={form.type === 'enum'}
          onChange={(options) => set({ options })}
        />
      )}
      <div className="field">
        <span className="field-label">Texts that mean “no answer”</span>
        <ListInput
          aria-label="Texts that mean no answer"
          value={form.missing}
          placeholder="e.g. Select, N/A, -  (Enter after each)"
          onChange={(missing) => set({ missing: missing.map(String).slice(0, 50) })}
        />
        <span className="field-hint">
          In an import these count as a blank, compared ignoring case and spaces.
        </span>
      </div>
      <label className="field">
        <span className="field-label">Why (optional, kept in the audit log)</span>
        <input value={reason} maxLength={500} onChange={(e) => setReason(e.target.value)} />
      </label>
    </Dialog>
  );
}

/** The options of an enum (or suggestions of a list) as value/label rows. */
function OptionRows(props: {
  options: FieldForm['options'];
  required: boolean;
  onChange: (options: FieldForm['options']) => void;
}) {
  const { options, onChange } = props;
  const change = (i: number, patch: Partial<FieldForm['options'][number]>) =>
    onChange(options.map((o, j) => (j === i ? { ...o, ...patch } : o)));
  return (
    <fieldset className="option-rows">
      <legend className="field-label">
        Options{' '}
        <span className="field-hint">
          {props.required
            ? 'the values a lead may have; the label is what people read'
            : 'suggested values'}
        </span>
      </legend>
      {options.map((option, i) => (
        <div className="option-row" key={i}>
          <input
            aria-label={`Option ${i + 1} value`}
            className="mono"
            placeholder="value"
            maxLength={200}
            value={option.value}
            onChange={(e) => change(i, { value: e.target.value })}
          />
          <input
            aria-label={`Option ${i + 1} label`}
            placeholder="label"
            maxLength={200}
            value={option.label}
            onChange={(e) => change(i, { label: e.target.value })}
          />
          <button
            type="button"
            className="ghost"
            aria-label={`Remove option ${i + 1}`}
            onClick={() => onChange(options.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        disabled={options.length >= 500}
        onClick={() => onChange([...options, { value: '', label: '' }])}
      >
        Add an option
      </button>
    </fieldset>
  );
}
