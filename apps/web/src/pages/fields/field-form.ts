import type { FieldCategory, FieldDef, FieldType } from '@accord/engine';
import type { RouterOutputs } from '../../lib/types';

/** What the field dialog edits: every part of a field as the inputs hold it. */
export interface FieldForm {
  id: string;
  /** The id follows the label until the person edits the id. */
  idEdited: boolean;
  label: string;
  type: FieldType;
  category: FieldCategory;
  description: string;
  options: { value: string; label: string }[];
  missing: string[];
}

/** Types whose options the dialog shows: allowed values of an enum, suggestions for a list. */
export const TYPES_WITH_OPTIONS: readonly FieldType[] = ['enum', 'list'];

/** The types in words a rule author reads. */
export const TYPE_TEXT: Record<FieldType, string> = {
  string: 'Text',
  email: 'Email address',
  phone: 'Phone number',
  number: 'Number',
  boolean: 'Yes / no',
  date: 'Date',
  enum: 'One of a list of options',
  list: 'Several values (a list)',
};

/** Short words for each type, where a table column has little room (`TYPE_TEXT` as its title). */
export const TYPE_SHORT: Record<FieldType, string> = {
  string: 'Text',
  email: 'Email',
  phone: 'Phone',
  number: 'Number',
  boolean: 'Yes / no',
  date: 'Date',
  enum: 'One of options',
  list: 'List',
};

/** The words for each category, as the Fields page and the dialog name them. */
export const CATEGORY_TEXT: Record<FieldCategory, { title: string; hint: string }> = {
  profile: { title: 'Profile', hint: 'Who the lead is and where they work.' },
  channel: { title: 'Channel', hint: 'How the lead reached you.' },
  behaviour: { title: 'Behaviour', hint: 'What the lead did.' },
  undesirable: { title: 'Undesirable', hint: 'Signs the lead is not a buyer.' },
  sales: { title: 'Sales', hint: 'What sales fills in while working the lead.' },
};

const MAX_ID = 63;

/**
 * A field id from a label, as rules and CRMs write ids: lower case ASCII letters, digits and
 * underscores, starting with a letter, at most 63 characters.
 * @example fieldIdFromLabel('Time on site (s)') // 'time_on_site_s'
 */
export function fieldIdFromLabel(label: string): string {
  const ascii = label
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase();
  const words = ascii.split(/[^a-z0-9]+/).filter(Boolean);
  let id = words.join('_');
  if (/^[0-9]/.test(id)) id = `f_${id}`;
  return id.slice(0, MAX_ID).replace(/_+$/, '');
}

/** An empty form for a new field. */
export function emptyFieldForm(category: FieldCategory = 'profile'): FieldForm {
  return {
    id: '',
    idEdited: false,
    label: '',
    type: 'string',
    category,
    description: '',
    options: [],
    missing: [],
  };
}

/** The form for editing an existing field (its id stays). */
export function fieldToForm(field: FieldDef): FieldForm {
  return {
    id: field.id,
    idEdited: true,
    label: field.label,
    type: field.type,
    category: field.category,
    description: field.description ?? '',
    options: (field.values ?? []).map((o) => ({ ...o })),
    missing: [...(field.missing ?? [])],
  };
}

/**
 * The field a form describes. Blank option rows are dropped, an option without a label is
 * labelled with its value, and options are kept only for the types that have them.
 */
export function formToField(form: FieldForm): FieldDef {
  const options = form.options
    .map((o) => ({ value: o.value.trim(), label: o.label.trim() || o.value.trim() }))
    .filter((o) => o.value !== '');
  const description = form.description.trim();
  return {
    id: form.id.trim(),
    label: form.label.trim(),
    type: form.type,
    category: form.category,
    ...(description ? { description } : {}),
    ...(TYPES_WITH_OPTIONS.includes(form.type) && options.length > 0 ? { values: options } : {}),
    ...(form.missing.length > 0 ? { missing: form.missing } : {}),
  };
}

/** What the form lacks before the server is asked, in words (the server checks everything again). */
export function formProblem(form: FieldForm, takenIds: ReadonlySet<string>): string | undefined {
  const field = formToField(form);
  if (!field.label) return 'Give the field a label.';
  if (!field.id) return 'Give the field an id.';
  if (takenIds.has(field.id)) return `There is already a field '${field.id}'.`;
  if (field.type === 'enum' && !field.values?.length) return 'Give the enum at least one option.';
  const values = (field.values ?? []).map((o) => o.value);
  const twice = values.find((v, i) => values.indexOf(v) !== i);
  if (twice !== undefined) return `The option "${twice}" is given twice.`;
  return undefined;
}

/**
 * Whether a field matches what was typed in the search box: its label, id, description, type,
 * option values or labels, ignoring case.
 */
export function fieldMatches(field: FieldDef, search: string): boolean {
  const needle = search.trim().toLowerCase();
  if (!needle) return true;
  const haystack = [
    field.label,
    field.id,
    field.type,
    field.description ?? '',
    ...(field.values ?? []).flatMap((o) => [o.value, o.label]),
  ];
  return haystack.some((text) => text.toLowerCase().includes(needle));
}

export type FieldUse = RouterOutputs['fields']['usage'][string][number];

/** One workflow's uses of a field: its draft and versions, in the order the server gave them. */
export interface WorkflowUses {
  workflowId: string;
  workflowName: string;
  uses: FieldUse[];
}

/** Uses grouped by workflow, for "Inbound B2B — draft, version 3 (published)". */
export function usesByWorkflow(uses: readonly FieldUse[]): WorkflowUses[] {
  const groups = new Map<string, WorkflowUses>();
  for (const use of uses) {
    const group = groups.get(use.workflowId) ?? {
      workflowId: use.workflowId,
      workflowName: use.workflowName,
      uses: [],
    };
    group.uses.push(use);
    groups.set(use.workflowId, group);
  }
  return [...groups.values()];
}

/** "draft" or "version 3 (published)". */
export function fieldUseText(use: FieldUse): string {
  return use.kind === 'draft' ? 'draft' : `version ${use.number} (${use.status})`;
}
