import type { FieldCatalog } from '../schema/field-catalog';
import { leadEventSchema, type AttributeValue, type Lead, type LeadEvent } from '../schema/lead';
import { formatPath, parseLead } from '../schema/parse-workflow';
import { ownValue, setOwn } from '../runtime/values';
import { coerceValue, enumLookup, missingTexts, parseBoolean, type CoerceTarget } from './coerce';
import { cellTooLong } from './limits';
import { DEFAULT_CONVERTED_STAGES, type ColumnTarget, type ImportMapping } from './mapping';
import { isPlaceholder } from './placeholders';

/** A problem with one cell (or, with `columnIndex` 0, with the row as a whole). */
export interface CellError {
  /** The column's name, as `importColumns` gives it ('' for the whole row). */
  column: string;
  /** 1-based position of the column; 0 for the whole row. */
  columnIndex: number;
  message: string;
  /** The cell as written, at most `ISSUE_VALUE_CHARS` characters (absent for the whole row). */
  value?: string;
}

/**
 * What a cell that does not fit its field costs: the cell (the field stays missing for that lead,
 * the problem is reported, the row is kept) or the whole row.
 */
export type BadCells = 'skip-cell' | 'refuse-row';
export const BAD_CELLS: readonly BadCells[] = ['skip-cell', 'refuse-row'];

/** Characters of a bad cell's value kept in its report. */
export const ISSUE_VALUE_CHARS = 200;

/**
 * A mapped row: a lead (with `issues`, the cells left out of it, when any were), or the errors
 * that kept it out.
 */
export type MappedRow =
  { ok: true; lead: Lead; issues?: CellError[] } | { ok: false; errors: CellError[] };

/** A problem with the mapping itself, before any row is read. */
export interface MappingIssue {
  path: string;
  message: string;
}

type Plan =
  | { kind: 'id' }
  | { kind: 'events' }
  | { kind: 'field'; field: string; target: CoerceTarget }
  | { kind: 'outcome'; as: 'converted' | 'won' | 'stage'; converted: Set<string> };

const normStage = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');
const WON = new Set(['won', 'closed won', 'win', 'yes', 'true', '1', 'y', 'converted']);
const LOST = new Set([
  'lost',
  'closed lost',
  'loss',
  'no',
  'false',
  '0',
  'n',
  'open',
  'not converted',
]);

/**
 * Checks a mapping against the columns of a file and the catalog: unknown columns or fields, two
 * columns for one field, two id columns, and (unless `needsData` is false, as for JSON lead
 * documents, which need no mapping) no column that gives a lead anything: a file read with such
 * a mapping would import empty leads. An empty list means it can be used.
 * @example checkMapping(['Email'], { columns: { Email: { kind: 'field', field: 'mail' } }, dateOrder: 'mdy' }, defaultCatalog)
 */
export function checkMapping(
  columns: readonly string[],
  mapping: ImportMapping,
  catalog: FieldCatalog,
  options: { needsData?: boolean } = {},
): MappingIssue[] {
  const issues: MappingIssue[] = [];
  const known = new Set(columns);
  const fields = new Set(catalog.fields.map((f) => f.id));
  const targets = new Map<string, string>();
  for (const [column, target] of Object.entries(mapping.columns)) {
    const path = formatPath(['mapping', 'columns', column]);
    if (target.kind === 'ignore') continue;
    if (!known.has(column)) {
      issues.push({ path, message: `The file has no column "${column}".` });
      continue;
    }
    if (target.kind === 'field' && !fields.has(target.field)) {
      issues.push({ path: `${path}.field`, message: `"${target.field}" is not a catalog field.` });
      continue;
    }
    const key = target.kind === 'field' ? `field ${target.field}` : target.kind;
    const other = targets.get(key);
    if (other !== undefined)
      issues.push({
        path,
        message: `Both "${other}" and "${column}" are mapped to ${target.kind === 'field' ? `the field ${target.field}` : `the ${target.kind}`}.`,
      });
    else targets.set(key, column);
  }
  const givesData = Object.values(mapping.columns).some(
    (t) => t.kind === 'field' || t.kind === 'events' || t.kind === 'outcome',
  );
  if (issues.length === 0 && !givesData && options.needsData !== false)
    issues.push({
      path: 'mapping.columns',
      message:
        'No column is mapped to a lead field, events or an outcome, so every lead would be empty: choose what at least one column becomes.',
    });
  return issues;
}

function shownValue(raw: unknown): string {
  const text = typeof raw === 'string' ? raw : (JSON.stringify(raw) ?? String(raw));
  return text.length > ISSUE_VALUE_CHARS ? text.slice(0, ISSUE_VALUE_CHARS) : text;
}

/**
 * Turns rows of an import into leads by a checked mapping. A row is either a list of cells in
 * the order of `columns` (CSV) or an object keyed by column name (flat JSON). Every cell that
 * cannot be read gives an error naming its column and value. With `badCells: 'skip-cell'` (the
 * default) such a cell is left out of the lead and reported in `issues`, and the row is kept if
 * anything else of it is left; with `'refuse-row'` a row with an error gives no lead. A field's
 * own `missing` texts count as blanks. A row of the wrong width is always refused.
 * @example
 * const map = createRowMapper(['Email'], mapping, defaultCatalog);
 * map(['ann@acme.com'], 2) // { ok: true, lead: { id: 'row-2', attributes: { email: 'ann@acme.com' }, events: [] } }
 */
export function createRowMapper(
  columns: readonly string[],
  mapping: ImportMapping,
  catalog: FieldCatalog,
  options: { badCells?: BadCells } = {},
): (row: readonly unknown[] | Record<string, unknown>, rowNumber: number) => MappedRow {
  const refuseRow = options.badCells === 'refuse-row';
  const fields = new Map(catalog.fields.map((f) => [f.id, f]));
  const plans: (Plan | null)[] = columns.map((column) => {
    // A column named `constructor` or `__proto__` is a name, not Object's property.
    const target = ownValue(mapping.columns, column) as ColumnTarget | undefined;
    if (!target || target.kind === 'ignore') return null;
    if (target.kind === 'field') {
      const def = fields.get(target.field);
      if (!def) return null;
      return {
        kind: 'field',
        field: def.id,
        target: {
          type: def.type,
          lookup: def.values ? enumLookup(def.values) : undefined,
          dateOrder: mapping.dateOrder,
          missing: missingTexts(def.missing),
        },
      };
    }
    if (target.kind === 'outcome')
      return {
        kind: 'outcome',
        as: target.as,
        converted: new Set((target.convertedStages ?? DEFAULT_CONVERTED_STAGES).map(normStage)),
      };
    return { kind: target.kind };
  });
  const width = columns.length;

  return (row, rowNumber) => {
    const errors: CellError[] = [];
    const cellErrors: CellError[] = [];
    const cells: readonly unknown[] = Array.isArray(row)
      ? row
      : columns.map((c) => ownValue(row, c));
    if (Array.isArray(row) && row.length !== width) {
      const extra = row.slice(width);
      if (row.length < width || extra.some((v) => typeof v !== 'string' || v.trim() !== ''))
        errors.push({
          column: '',
          columnIndex: 0,
          message: `The row has ${row.length} cells; the header has ${width}.`,
        });
    }
    let id: string | undefined;
    const attributes: Record<string, AttributeValue> = {};
    let events: LeadEvent[] = [];
    let outcome: Lead['outcome'];
    for (let i = 0; i < width; i++) {
      const plan = plans[i];
      if (!plan) continue;
      const raw = cells[i];
      // A cell's problem, pushed inline: no closure made per cell (a million-row export has
      // tens of millions of them).
      let problem: string | undefined;
      switch (plan.kind) {
        case 'id': {
          const text = raw === undefined || raw === null ? '' : String(raw).trim();
          const tooLong = cellTooLong(text);
          if (tooLong !== undefined) problem = tooLong;
          else if (text) id = text;
          break;
        }
        case 'field': {
          const coerced = coerceValue(raw, plan.target);
          if (!coerced.ok) problem = coerced.message;
          else if (coerced.value !== undefined) setOwn(attributes, plan.field, coerced.value);
          break;
        }
        case 'events': {
          const parsed = readEvents(raw);
          if (typeof parsed === 'string') problem = parsed;
          else events = parsed;
          break;
        }
        case 'outcome': {
          const read = readOutcome(raw, plan);
          if (typeof read === 'string') problem = read;
          else if (read) outcome = read;
          break;
        }
      }
      if (problem !== undefined)
        cellErrors.push({
          column: columns[i]!,
          columnIndex: i + 1,
          message: problem,
          value: shownValue(raw),
        });
    }
    if (errors.length || (refuseRow && cellErrors.length))
      return { ok: false, errors: [...errors, ...cellErrors] };
    if (!outcome && events.length === 0 && Object.keys(attributes).length === 0)
      return {
        ok: false,
        errors: cellErrors.length
          ? cellErrors
          : [
              {
                column: '',
                columnIndex: 0,
                message:
                  id === undefined
                    ? 'Every mapped cell of the row is blank.'
                    : 'The row has an id but every other mapped cell is blank.',
              },
            ],
      };
    const lead: Lead = { id: id ?? `row-${rowNumber}`, attributes, events };
    if (outcome) lead.outcome = outcome;
    return cellErrors.length ? { ok: true, lead, issues: cellErrors } : { ok: true, lead };
  };
}

function readEvents(raw: unknown): LeadEvent[] | string {
  if (raw === undefined || raw === null) return [];
  let value = raw;
  if (typeof raw === 'string') {
    if (isPlaceholder(raw)) return [];
    const tooLong = cellTooLong(raw);
    if (tooLong !== undefined) return tooLong;
    try {
      value = JSON.parse(raw);
    } catch {
      return 'Events must be a JSON array of {"type", "at", "props"}.';
    }
  }
  if (!Array.isArray(value)) return 'Events must be a JSON array of {"type", "at", "props"}.';
  const events: LeadEvent[] = [];
  for (let i = 0; i < value.length; i++) {
    const parsed = leadEventSchema.safeParse(value[i]);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      return `Event ${formatPath([i, ...issue.path])}: ${issue.message}`;
    }
    events.push(parsed.data);
  }
  return events;
}

/**
 * Whether a cell reads as an outcome of that kind (yes/no, won/lost, any stage); blanks do.
 * @example readsAsOutcome('Closed Won', 'won') // true
 */
export function readsAsOutcome(text: string, as: 'converted' | 'won' | 'stage'): boolean {
  return typeof readOutcome(text, { kind: 'outcome', as, converted: new Set() }) !== 'string';
}

function readOutcome(
  raw: unknown,
  plan: Plan & { kind: 'outcome' },
): Lead['outcome'] | undefined | string {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'boolean') return { converted: raw };
  const text = String(raw);
  if (isPlaceholder(text)) return undefined;
  if (plan.as === 'converted') {
    const b = parseBoolean(text);
    if (b !== undefined) return { converted: b };
    const t = normStage(text);
    if (WON.has(t)) return { converted: true };
    if (LOST.has(t)) return { converted: false };
    return `"${text.trim()}" is not yes or no (converted?)`;
  }
  if (plan.as === 'won') {
    const t = normStage(text);
    if (WON.has(t)) return { converted: true, won: true };
    if (LOST.has(t)) return { converted: false, won: false };
    return `"${text.trim()}" is not won or lost`;
  }
  const stage = normStage(text);
  return { converted: plan.converted.has(stage), stage: text.trim() };
}

/**
 * A lead document of a JSON import (`{id, attributes, events, outcome}`), checked by the lead
 * schema; text values of catalog fields are coerced like CSV cells ("1,200" → 1200, "Select" →
 * left out). A value that does not fit costs the value (reported in `issues`) unless `badCells`
 * is `'refuse-row'`. Each problem names its path as the column.
 * @example mapLeadDocument({ id: 'L-1', attributes: { company_size: '1,200' } }, defaultCatalog)
 */
export function mapLeadDocument(
  value: unknown,
  catalog?: FieldCatalog,
  options: { badCells?: BadCells } = {},
): MappedRow {
  const parsed = parseLead(value);
  if (!parsed.ok)
    return {
      ok: false,
      errors: parsed.errors.map((e) => ({ column: e.path, columnIndex: 0, message: e.message })),
    };
  if (!catalog) return { ok: true, lead: parsed.lead };
  const fields = new Map(catalog.fields.map((f) => [f.id, f]));
  const errors: CellError[] = [];
  const attributes: Record<string, AttributeValue> = {};
  for (const [key, raw] of Object.entries(parsed.lead.attributes)) {
    const def = fields.get(key);
    const fail = (message: string) =>
      errors.push({
        column: formatPath(['attributes', key]),
        columnIndex: 0,
        message,
        value: shownValue(raw),
      });
    const tooLong =
      typeof raw === 'string'
        ? cellTooLong(raw)
        : Array.isArray(raw)
          ? raw
              .map((item) => (typeof item === 'string' ? cellTooLong(item) : undefined))
              .find(Boolean)
          : undefined;
    if (tooLong !== undefined) {
      fail(tooLong);
      continue;
    }
    if (!def || typeof raw !== 'string') {
      setOwn(attributes, key, raw);
      continue;
    }
    const coerced = coerceValue(raw, {
      type: def.type,
      lookup: def.values ? enumLookup(def.values) : undefined,
      missing: missingTexts(def.missing),
    });
    if (!coerced.ok) fail(coerced.message);
    else if (coerced.value !== undefined) setOwn(attributes, key, coerced.value);
  }
  if (errors.length && options.badCells === 'refuse-row') return { ok: false, errors };
  const lead = { ...parsed.lead, attributes };
  return errors.length ? { ok: true, lead, issues: errors } : { ok: true, lead };
}
