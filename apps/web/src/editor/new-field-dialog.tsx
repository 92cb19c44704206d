import type { FieldDef } from '@accord/engine';
import { useState, type FormEvent } from 'react';
import { Dialog } from '../pages/dialog';
import { FieldBasics } from '../pages/fields/field-basics';
import {
  emptyFieldForm,
  formProblem,
  formToField,
  TYPES_WITH_OPTIONS,
  type FieldForm,
} from '../pages/fields/field-form';

/** Most options one dialog takes (the server's cap). */
const MAX_OPTIONS = 500;

/**
 * Option lines as a person types them: one per line, `value` or `value = Label`; blank lines
 * are skipped.
 * @example optionsFromLines('google = Google\nbing') // [{ value: 'google', label: 'Google' }, { value: 'bing', label: 'bing' }]
 */
export function optionsFromLines(text: string): FieldForm['options'] {
  return text
    .split('\n')
    .map((line) => {
      const at = line.indexOf(' = ');
      const value = (at === -1 ? line : line.slice(0, at)).trim();
      const label = (at === -1 ? '' : line.slice(at + 3)).trim();
      return { value, label: label || value };
    })
    .filter((o) => o.value !== '');
}

/**
 * "This is not a field yet": adds a field to the workspace's catalog from the editor (label, id,
 * type, category, options of an enum). `onAdd` saves it; a refusal is shown here and nothing
 * typed is lost.
 */
export function NewFieldDialog(props: {
  open: boolean;
  takenIds: ReadonlySet<string>;
  onAdd: (field: FieldDef) => Promise<void>;
  onCancel: () => void;
}) {
  const [form, setForm] = useState<FieldForm>(emptyFieldForm);
  const [lines, setLines] = useState('');
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const options = optionsFromLines(lines);
  const withOptions: FieldForm = {
    ...form,
    options: TYPES_WITH_OPTIONS.includes(form.type) ? options : [],
  };
  const problem =
    options.length > MAX_OPTIONS
      ? `At most ${MAX_OPTIONS} options.`
      : formProblem(withOptions, props.takenIds);
  const set = (patch: Partial<FieldForm>) => {
    setRefusal(null);
    setForm((f) => ({ ...f, ...patch }));
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setShown(true);
    if (problem || busy) return;
    setBusy(true);
    try {
      await props.onAdd(formToField(withOptions));
    } catch (error) {
      setRefusal(error instanceof Error ? error.message : String(error));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog
      open={props.open}
      onOpenChange={(open) => {
        if (!open) props.onCancel();
      }}
      onOpenAutoFocus={() => {
        setForm(emptyFieldForm());
        setLines('');
        setShown(false);
        setRefusal(null);
      }}
      testId="new-field-dialog"
      title="New field"
      description="Adds a lead attribute to the workspace's fields and uses it here. Versions already proposed keep the fields they were signed with."
      error={refusal ?? (shown ? problem : undefined)}
      submit={{ label: 'Add field', busyLabel: 'Adding…', busy, onSubmit: (e) => void submit(e) }}
    >
      <FieldBasics form={form} set={set} />
      {TYPES_WITH_OPTIONS.includes(form.type) && (
        <label className="field">
          <span className="field-label">
            {form.type === 'enum' ? 'Options' : 'Suggested values (optional)'}
          </span>
          <textarea
            rows={4}
            value={lines}
            maxLength={50_000}
            placeholder={'google = Google\nreferral = Referral'}
            onChange={(e) => {
              setRefusal(null);
              setLines(e.target.value);
            }}
          />
          <span className="field-hint">
            One per line, as your CRM sends it; add “ = Label” for the words people read.
            {options.length > 0 && ` ${options.length} option${options.length === 1 ? '' : 's'}.`}
          </span>
        </label>
      )}
    </Dialog>
  );
}
