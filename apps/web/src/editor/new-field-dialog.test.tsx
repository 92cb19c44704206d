import {
  defaultCatalog,
  defaultScores,
  defaultStages,
  type Comparison,
  type FieldCatalog,
  type FieldDef,
} from '@accord/engine';
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useMemo, useState } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ComparisonEditor } from './inspector/comparison-editor';
import { NewFieldContext, type NewFieldRequest } from './new-field';
import { NewFieldDialog, optionsFromLines } from './new-field-dialog';
import { Controlled } from './testing';
import { WorkflowContextProvider } from './workflow-context';

afterEach(cleanup);

const stages = defaultStages();
const scores = defaultScores();

/** The catalog with one field marked retired. */
function withRetired(id: string): FieldCatalog {
  return {
    ...defaultCatalog,
    fields: defaultCatalog.fields.map((f) => (f.id === id ? { ...f, retired: true } : f)),
  };
}

/**
 * A comparison editor over a catalog the test can grow: "New field…" opens the real dialog, and
 * adding puts the field into the catalog (as the editor's refetch of `fields.catalog` does).
 */
function Harness(props: { initial: Comparison; catalog: FieldCatalog; changes: Comparison[] }) {
  const [catalog, setCatalog] = useState(props.catalog);
  const [open, setOpen] = useState(false);
  const [resolve, setResolve] = useState<((f: FieldDef | undefined) => void) | null>(null);
  const request = useMemo<NewFieldRequest>(
    () => ({
      create: () =>
        new Promise((r) => {
          setResolve(() => r);
          setOpen(true);
        }),
    }),
    [],
  );
  return (
    <WorkflowContextProvider stages={stages} scores={scores} catalog={catalog}>
      <NewFieldContext.Provider value={request}>
        <Controlled initial={props.initial} changes={props.changes}>
          {(value, onChange) => <ComparisonEditor value={value} onChange={onChange} />}
        </Controlled>
        <NewFieldDialog
          open={open}
          takenIds={new Set(catalog.fields.map((f) => f.id))}
          onAdd={async (field) => {
            await Promise.resolve();
            setCatalog((c) => ({ ...c, fields: [...c.fields, field] }));
            setOpen(false);
            resolve?.(field);
          }}
          onCancel={() => {
            setOpen(false);
            resolve?.(undefined);
          }}
        />
      </NewFieldContext.Provider>
    </WorkflowContextProvider>
  );
}

const picker = () => screen.getByRole('combobox', { name: 'Field' });
const pickerOptions = () =>
  within(picker())
    .getAllByRole('option')
    .map((o) => o.textContent);

describe('#17: "This is not a field yet" in the field picker', () => {
  it('adds an enum field from the picker and uses it in the comparison, with its options', async () => {
    const changes: Comparison[] = [];
    render(
      <Harness
        initial={{ operand: { kind: 'field', field: 'job_title' }, op: 'eq', value: 'CEO' }}
        catalog={defaultCatalog}
        changes={changes}
      />,
    );
    await userEvent.selectOptions(picker(), 'New field…');
    const dialog = screen.getByTestId('new-field-dialog');
    await userEvent.type(within(dialog).getByRole('textbox', { name: 'Label' }), 'Origin');
    expect(within(dialog).getByRole('textbox', { name: /^Id/ })).toHaveProperty('value', 'origin');
    await userEvent.selectOptions(
      within(dialog).getByRole('combobox', { name: 'Type' }),
      'One of a list of options',
    );
    await userEvent.selectOptions(within(dialog).getByRole('combobox', { name: 'Category' }), [
      within(dialog).getByRole('option', { name: /^Channel/ }),
    ]);
    // An enum without options is refused in words before anything is sent.
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add field' }));
    expect(within(dialog).getByRole('alert').textContent).toBe(
      'Give the enum at least one option.',
    );
    await userEvent.type(
      within(dialog).getByRole('textbox', { name: /Options/ }),
      'web = Website{Enter}ads',
    );
    await userEvent.click(within(dialog).getByRole('button', { name: 'Add field' }));

    expect(screen.queryByTestId('new-field-dialog')).toBeNull();
    expect(changes.at(-1)).toEqual({ operand: { kind: 'field', field: 'origin' }, op: 'eq' });
    expect((picker() as HTMLSelectElement).value).toBe('field:origin');
    // The value input offers the new field's options.
    const valueChoice = screen.getByRole('combobox', { name: 'Value' });
    expect(
      within(valueChoice)
        .getAllByRole('option')
        .map((o) => o.textContent),
    ).toEqual(expect.arrayContaining(['Website', 'ads']));
  }, 20_000);

  it('refuses an id the catalog has, and keeps what was typed when the server refuses', async () => {
    const onAdd = vi.fn(() => Promise.reject(new Error("There is already a field 'visits'.")));
    render(<NewFieldDialog open takenIds={new Set(['email'])} onAdd={onAdd} onCancel={() => {}} />);
    const label = screen.getByRole('textbox', { name: 'Label' });
    await userEvent.type(label, 'Email');
    await userEvent.click(screen.getByRole('button', { name: 'Add field' }));
    expect(screen.getByRole('alert').textContent).toBe("There is already a field 'email'.");
    expect(onAdd).not.toHaveBeenCalled();

    await userEvent.clear(label);
    await userEvent.type(label, 'Visits');
    await userEvent.click(screen.getByRole('button', { name: 'Add field' }));
    expect(onAdd).toHaveBeenCalledWith({
      id: 'visits',
      label: 'Visits',
      type: 'string',
      category: 'profile',
    });
    expect(screen.getByRole('alert').textContent).toBe("There is already a field 'visits'.");
    expect(label).toHaveProperty('value', 'Visits');
  });

  it('hides retired fields from new choices but shows the one a rule uses, marked retired', () => {
    const catalog = withRetired('industry');
    render(
      <Harness
        initial={{ operand: { kind: 'field', field: 'job_title' }, op: 'eq', value: 'x' }}
        catalog={catalog}
        changes={[]}
      />,
    );
    const label = defaultCatalog.fields.find((f) => f.id === 'industry')!.label;
    expect(pickerOptions()).not.toContain(label);
    expect(pickerOptions()).not.toContain(`${label} (retired)`);
    cleanup();
    render(
      <Harness
        initial={{ operand: { kind: 'field', field: 'industry' }, op: 'eq', value: 'x' }}
        catalog={catalog}
        changes={[]}
      />,
    );
    expect(pickerOptions()).toContain(`${label} (retired)`);
    expect((picker() as HTMLSelectElement).value).toBe('field:industry');
  });

  it('reads option lines as value or value = Label', () => {
    expect(optionsFromLines('google = Google\n\n bing \nA = B = C')).toEqual([
      { value: 'google', label: 'Google' },
      { value: 'bing', label: 'bing' },
      { value: 'A', label: 'B = C' },
    ]);
  });
});
