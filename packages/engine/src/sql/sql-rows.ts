/**
 * Leads as rows of the relations `compileSql` reads: typed columns read with the engine's own
 * coercions, so a loader does not restate them.
 */
import { indexCatalog } from '../catalog/catalog-index';
import { ownValue, toBool, toList, toNumber, toText, toTime } from '../runtime/values';
import type { FieldCatalog } from '../schema/field-catalog';

/** One event as the events relation holds it; `at` in epoch milliseconds. */
export interface SqlEventRow {
  type: string;
  at: number;
  props: Record<string, string | number | boolean | string[]>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

/**
 * A lead's field values as typed columns: text as it came (numbers and yes/no as the engine
 * reads them as text; or trimmed and lower-cased with `normalized`), numbers, yes/no, dates
 * (epoch ms), lists (as `toList` reads them); `null` when missing.
 * @example toSqlLead({ attributes: { employees: '250' } }, defaultCatalog).employees // 250
 */
export function toSqlLead(
  lead: unknown,
  catalog: FieldCatalog,
  options: {
    /** Text as the engine reads it (trimmed, lower-cased), for `compileSql`'s `normalizedText`. */
    normalized?: boolean;
  } = {},
): Record<string, string | number | boolean | string[] | null> {
  const attributes = isObject(lead) && isObject(lead.attributes) ? lead.attributes : {};
  const out: Record<string, string | number | boolean | string[] | null> = {};
  for (const field of indexCatalog(catalog).fields.values()) {
    const raw = ownValue(attributes, field.id);
    let v: string | number | boolean | string[] | null | undefined;
    switch (field.type) {
      case 'number':
        v = toNumber(raw);
        break;
      case 'boolean':
        v = toBool(raw);
        break;
      case 'date':
        v = toTime(raw);
        break;
      case 'list':
        v = toList(raw);
        break;
      default:
        v = typeof raw === 'string' && !options.normalized ? raw : toText(raw);
    }
    Object.defineProperty(out, field.id, { value: v ?? null, enumerable: true, writable: true });
  }
  return out;
}

/**
 * A lead's events as rows: events with an unreadable time or a type that is not text are left
 * out (the evaluator skips them too); props the catalog knows, typed as the evaluator reads them.
 * @example toSqlEvents({ events: [{ type: 'page_view', at: 0, props: { seconds: '45' } }] }, defaultCatalog)[0].props.seconds // 45
 */
export function toSqlEvents(lead: unknown, catalog: FieldCatalog): SqlEventRow[] {
  const events = isObject(lead) && Array.isArray(lead.events) ? (lead.events as unknown[]) : [];
  const index = indexCatalog(catalog);
  const rows: SqlEventRow[] = [];
  for (const e of events) {
    if (!isObject(e) || typeof e.type !== 'string') continue;
    const at = toTime(e.at);
    if (at === undefined) continue;
    const props: SqlEventRow['props'] = {};
    const raw = isObject(e.props) ? e.props : {};
    for (const prop of index.events.get(e.type)?.props.values() ?? []) {
      const value = ownValue(raw, prop.id);
      const v =
        prop.type === 'number'
          ? toNumber(value)
          : prop.type === 'boolean'
            ? toBool(value)
            : prop.type === 'date'
              ? toTime(value)
              : prop.type === 'list'
                ? toList(value)
                : toText(value);
      if (v !== undefined)
        Object.defineProperty(props, prop.id, { value: v, enumerable: true, writable: true });
    }
    rows.push({ type: e.type, at, props });
  }
  return rows;
}
