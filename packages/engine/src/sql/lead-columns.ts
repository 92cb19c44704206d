/**
 * Typed lead columns in SQL from raw values, as the engine reads raw values (runtime/values.ts):
 * the columns `compileSql` expects (text as text, numbers as double precision, yes/no as
 * boolean, dates as timestamptz, lists as text arrays) from a stored lead's JSON or a file's
 * text cells, inside the database. Values the engine would read as missing are NULL.
 *
 * Agreed with the engine for what imports and the generator store (JSON numbers and booleans,
 * numeric and yes/no text, ISO 8601 dates as `toISOString` writes them, arrays). Rarer forms the
 * JavaScript reader also accepts are NULL here: hexadecimal or binary numbers ("0x1F"), dates in
 * a form other than ISO 8601 ("March 7, 2026") or with an impossible day ("2026-02-30", which
 * JavaScript rolls over into March; PostgreSQL refuses the cast and the query fails).
 */
import type { FieldType } from '../schema/field-catalog';
/** The dialects of `compileSql`. */
type SqlDialect = 'postgres' | 'duckdb';

/** A decimal number as `Number()` reads one once trimmed (no hex, no Infinity). */
const NUMBER_PATTERN = '^[+-]?([0-9]+[.]?[0-9]*|[.][0-9]+)([eE][+-]?[0-9]{1,3})?$';
/** ISO 8601 date or date-time with an optional zone, as imports store dates. */
const ISO_PATTERN =
  '^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])' +
  '([T ]([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9]([.][0-9]+)?)?(Z|[+-][0-9]{2}(:?[0-9]{2})?)?)?$';
const TRIM_PATTERN = '^\\s+|\\s+$';

const matches = (text: string, pattern: string, dialect: SqlDialect) =>
  dialect === 'postgres' ? `(${text} ~ '${pattern}')` : `regexp_full_match(${text}, '${pattern}')`;

const trimmed = (text: string) => `regexp_replace(${text}, '${TRIM_PATTERN}', '', 'g')`;

const doubleType = (dialect: SqlDialect) =>
  dialect === 'postgres' ? 'double precision' : 'DOUBLE';

/** A number from text (trimmed), NULL when it is not a decimal number. */
function numberFromText(text: string, dialect: SqlDialect) {
  const t = trimmed(text);
  return `(case when ${matches(t, NUMBER_PATTERN, dialect)} then cast(${t} as ${doubleType(dialect)}) end)`;
}

/** Yes/no from text: true/yes/1 and false/no/0, trimmed, any case. */
function booleanFromText(text: string) {
  return (
    `(case lower(${trimmed(text)}) when 'true' then true when 'yes' then true when '1' then true ` +
    `when 'false' then false when 'no' then false when '0' then false end)`
  );
}

/** A time from ISO 8601 text, to the millisecond as `Date.parse` reads it (UTC when no zone). */
export function timeFromText(text: string, dialect: SqlDialect): string {
  const cast =
    dialect === 'postgres' ? `cast(${text} as timestamptz)` : `try_cast(${text} as TIMESTAMPTZ)`;
  return `(case when ${matches(text, ISO_PATTERN, dialect)} then date_trunc('milliseconds', ${cast}) end)`;
}

/** A time from epoch milliseconds. */
export function timeFromEpochMs(number: string, dialect: SqlDialect): string {
  return dialect === 'postgres'
    ? `to_timestamp(${number} / 1000.0)`
    : `make_timestamptz(cast(round(${number} * 1000) as BIGINT))`;
}

function listFromText(text: string, dialect: SqlDialect) {
  return dialect === 'postgres' ? `string_to_array(${text}, ',')` : `string_split(${text}, ',')`;
}

/**
 * A field of a type as a typed column, from a text expression (a CSV cell): a blank cell is
 * missing, numbers, yes/no and dates are read from the text.
 * @example fieldFromText('"company_size"', 'number', 'duckdb')
 */
export function fieldFromText(text: string, type: FieldType, dialect: SqlDialect): string {
  const cell = `nullif(${text}, '')`;
  switch (type) {
    case 'string':
    case 'email':
    case 'phone':
    case 'enum':
      return cell;
    case 'number':
      return numberFromText(cell, dialect);
    case 'boolean':
      return booleanFromText(cell);
    case 'date':
      return timeFromText(cell, dialect);
    case 'list':
      return listFromText(cell, dialect);
  }
}

/**
 * A field of a type as a typed column, from a JSON value expression (`data->'attributes'->'x'`
 * of a stored lead in PostgreSQL, a JSON value in DuckDB), read as the engine reads the value.
 * @example fieldFromJson(`a."company_size"`, 'number', 'postgres')
 */
export function fieldFromJson(json: string, type: FieldType, dialect: SqlDialect): string {
  const kind = dialect === 'postgres' ? `json_typeof(${json})` : `json_type(${json})`;
  const isString = dialect === 'postgres' ? `'string'` : `'VARCHAR'`;
  const isNumber =
    dialect === 'postgres' ? `('number')` : `('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')`;
  const isBoolean = dialect === 'postgres' ? `'boolean'` : `'BOOLEAN'`;
  const isArray = dialect === 'postgres' ? `'array'` : `'ARRAY'`;
  const text = dialect === 'postgres' ? `(${json} #>> '{}')` : `(${json} ->> '$')`;
  const number = `cast(${text} as ${doubleType(dialect)})`;
  switch (type) {
    case 'string':
    case 'email':
    case 'phone':
    case 'enum':
      // A number or yes/no reads as its text (String(12), 'true'); arrays and objects are missing.
      return `(case when ${kind} = ${isString} or ${kind} in ${isNumber} or ${kind} = ${isBoolean} then ${text} end)`;
    case 'number':
      return `(case when ${kind} in ${isNumber} then ${number} when ${kind} = ${isString} then ${numberFromText(text, dialect)} end)`;
    case 'boolean':
      return (
        `(case when ${kind} = ${isBoolean} then cast(${text} as boolean) ` +
        `when ${kind} in ${isNumber} then (case ${number} when 1 then true when 0 then false end) ` +
        `when ${kind} = ${isString} then ${booleanFromText(text)} end)`
      );
    case 'date':
      return (
        `(case when ${kind} in ${isNumber} then ${timeFromEpochMs(number, dialect)} ` +
        `when ${kind} = ${isString} then ${timeFromText(text, dialect)} end)`
      );
    case 'list': {
      const items =
        dialect === 'postgres'
          ? `array(select json_array_elements_text(${json}))`
          : `cast(json_extract_string(${json}, '$[*]') as VARCHAR[])`;
      return (
        `(case when ${kind} = ${isArray} then ${items} ` +
        `when ${kind} = ${isString} then ${listFromText(text, dialect)} ` +
        `when ${kind} in ${isNumber} or ${kind} = ${isBoolean} then ${dialect === 'postgres' ? `array[${text}]` : `[${text}]`} end)`
      );
    }
  }
}

/** What a catalog types, as far as typed copies of leads need it: its fields and event properties. */
export interface TypedCatalog {
  fields: readonly { id: string; type: FieldType }[];
  events: readonly { props: readonly { id: string; type: FieldType }[] }[];
}

/**
 * The event properties of `catalogs` a typed events table holds, each under a column of its own
 * (`p_0`, `p_1`, … keyed `${propId}\u0000${type}`, so a property typed two ways gets two). Dates
 * and lists are left to the JSON props.
 * @example typedEventProps([catalog]).get('minutes\u0000number') // 'p_8'
 */
export function typedEventProps(catalogs: readonly TypedCatalog[]): Map<string, string> {
  const columns = new Map<string, string>();
  for (const catalog of catalogs)
    for (const event of catalog.events)
      for (const prop of event.props) {
        const key = `${prop.id}\u0000${prop.type}`;
        if (columns.has(key) || prop.type === 'date' || prop.type === 'list') continue;
        columns.set(key, `p_${columns.size}`);
      }
  return columns;
}

/**
 * For `compileSql`'s `eventPropColumns`: the typed column of each property `catalog` types alike
 * on every event (a property typed two ways is read from the JSON), among `columns`
 * (`typedEventProps` of the catalogs a table was typed for).
 */
export function eventPropColumnsOf(
  catalog: TypedCatalog,
  columns: ReadonlyMap<string, string>,
): Record<string, string> {
  const typeOf = new Map<string, FieldType | null>();
  for (const event of catalog.events)
    for (const prop of event.props) {
      const known = typeOf.get(prop.id);
      typeOf.set(prop.id, known === undefined || known === prop.type ? prop.type : null);
    }
  const out: Record<string, string> = {};
  for (const [id, type] of typeOf) {
    const column = type === null ? undefined : columns.get(`${id}\u0000${type}`);
    // Property ids are the document's text: defined, never assigned (no prototype setters).
    if (column !== undefined)
      Object.defineProperty(out, id, { value: column, enumerable: true, writable: true });
  }
  return out;
}
