import {
  coerceValue,
  enumLookup,
  fieldSlug,
  proposeField,
  valueKey,
  type ColumnProfile,
  type EnumOption,
  type FieldCatalog,
  type FieldCategory,
  type FieldDef,
  type FieldType,
  type ImportMapping,
  type ProposedField,
} from '@accord/engine';
import type { FileProfile } from './profile-file';

/** A column that matches no field and may become a new one, as the person decides. */
export interface NewFieldChoice {
  column: string;
  create: boolean;
  id: string;
  label: string;
  type: FieldType;
  /** '' until the person chooses one. */
  category: FieldCategory | '';
  /** Enum options: one per value seen (case and spacing variants merged), label chosen. */
  options: OptionChoice[];
  /** Placeholder texts seen in the column, offered as the field's missing-value texts. */
  missing: { text: string; count: number; use: boolean }[];
  proposal: ProposedField;
  profile: ColumnProfile;
}

/** One enum option learned from a column: its spellings in the file and the one used as label. */
export interface OptionChoice {
  value: string;
  label: string;
  /** Spellings seen (case/spacing variants of one value), most frequent first. */
  spellings: { text: string; count: number }[];
}

/** Values of a column mapped to an existing enum field that the field does not have. */
export interface NewOptionsChoice {
  column: string;
  field: FieldDef;
  options: (OptionChoice & { add: boolean })[];
}

export interface LearnPlan {
  fields: NewFieldChoice[];
  newOptions: NewOptionsChoice[];
}

/** Types a learned field may be given (a list or phone column is text to start with). */
export const LEARNABLE_TYPES: readonly FieldType[] = [
  'string',
  'number',
  'boolean',
  'date',
  'email',
  'enum',
];

/**
 * Values of a column as enum options: one per value key (case and spacing folded), value = its
 * slug, label = its most frequent spelling; most frequent first. Empty when the column had too
 * many values to list.
 * @example optionsOf(profile) // [{ value: 'google', label: 'Google', spellings: [{text:'Google',count:9}, {text:'google',count:2}] }]
 */
export function optionsOf(profile: ColumnProfile): OptionChoice[] {
  if (profile.distinct === null) return [];
  const byKey = new Map<string, { text: string; count: number }[]>();
  for (const { value, count } of profile.distinct) {
    const key = valueKey(value);
    const spellings = byKey.get(key) ?? [];
    spellings.push({ text: value, count });
    byKey.set(key, spellings);
  }
  const total = (s: { count: number }[]) => s.reduce((sum, x) => sum + x.count, 0);
  const used = new Set<string>();
  return [...byKey]
    .sort((a, b) => total(b[1]) - total(a[1]) || (a[0] < b[0] ? -1 : 1))
    .map(([key, spellings]) => {
      let value = fieldSlug(key, 'value');
      for (let n = 2; used.has(value); n++) value = `${fieldSlug(key, 'value').slice(0, 58)}_${n}`;
      used.add(value);
      return { value, label: spellings[0]!.text.trim(), spellings };
    });
}

function targetOf(mapping: ImportMapping, column: string) {
  return mapping.columns[column] ?? { kind: 'ignore' as const };
}

/**
 * What the preview offers to learn from a whole-file profile: every column the mapping leaves
 * out becomes a proposed field (type from the whole file, label from the header, placeholders as
 * missing texts, enum options with variants merged); every column mapped to an enum field offers
 * the values the field lacks as new options. Empty columns are proposed but not ticked.
 */
export function learnPlan(
  profile: FileProfile,
  catalog: FieldCatalog,
  mapping: ImportMapping,
): LearnPlan {
  const taken = new Set(catalog.fields.map((f) => f.id));
  const fields: NewFieldChoice[] = [];
  const newOptions: NewOptionsChoice[] = [];
  for (const column of profile.profiles) {
    const target = targetOf(mapping, column.header);
    if (target.kind === 'ignore') {
      const proposal = proposeField(column, profile.rows, taken);
      taken.add(proposal.id);
      fields.push({
        column: column.header,
        create: column.filled > 0,
        id: proposal.id,
        label: proposal.label,
        type: proposal.type,
        category: '',
        options: proposal.type === 'enum' ? optionsOf(column) : [],
        missing: column.placeholders.map((p) => ({ ...p, use: true })),
        proposal,
        profile: column,
      });
    } else if (target.kind === 'field') {
      const field = catalog.fields.find((f) => f.id === target.field);
      if (field?.type !== 'enum') continue;
      const lookup = enumLookup(field.values ?? []);
      const lacking = optionsOf(column).filter(
        (o) => !o.spellings.some((s) => coerceValue(s.text, { type: 'enum', lookup }).ok),
      );
      if (lacking.length > 0)
        newOptions.push({
          column: column.header,
          field,
          options: lacking.map((o) => ({ ...o, add: true })),
        });
    }
  }
  return { fields, newOptions };
}

/** A choice with its type changed: options are learned when it becomes an enum. */
export function withType(choice: NewFieldChoice, type: FieldType): NewFieldChoice {
  return { ...choice, type, options: type === 'enum' ? optionsOf(choice.profile) : [] };
}

/** What is still missing before the plan can be saved, in words; empty when it can. */
export function planProblems(plan: LearnPlan): string[] {
  const problems: string[] = [];
  const chosen = plan.fields.filter((f) => f.create);
  const noCategory = chosen.filter((f) => f.category === '');
  if (noCategory.length > 0)
    problems.push(
      `Choose a category for ${noCategory.map((f) => f.label || f.column).join(', ')}.`,
    );
  for (const f of chosen) {
    if (!/^[a-z][a-z0-9_]{0,62}$/.test(f.id))
      problems.push(`${f.column}: the field id "${f.id}" is not lower case letters, digits and _.`);
    if (f.label.trim() === '') problems.push(`${f.column}: give the field a label.`);
    if (f.type === 'enum' && f.options.length === 0)
      problems.push(`${f.column}: an enum field needs options; this column has too many values.`);
  }
  const ids = chosen.map((f) => f.id);
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) problems.push(`Two new fields have the id "${twice}".`);
  return problems;
}

/** The new fields as the catalog stores them. */
export function fieldsToCreate(plan: LearnPlan): FieldDef[] {
  return plan.fields
    .filter((f) => f.create && f.category !== '')
    .map((f) => {
      const missing = f.missing.filter((m) => m.use).map((m) => m.text);
      return {
        id: f.id,
        label: f.label.trim(),
        type: f.type,
        category: f.category as FieldCategory,
        description: `Learned from the import column "${f.column}". ${f.proposal.why}`.slice(
          0,
          2_000,
        ),
        ...(f.type === 'enum'
          ? { values: f.options.map(({ value, label }) => ({ value, label })) }
          : {}),
        ...(missing.length > 0 ? { missing } : {}),
      };
    });
}

/** Existing enum fields with the options ticked to be added. */
export function fieldsToExtend(plan: LearnPlan): FieldDef[] {
  const extended: FieldDef[] = [];
  for (const { field, options } of plan.newOptions) {
    const have = new Set((field.values ?? []).map((o) => o.value));
    const added: EnumOption[] = [];
    for (const o of options.filter((o) => o.add)) {
      let value = o.value;
      for (let n = 2; have.has(value); n++) value = `${o.value.slice(0, 58)}_${n}`;
      have.add(value);
      added.push({ value, label: o.label });
    }
    if (added.length > 0) extended.push({ ...field, values: [...(field.values ?? []), ...added] });
  }
  return extended;
}

/** The mapping with each created field's column mapped to it. */
export function mappingWithNewFields(mapping: ImportMapping, plan: LearnPlan): ImportMapping {
  const columns = { ...mapping.columns };
  for (const f of plan.fields)
    if (f.create && f.category !== '') columns[f.column] = { kind: 'field', field: f.id };
  return { ...mapping, columns };
}

const count = (n: number) => n.toLocaleString('en');

/**
 * Blanks and placeholders of a column told apart, in words.
 * @example missingText(profile) // "312 blank, 1,204 'Select'"
 */
export function missingText(profile: ColumnProfile): string {
  const parts = [`${count(profile.blank)} blank`];
  for (const p of profile.placeholders.slice(0, 4)) parts.push(`${count(p.count)} '${p.text}'`);
  if (profile.placeholders.length > 4) parts.push('…');
  return parts.join(', ');
}

/** How many of a column's filled cells fit a field, from the whole-file profile. */
function fitting(profile: ColumnProfile, field: Pick<FieldDef, 'type' | 'values'>): number | null {
  switch (field.type) {
    case 'number':
      return profile.numbers;
    case 'boolean':
      return profile.booleans;
    case 'date':
      return profile.dates;
    case 'email':
      return profile.emails;
    case 'enum': {
      if (profile.distinct === null) return null;
      const lookup = enumLookup(field.values ?? []);
      return profile.distinct
        .filter((d) => coerceValue(d.value, { type: 'enum', lookup }).ok)
        .reduce((sum, d) => sum + d.count, 0);
    }
    default:
      return profile.filled;
  }
}

/**
 * Mapped columns where most rows of the whole file would have no value (blank, a placeholder, or
 * a cell that does not fit the field), in words.
 * @example lossWarnings(…) // ['Company size: 9,120 of 9,240 rows would have no value (9,000 filled cells do not fit a number).']
 */
export function lossWarnings(
  profile: FileProfile,
  catalog: FieldCatalog,
  mapping: ImportMapping,
  plan?: LearnPlan,
): string[] {
  if (profile.rows === 0) return [];
  const created = new Map((plan ? fieldsToCreate(plan) : []).map((f) => [f.id, f]));
  const warnings: string[] = [];
  const effective = plan ? mappingWithNewFields(mapping, plan) : mapping;
  for (const column of profile.profiles) {
    const target = targetOf(effective, column.header);
    if (target.kind !== 'field') continue;
    const field = catalog.fields.find((f) => f.id === target.field) ?? created.get(target.field);
    if (!field) continue;
    const fit = fitting(column, field);
    if (fit === null) continue;
    const lost = profile.rows - fit;
    if (lost * 2 <= profile.rows) continue;
    const bad = column.filled - fit;
    warnings.push(
      `${field.label}: ${count(lost)} of ${count(profile.rows)} rows would have no value (${missingText(column)}${
        bad > 0
          ? `, ${count(bad)} filled cells that do not fit ${field.type === 'enum' ? 'its options' : `a ${field.type}`}`
          : ''
      }).`,
    );
  }
  return warnings;
}

/** A fresh plan that keeps the person's choices for the columns both plans offer. */
export function keepChoices(next: LearnPlan, previous: LearnPlan | null): LearnPlan {
  if (!previous) return next;
  const before = new Map(previous.fields.map((f) => [f.column, f]));
  const optionsBefore = new Map(previous.newOptions.map((n) => [n.column, n]));
  return {
    fields: next.fields.map((f) => before.get(f.column) ?? f),
    newOptions: next.newOptions.map((n) =>
      optionsBefore.get(n.column)?.field.id === n.field.id ? optionsBefore.get(n.column)! : n,
    ),
  };
}
