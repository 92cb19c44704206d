import { parseTemplate } from '../runtime/template';
import type { EnumOption, FieldCatalog, FieldDef } from '../schema/field-catalog';

/** One way a field differs between two catalogs. */
export type CatalogFieldChange =
  | { kind: 'added'; field: string; label: string; after: FieldDef }
  | { kind: 'removed'; field: string; label: string; before: FieldDef }
  | { kind: 'retyped'; field: string; label: string; before: FieldDef; after: FieldDef }
  | {
      kind: 'options-changed';
      field: string;
      label: string;
      added: string[];
      removed: string[];
      relabelled: string[];
    }
  | { kind: 'retired'; field: string; label: string }
  | { kind: 'restored'; field: string; label: string }
  | { kind: 'relabelled'; field: string; label: string; before: string; after: string }
  | {
      kind: 'missing-texts-changed';
      field: string;
      label: string;
      before: string[];
      after: string[];
    };

/**
 * How the fields of `after` differ from those of `before`, in `after`'s order (removed ones last).
 * With `only`, just the fields in it (e.g. the fields a workflow uses).
 * @example catalogChanges(a, b).map((c) => `${c.kind} ${c.field}`) // ['retyped industry']
 */
export function catalogChanges(
  before: FieldCatalog,
  after: FieldCatalog,
  only?: ReadonlySet<string>,
): CatalogFieldChange[] {
  const old = new Map(before.fields.map((f) => [f.id, f]));
  const seen = new Set<string>();
  const out: CatalogFieldChange[] = [];
  for (const field of after.fields) {
    if (seen.has(field.id)) continue;
    seen.add(field.id);
    if (only && !only.has(field.id)) continue;
    const prior = old.get(field.id);
    if (!prior) {
      out.push({ kind: 'added', field: field.id, label: field.label, after: field });
      continue;
    }
    out.push(...fieldChanges(prior, field));
  }
  for (const field of before.fields) {
    if (seen.has(field.id) || (only && !only.has(field.id))) continue;
    seen.add(field.id);
    out.push({ kind: 'removed', field: field.id, label: field.label, before: field });
  }
  return out;
}

/** How one field changed (empty when it did not). */
export function fieldChanges(before: FieldDef, after: FieldDef): CatalogFieldChange[] {
  const out: CatalogFieldChange[] = [];
  const base = { field: after.id, label: after.label };
  if (before.type !== after.type) out.push({ kind: 'retyped', ...base, before, after });
  else {
    const options = optionChanges(before.values ?? [], after.values ?? []);
    if (options) out.push({ kind: 'options-changed', ...base, ...options });
  }
  if (!before.retired && after.retired) out.push({ kind: 'retired', ...base });
  if (before.retired && !after.retired) out.push({ kind: 'restored', ...base });
  if (before.label !== after.label)
    out.push({ kind: 'relabelled', ...base, before: before.label, after: after.label });
  const was = before.missing ?? [];
  const now = after.missing ?? [];
  if (was.length !== now.length || was.some((t, i) => t !== now[i]))
    out.push({ kind: 'missing-texts-changed', ...base, before: was, after: now });
  return out;
}

function optionChanges(before: readonly EnumOption[], after: readonly EnumOption[]) {
  const old = new Map(before.map((o) => [o.value, o.label]));
  const now = new Map(after.map((o) => [o.value, o.label]));
  const added = [...now.keys()].filter((v) => !old.has(v));
  const removed = [...old.keys()].filter((v) => !now.has(v));
  const relabelled = [...now].filter(([v, l]) => old.has(v) && old.get(v) !== l).map(([v]) => v);
  return added.length || removed.length || relabelled.length
    ? { added, removed, relabelled }
    : undefined;
}

/**
 * A field change in words, for diffs, audit entries and diagnostics.
 * @example fieldChangeText({ kind: 'retired', field: 'fax', label: 'Fax' }) // 'Fax was retired'
 */
export function fieldChangeText(change: CatalogFieldChange): string {
  switch (change.kind) {
    case 'added':
      return `${change.label} was added (${change.after.type})`;
    case 'removed':
      return `${change.label} was removed`;
    case 'retyped':
      return `${change.label} changed type from ${change.before.type} to ${change.after.type}`;
    case 'options-changed': {
      const parts = [
        change.added.length ? `added ${change.added.join(', ')}` : '',
        change.removed.length ? `removed ${change.removed.join(', ')}` : '',
        change.relabelled.length ? `relabelled ${change.relabelled.join(', ')}` : '',
      ].filter(Boolean);
      return `${change.label} options: ${parts.join('; ')}`;
    }
    case 'retired':
      return `${change.label} was retired`;
    case 'restored':
      return `${change.label} is in use again (no longer retired)`;
    case 'relabelled':
      return `${change.before} is now called ${change.after}`;
    case 'missing-texts-changed':
      return `${change.label} treats ${change.after.length ? change.after.map((t) => `"${t}"`).join(', ') : 'only blanks'} as missing`;
  }
}

/**
 * The ids of the lead fields and event types a document refers to: any object
 * `{ kind: 'field', field }` or `{ kind: 'events', event }` wherever it sits, and `{field.id}` in
 * a reason template.
 * @example usedCatalogIds(defaultWorkflow()).fields.has('job_title') // true
 */
export function usedCatalogIds(document: unknown): { fields: Set<string>; events: Set<string> } {
  const fields = new Set<string>();
  const events = new Set<string>();
  const stack: unknown[] = [document];
  let budget = 1_000_000;
  while (stack.length > 0 && budget-- > 0) {
    const value = stack.pop();
    if (typeof value === 'string' && value.includes('{field.')) {
      for (const part of parseTemplate(value)) if (part.kind === 'field') fields.add(part.id);
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (Array.isArray(value)) {
      for (const v of value) stack.push(v);
      continue;
    }
    const record = value as Record<string, unknown>;
    if (record.kind === 'field' && typeof record.field === 'string') fields.add(record.field);
    if (record.kind === 'events' && typeof record.event === 'string') events.add(record.event);
    for (const key of Object.keys(record)) stack.push(record[key]);
  }
  return { fields, events };
}
