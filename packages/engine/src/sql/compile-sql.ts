/**
 * The agreement as one SQL query (PostgreSQL or DuckDB): per lead its stage, every score and the
 * rules that fired, with the semantics and the rounding of the JavaScript evaluator. Every text
 * of the document is a bound parameter; identifiers go through `quoteIdent`.
 *
 * Shape: the events fold into one aggregate row per lead (`count(*) FILTER (…)` per event operand
 * the workflow reads), joined to the leads; then the walk through the graph is a chain of
 * projections, one per depth of the graph (the longest path from the start), each moving the leads
 * standing on a node of that depth: `CASE at WHEN <node> THEN … ELSE <unchanged> END`. A lead
 * passes at most one node per depth, so one chain answers every path.
 */
import { assertNever } from '../assert-never';
import { indexCatalog, type CatalogIndex } from '../catalog/catalog-index';
import { FREE_MAIL_DOMAINS, FREE_MAIL_PREFIXES } from '../catalog/free-mail';
import { compile, initialScore, type TallyKey } from '../compile/compile';
import {
  DAY_MS,
  decayRate,
  round2,
  toAsOf,
  toBool,
  toNumber,
  toText,
  toTime,
} from '../runtime/values';
import type { FieldCatalog, FieldType } from '../schema/field-catalog';
import { SCORE_CATEGORIES, type NodeOf, type WorkflowNode } from '../schema/node';
import type { Operator } from '../schema/operators';
import {
  isComparison,
  type ComparisonValue,
  type EventFilter,
  type EventsOperand,
  type Operand,
  type Predicate,
} from '../schema/predicate';
import type { ScoreDef, Workflow } from '../schema/workflow';
import { buildGraph, reachableFrom } from '../validate/graph';
import type { Diagnostic } from '../validate/diagnostic';
import { quoteIdent } from './quote';

export type SqlDialect = 'postgres' | 'duckdb';

export interface SqlCompileOptions {
  dialect: SqlDialect;
  /** Leads relation: a table or view name (quote it with `quoteIdent`) or `(subquery)`. One row per lead. */
  leadsRelation: string;
  /** Events relation (same rules); needed only when the workflow reads events. */
  eventsRelation?: string;
  /** Field id → column of the leads relation (default: the field id). */
  columns?: Record<string, string>;
  /** Lead id column of the leads relation (default `id`). */
  leadIdColumn?: string;
  /**
   * The events relation reads the events of the lead in hand through the leads relation's alias
   * `l` (in PostgreSQL, e.g. `json_array_elements(l.events)`): they are folded per lead in a
   * LATERAL subquery instead of grouped over the whole relation and joined (no lead id column).
   */
  eventsOfLead?: boolean;
  /** Columns of the events relation (default lead_id, type, at, props). */
  eventColumns?: { leadId: string; type: string; time: string; props: string };
  /**
   * Event property id → a typed column of the events relation holding it (NULL where an event has
   * none; numbers as numbers, yes/no as booleans, text as text): read instead of the JSON props,
   * which is several times faster on large event tables.
   */
  eventPropColumns?: Record<string, string>;
  /** Evaluation time (ISO text or epoch ms), bound as a parameter; omitted, the database's now(). */
  asOf?: string | number;
  /**
   * The leads' text and list columns, and the text columns of `eventPropColumns`, already hold
   * what `toText` / `toList` read (trimmed, lower-cased, blanks as NULL; `toSqlLead(…,
   * { normalized: true })` and `normalizedColumnSql` write them so): the query reads them as they
   * are, which is faster.
   */
  normalizedText?: boolean;
}

export type CompileSqlResult =
  | {
      ok: true;
      /** One SELECT: lead_id, stage, one column per score, fired (rule key indexes, ascending). */
      sql: string;
      /** `$1, $2, …` in both dialects. */
      params: unknown[];
      /** Output column of each score id. */
      scoreColumns: Record<string, string>;
      /** What `fired` indexes (0-based): the keys of `compile(…, { tally: true }).tallyKeys`. */
      ruleKeys: TallyKey[];
    }
  | { ok: false; diagnostics: Diagnostic[] };

/** Characters JavaScript's `trim` removes (WhiteSpace and LineTerminator). */
const JS_SPACE = [
  9, 10, 11, 12, 13, 32, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006,
  0x2007, 0x2008, 0x2009, 0x200a, 0x2028, 0x2029, 0x202f, 0x205f, 0x3000, 0xfeff,
];
const JS_SPACE_SQL = `(${JS_SPACE.map((c) => `chr(${c})`).join('||')})`;

class Unsupported extends Error {
  /** Which workflow of `compileSqlSides` it is about. */
  side?: number;
  constructor(
    message: string,
    readonly nodeId?: string,
  ) {
    super(message);
  }
}

type SqlType = 'text' | 'number' | 'boolean' | 'date' | 'list';

const sqlTypeOf = (type: FieldType): SqlType =>
  type === 'number' || type === 'boolean' || type === 'date' || type === 'list' ? type : 'text';

/**
 * Text as `toText` reads it. Trimming with a character set is slow (DuckDB: 3× a plain lower),
 * so text that starts and ends with a printable ASCII character skips it. `x` must be cheap to
 * repeat (a column).
 */
const normTextOf = (pg: boolean, x: string) =>
  pg
    ? `(CASE WHEN ascii(${x}) BETWEEN 33 AND 126 AND ascii(right(${x}, 1)) BETWEEN 33 AND 126 THEN lower(${x}) ELSE nullif(lower(btrim(${x}, ${JS_SPACE_SQL})), '') END)`
    : `(CASE WHEN unicode(${x}) BETWEEN 33 AND 126 AND unicode(${x}[-1]) BETWEEN 33 AND 126 THEN lower(${x}) ELSE nullif(lower(trim(${x}, ${JS_SPACE_SQL})), '') END)`;

/**
 * A text or list column as `compileSql` reads it (trimmed, lower-cased, blanks as NULL; other
 * types as they are): what a loader stores so the query can be compiled with `normalizedText`.
 * `column` must be cheap to repeat (a column, not an expression).
 * @example normalizedColumnSql('f_3', 'string', 'duckdb')
 */
export function normalizedColumnSql(column: string, type: FieldType, dialect: SqlDialect): string {
  const d = dialectOf(dialect);
  const sqlType = sqlTypeOf(type);
  if (sqlType === 'text') return d.normText(`CAST(${column} AS ${d.text})`);
  if (sqlType === 'list') return d.normList(column);
  return column;
}

/** Dialect differences, in one place. */
function dialectOf(dialect: SqlDialect) {
  const pg = dialect === 'postgres';
  return {
    pg,
    float: pg ? 'float8' : 'DOUBLE',
    text: pg ? 'text' : 'VARCHAR',
    normText: (x: string) => normTextOf(pg, x),
    normList: (x: string) =>
      pg
        ? `(SELECT array_agg(t) FROM (SELECT ${normTextOf(true, 'u.x')} AS t FROM unnest(${x}) AS u(x)) AS q WHERE t IS NOT NULL)`
        : `nullif(list_filter(list_transform(${x}, lambda v: ${normTextOf(false, 'v')}), lambda v: v IS NOT NULL), [])`,
    number: (x: string) =>
      pg
        ? `nullif(nullif(nullif(CAST(${x} AS float8), 'Infinity'), '-Infinity'), 'NaN')`
        : `(CASE WHEN isfinite(CAST(${x} AS DOUBLE)) THEN CAST(${x} AS DOUBLE) END)`,
    epochMs: (x: string) =>
      pg ? `CAST(extract(epoch FROM ${x}) * 1000 AS float8)` : `CAST(epoch_ms(${x}) AS DOUBLE)`,
    nowMs: pg
      ? `CAST(extract(epoch FROM now()) * 1000 AS float8)`
      : `CAST(epoch_ms(now()) AS DOUBLE)`,
    intList: (items: string[]) =>
      pg ? `ARRAY[${items.join(', ')}]::int[]` : `CAST([${items.join(', ')}] AS INTEGER[])`,
    compact: (x: string) =>
      pg ? `array_remove(${x}, NULL)` : `list_filter(${x}, lambda v: v IS NOT NULL)`,
    concat: (a: string, b: string) => (pg ? `(${a} || ${b})` : `list_concat(${a}, ${b})`),
    /** Whether a text holds another (DuckDB's `contains` compares bytes; strpos counts characters). */
    contains: (x: string, part: string) =>
      pg ? `(strpos(${x}, ${part}) > 0)` : `contains(${x}, ${part})`,
    listContains: (list: string, item: string) =>
      pg ? `(${item} = ANY(${list}))` : `list_contains(${list}, ${item})`,
    listOverlaps: (list: string, items: string[]) =>
      pg
        ? `(${list} && ARRAY[${items.join(', ')}]::text[])`
        : `list_has_any(${list}, [${items.join(', ')}])`,
    afterLastAt: (x: string) =>
      pg
        ? `(CASE WHEN strpos(${x}, '@') > 0 THEN nullif(reverse(split_part(reverse(${x}), '@', 1)), '') END)`
        : `(CASE WHEN contains(${x}, '@') THEN nullif(string_split(${x}, '@')[-1], '') END)`,
    /**
     * An aggregate over the events passing a test. DuckDB: the value only where the test holds (a
     * plain aggregate ignoring NULLs, the same answer; its FILTER clause is several times slower).
     */
    filtered: (agg: 'count' | 'sum' | 'min' | 'max' | 'avg', value: string, test: string) =>
      pg
        ? `${agg}(${value}) FILTER (WHERE ${test})`
        : `${agg}(CASE WHEN ${test} THEN ${agg === 'count' ? 1 : value} END)`,
    /** A JSON property by a bound key: its kind and its text. */
    jsonKind: (json: string, key: string) =>
      pg ? `jsonb_typeof(${json} -> ${key})` : `json_type(${json}, ${key})`,
    jsonText: (json: string, key: string) =>
      pg ? `(${json} ->> ${key})` : `json_extract_string(${json}, ${key})`,
    jsonScalarKinds: pg
      ? `('string', 'number', 'boolean')`
      : `('VARCHAR', 'BIGINT', 'UBIGINT', 'DOUBLE', 'BOOLEAN')`,
    jsonNumberKinds: pg ? `('number')` : `('BIGINT', 'UBIGINT', 'DOUBLE', 'HUGEINT')`,
    jsonBooleanKind: pg ? `'boolean'` : `'BOOLEAN'`,
    /** How a bound JSON key is written: a plain key, or a JSON pointer in DuckDB. */
    jsonKey: (key: string) => (pg ? key : `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`),
    /** A subquery in a chain of projections; in PostgreSQL a fence, so it is not inlined (inlined, the steps' expressions repeat each other and grow without bound). */
    fence: pg ? ' OFFSET 0' : '',
  };
}
type Dialect = ReturnType<typeof dialectOf>;

/** Collects bound parameters, one `$n` per distinct value. */
class Params {
  readonly values: unknown[] = [];
  private readonly seen = new Map<string, string>();
  constructor(private readonly d: Dialect) {}
  private add(key: string, value: unknown, cast: string): string {
    let ref = this.seen.get(key);
    if (ref === undefined) {
      this.values.push(value);
      // A placeholder, numbered by finish() in order of use (unused values are not bound).
      ref = `CAST(\uE000${this.values.length - 1}\uE000 AS ${cast})`;
      this.seen.set(key, ref);
    }
    return ref;
  }
  text(value: string): string {
    if (value.includes('\u0000')) throw new Unsupported('a text with a NUL character');
    return this.add(`t:${value}`, value, this.d.text);
  }
  /** The SQL with `$1…` in order of first use, and the values bound to them. */
  finish(sql: string): { sql: string; params: unknown[] } {
    const params: unknown[] = [];
    const numbers = new Map<string, number>();
    // Quoted identifiers and literals are copied whole: a name may hold the marker characters.
    // (The alternatives start with different characters, so the pattern cannot backtrack.)
    const out = sql.replace(
      /"(?:[^"]|"")*"|'(?:[^']|'')*'|\uE000(\d+)\uE000/g,
      (whole, i?: string) => {
        if (i === undefined) return whole;
        let n = numbers.get(i);
        if (n === undefined) {
          params.push(this.values[Number(i)]);
          numbers.set(i, (n = params.length));
        }
        return `$${n}`;
      },
    );
    return { sql: out, params };
  }
  num(value: number): string {
    if (!Number.isFinite(value)) throw new Unsupported(`the number ${value}`);
    return this.add(
      `n:${Object.is(value, -0) ? 0 : value}`,
      Object.is(value, -0) ? 0 : value,
      this.d.float,
    );
  }
}

/**
 * The indexes of the set bits of the words `fm0, fm1, …` (63 keys a word), ascending: in DuckDB a
 * filter over each word's range (cheaper than a list of CASEs), in PostgreSQL the CASEs.
 */
function firedList(d: Dialect, keys: number): string {
  const words = Array.from({ length: Math.ceil(keys / 63) }, (_, w) => w);
  if (d.pg)
    return d.compact(
      d.intList(
        Array.from(
          { length: keys },
          (_, i) =>
            `(CASE WHEN (fm${Math.floor(i / 63)} & ${bigint(2n ** BigInt(i % 63))}) <> 0 THEN ${i} END)`,
        ),
      ),
    );
  const lists = words.map(
    (w) =>
      `list_filter(CAST(range(${w * 63}, ${Math.min(keys, w * 63 + 63)}) AS INTEGER[]), lambda v: ((fm${w} >> (v - ${w * 63})) & 1) = 1)`,
  );
  return lists.length === 0 ? d.intList([]) : lists.reduce((a, b) => d.concat(a, b));
}

/** A BIGINT constant (the bits of the fired rule keys). */
const bigint = (n: bigint) => `CAST(${n} AS BIGINT)`;
const bool = (b: boolean) => (b ? 'TRUE' : 'FALSE');
const notNull = (x: string) => `COALESCE(${x}, FALSE)`;

/** JS `Math.round(x * 100) / 100` exactly: halves go up, as Math.round does. */
const round2Sql = (x: string) =>
  `((CASE WHEN (${x}) * 100 - floor((${x}) * 100) >= 0.5 THEN ceil((${x}) * 100) ELSE floor((${x}) * 100) END) / 100)`;

function textList(value: ComparisonValue | undefined): string[] {
  const items = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of items) {
    const t = toText(item);
    if (t !== undefined) out.push(t);
  }
  return out;
}

interface EventAgg {
  name: string;
  sql: string;
  /** Zero instead of missing when no event matches (count, sum). */
  zero: boolean;
}

/** What a compiled node does at its depth: steps of column assignments, the last moving the lead. */
interface NodeSteps {
  index: number;
  steps: { col: string; expr: string; temp: boolean }[][];
}

/**
 * Compiles a workflow to one SQL query over a leads relation (and an events relation) answering
 * per lead the stage, every score and the rules that fired, as the JavaScript evaluator does.
 * A workflow that does not validate, or uses something SQL cannot do exactly, gives diagnostics.
 * @example
 * const q = compileSql(defaultWorkflow(), defaultCatalog, { dialect: 'duckdb', leadsRelation: 'leads', eventsRelation: 'events', asOf: '2026-11-01' });
 * if (q.ok) await connection.run(q.sql, q.params);
 */
export function compileSql(
  workflow: Workflow,
  catalog: FieldCatalog,
  options: SqlCompileOptions,
): CompileSqlResult {
  const compiled = compile(workflow, catalog, { tally: true });
  if (!compiled.ok) return { ok: false, diagnostics: compiled.diagnostics };
  try {
    return {
      ok: true,
      ...generateSql(workflow, indexCatalog(catalog), options, compiled.tallyKeys),
    };
  } catch (e) {
    return { ok: false, diagnostics: notInSql(e) };
  }
}

/** What SQL cannot do exactly, as a diagnostic (anything else is rethrown). */
function notInSql(e: unknown): Diagnostic[] {
  if (!(e instanceof Unsupported) && !(e instanceof RangeError)) throw e;
  return [
    {
      severity: 'error',
      code: 'not-in-sql',
      message: `Not expressible in SQL exactly: ${e.message}`,
      ...(e instanceof Unsupported && e.nodeId !== undefined ? { nodeId: e.nodeId } : {}),
    },
  ];
}

/** A workflow of `compileSqlSides`: its catalog, and where its fields and event properties are read. */
export interface SqlSide {
  workflow: Workflow;
  catalog: FieldCatalog;
  /** Field id → column of the leads relation (default: the field id). */
  columns?: Record<string, string>;
  /** As `SqlCompileOptions.eventPropColumns`, for this workflow's catalog. */
  eventPropColumns?: Record<string, string>;
}

/** What a side answers in a `compileSqlSides` query: its output columns and its rule keys. */
export interface SqlSideColumns {
  stage: string;
  /** Score id → its column (double precision). */
  scoreColumns: Record<string, string>;
  /**
   * The rules that fired as BIGINT words: rule key `i` fired when bit `i % 63` of word
   * `firedWords[Math.floor(i / 63)]` is set.
   */
  firedWords: string[];
  ruleKeys: TallyKey[];
}

export type CompileSqlSidesResult =
  | {
      ok: true;
      /** One SELECT: lead_id, the carried columns, then each side's columns (`sides`). */
      sql: string;
      params: unknown[];
      sides: SqlSideColumns[];
    }
  | {
      ok: false;
      /** The workflow at fault (its index). */ side: number;
      diagnostics: Diagnostic[];
    };

const PLAIN_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * Several workflows over the same leads in one query (a simulation's baseline and candidate):
 * each field and each event aggregate they read alike is read once for all of them, and no join
 * pairs their answers up. Per side the same semantics as `compileSql`; the rules that fired come
 * as bit words (`firedWords`), which aggregate without building a list per lead. `carry` names
 * columns of the leads relation to answer as they are (output name → column).
 * @example
 * const q = compileSqlSides([{ workflow: a, catalog }, { workflow: b, catalog }], { dialect: 'duckdb', leadsRelation: 'leads', eventsRelation: 'events', asOf: 0, carry: { position: 'position' } });
 */
export function compileSqlSides(
  sides: readonly SqlSide[],
  options: Omit<SqlCompileOptions, 'columns' | 'eventPropColumns'> & {
    carry?: Record<string, string>;
  },
): CompileSqlSidesResult {
  const specs: SqlSideSpec[] = [];
  for (const [i, side] of sides.entries()) {
    const compiled = compile(side.workflow, side.catalog, { tally: true });
    if (!compiled.ok) return { ok: false, side: i, diagnostics: compiled.diagnostics };
    specs.push({
      workflow: side.workflow,
      catalog: indexCatalog(side.catalog),
      tallyKeys: compiled.tallyKeys,
      columns: side.columns,
      eventPropColumns: side.eventPropColumns,
      prefix: `w${i}_`,
    });
  }
  const carry = Object.entries(options.carry ?? {});
  for (const [name] of carry)
    if (!PLAIN_NAME.test(name) || name === 'lead_id' || /^w[0-9]+_/.test(name))
      throw new RangeError(`"${name}" cannot name a carried column.`);
  try {
    // Carried columns pass the chain under names of their own (k_…), clear of its state columns.
    const chain = generateChain(
      specs,
      options,
      carry.map(([name, column]) => [`k_${name}`, column] as const),
    );
    const out = ['lead_id', ...carry.map(([name]) => `k_${name} AS ${name}`)];
    const columns = chain.walks.map(({ side, scoreDefs, scoreCol, maskCols }) => {
      out.push(`${side.prefix}stage`, ...scoreCol.values(), ...maskCols);
      return {
        stage: `${side.prefix}stage`,
        scoreColumns: Object.fromEntries(
          [...scoreDefs.keys()].map((id) => [id, scoreCol.get(id)!]),
        ),
        firedWords: maskCols,
        ruleKeys: [...side.tallyKeys],
      };
    });
    const sql = `SELECT ${out.join(', ')} FROM (${chain.sql}) AS q`;
    return { ok: true, ...chain.P.finish(sql), sides: columns };
  } catch (e) {
    return {
      ok: false,
      side: e instanceof Unsupported ? (e.side ?? 0) : 0,
      diagnostics: notInSql(e),
    };
  }
}

/**
 * One workflow of a query: its document, its catalog, where its fields and event properties are
 * read, and the prefix of its state columns (several workflows walk the same leads in one query).
 */
interface SqlSideSpec {
  workflow: Workflow;
  catalog: CatalogIndex;
  tallyKeys: readonly TallyKey[];
  columns?: Record<string, string>;
  eventPropColumns?: Record<string, string>;
  prefix: string;
}

/**
 * The chain of projections walking every side over the leads: the fields and the event
 * aggregates are read once for all sides (a field or an aggregate two sides read alike is one
 * column), then each side walks the graph on its own state columns. Answers the chain (its last
 * projection has every state column) and what the final projection needs of each side.
 */
function generateChain(
  sides: readonly SqlSideSpec[],
  options: SqlCompileOptions,
  carry: readonly (readonly [name: string, column: string])[] = [],
) {
  const d = dialectOf(options.dialect);
  const P = new Params(d);
  const now = options.asOf === undefined ? 'now_ms' : P.num(toAsOf(options.asOf));

  // Fields read, normalised once per lead (a field both sides read alike, once for both).
  const fields = new Map<string, { col: string; type: SqlType }>();
  const fieldColumns: string[] = [];
  const fieldRef = (side: SqlSideSpec, fieldId: string): { sql: string; type: SqlType } => {
    const type = sqlTypeOf(side.catalog.fields.get(fieldId)?.type ?? 'string');
    const column = Object.hasOwn(side.columns ?? {}, fieldId) ? side.columns![fieldId]! : fieldId;
    const key = `${column}\u0000${type}`;
    let f = fields.get(key);
    if (!f) {
      f = { col: `f${fields.size}`, type };
      fields.set(key, f);
      const raw = `l.${quoteIdent(column)}`;
      const norm =
        type === 'text'
          ? options.normalizedText
            ? `CAST(${raw} AS ${d.text})`
            : d.normText(`CAST(${raw} AS ${d.text})`)
          : type === 'list' && options.normalizedText
            ? raw
            : type === 'number'
              ? d.number(raw)
              : type === 'boolean'
                ? raw
                : type === 'date'
                  ? d.epochMs(raw)
                  : d.normList(raw);
      fieldColumns.push(`${norm} AS ${f.col}`);
    }
    return { sql: f.col, type: f.type };
  };

  // Event aggregates, one column each.
  const eventAggs = new Map<string, EventAgg>();
  // Event properties are read once per event (not once per filter that reads them): in DuckDB
  // the JSON is parsed once (`pj`: the values of every key read, only for the event types whose
  // properties are read), the values' kind and text read in the next projection (`r…`) and typed
  // in the next (`v…`); PostgreSQL would inline the inner ones anyway, so there they are one
  // expression.
  const propRaw: string[] = [];
  const jsonKeys = new Map<string, number>();
  const jsonEvents = new Set<string>();
  const propTyped: string[] = [];
  const propTypedNames: string[] = [];
  const propCols: string[] = [];
  const propIndex = new Map<string, string>();
  const propValue = (side: SqlSideSpec, event: string, prop: string, as: SqlType): string => {
    if (as !== 'text' && as !== 'number' && as !== 'boolean')
      throw new Unsupported(`a condition on the ${as} property '${prop}' of '${event}' events`);
    // A typed column holds the property as the catalog types it: read only where it declares it.
    const typed = side.eventPropColumns;
    const useTyped =
      typed !== undefined &&
      Object.hasOwn(typed, prop) &&
      side.catalog.events.get(event)?.props.has(prop) === true;
    const id = JSON.stringify([prop, as, useTyped ? typed[prop] : null]);
    // Every reader of a property compares the event type first: other types need not parse it.
    if (!useTyped) jsonEvents.add(event);
    const known = propIndex.get(id);
    if (known !== undefined) return known;
    const i = propIndex.size;
    if (useTyped) {
      const raw = `pc${i}`;
      propTyped.push(`${quoteIdent(typed[prop]!)} AS ${raw}`);
      propTypedNames.push(raw);
      const value =
        as === 'text'
          ? options.normalizedText
            ? `CAST(${raw} AS ${d.text})`
            : d.normText(`CAST(${raw} AS ${d.text})`)
          : as === 'number'
            ? d.number(raw)
            : `CAST(${raw} AS BOOLEAN)`;
      propCols.push(`${value} AS v${i}`);
      propIndex.set(id, `x.v${i}`);
      return `x.v${i}`;
    }
    const key = P.text(d.jsonKey(prop));
    let kind = d.jsonKind('x.pr', key);
    let text = d.jsonText('x.pr', key);
    if (!d.pg) {
      let n = jsonKeys.get(key);
      if (n === undefined) jsonKeys.set(key, (n = jsonKeys.size + 1));
      propRaw.push(
        `json_type(x.pj[${n}]) AS rk${i}`,
        `json_extract_string(x.pj[${n}], '$') AS rt${i}`,
      );
      kind = `rk${i}`;
      text = `rt${i}`;
    }
    const value =
      as === 'text'
        ? `(CASE WHEN ${kind} IN ${d.jsonScalarKinds} THEN ${d.normText(text)} END)`
        : as === 'number'
          ? `(CASE WHEN ${kind} IN ${d.jsonNumberKinds} THEN CAST(${text} AS ${d.float}) END)`
          : `(CASE WHEN ${kind} = ${d.jsonBooleanKind} THEN CAST(${text} AS BOOLEAN) END)`;
    propCols.push(`${value} AS v${i}`);
    propIndex.set(id, `x.v${i}`);
    return `x.v${i}`;
  };
  const filterSql = (side: SqlSideSpec, filter: EventFilter): string => {
    const parts = [`x.ty = ${P.text(filter.event)}`];
    if (filter.withinDays !== undefined)
      parts.push(`x.ms >= ${now} - ${P.num(filter.withinDays)} * ${P.num(DAY_MS)}`);
    for (const w of filter.where ?? []) {
      const type = side.catalog.events.get(filter.event)?.props.get(w.prop)?.type ?? 'string';
      const st = sqlTypeOf(type);
      parts.push(compareSql(st, w.op, propValue(side, filter.event, w.prop, st), w.value));
    }
    return parts.join(' AND ');
  };
  /** An aggregate of the events per lead, computed once however many readers (and sides) it has. */
  const eventAgg = (zero: boolean, sql: string): string => {
    const key = `${zero}\u0000${sql}`;
    let agg = eventAggs.get(key);
    if (!agg) {
      agg = { name: `e${eventAggs.size}`, sql, zero };
      eventAggs.set(key, agg);
    }
    return agg.name;
  };
  const eventsOperand = (side: SqlSideSpec, operand: EventsOperand): string => {
    const { agg, event, prop } = operand;
    const sql = (() => {
      const f = filterSql(side, operand);
      if (agg === 'count') return d.filtered('count', '*', f);
      if (agg === 'first') return d.filtered('min', 'x.ms', f);
      if (agg === 'last') return d.filtered('max', 'x.ms', f);
      if (prop === undefined) return agg === 'sum' ? `0` : `CAST(NULL AS ${d.float})`;
      if (side.catalog.events.get(event)?.props.get(prop)?.type !== 'number')
        throw new Unsupported(
          `the ${agg} of '${prop}', which the catalog does not type as a number`,
        );
      const x = propValue(side, event, prop, 'number');
      return d.filtered(agg, x, f);
    })();
    return eventAgg(agg === 'count' || agg === 'sum', sql);
  };

  // Comparisons, as the reference interpreter writes them out.
  function compareSql(
    type: SqlType,
    op: Operator,
    v: string,
    value: ComparisonValue | undefined,
  ): string {
    if (op === 'isSet') return `(${v} IS NOT NULL)`;
    if (op === 'isEmpty') return `(${v} IS NULL)`;
    if (type === 'text') {
      const c = Array.isArray(value) ? undefined : toText(value);
      switch (op) {
        case 'eq':
          return c === undefined ? 'FALSE' : notNull(`${v} = ${P.text(c)}`);
        case 'neq':
          return c === undefined ? 'TRUE' : `(${v} IS NULL OR ${v} <> ${P.text(c)})`;
        case 'in':
        case 'notIn': {
          const items = textList(value);
          const found =
            items.length === 0
              ? 'FALSE'
              : notNull(`${v} IN (${items.map((t) => P.text(t)).join(', ')})`);
          return op === 'in' ? found : `(NOT ${found})`;
        }
        case 'contains':
          return c === undefined ? 'FALSE' : notNull(d.contains(v, P.text(c)));
        case 'startsWith':
          return c === undefined ? 'FALSE' : notNull(`starts_with(${v}, ${P.text(c)})`);
        case 'endsWith':
          return c === undefined
            ? 'FALSE'
            : notNull(`right(${v}, length(${P.text(c)})) = ${P.text(c)}`);
        case 'emailDomainIn': {
          const domains = [
            ...new Set(textList(value).map((t) => (t.startsWith('@') ? t.slice(1) : t))),
          ];
          if (domains.length === 0) return 'FALSE';
          return notNull(`${d.afterLastAt(v)} IN (${domains.map((t) => P.text(t)).join(', ')})`);
        }
        case 'freeEmail': {
          const domain = d.afterLastAt(v);
          const exact = `${domain} IN (${FREE_MAIL_DOMAINS.map((t) => P.text(t)).join(', ')})`;
          const prefixes = FREE_MAIL_PREFIXES.map((t) => `starts_with(${domain}, ${P.text(t)})`);
          return notNull(`(${[exact, ...prefixes].join(' OR ')})`);
        }
        default:
          return 'FALSE';
      }
    }
    if (type === 'number') {
      const c = typeof value === 'number' ? value : undefined;
      switch (op) {
        case 'eq':
          return c === undefined ? 'FALSE' : notNull(`${v} = ${P.num(c)}`);
        case 'neq':
          return c === undefined ? 'TRUE' : `(${v} IS NULL OR ${v} <> ${P.num(c)})`;
        case 'gt':
        case 'gte':
        case 'lt':
        case 'lte': {
          if (c === undefined) return 'FALSE';
          const sym = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[op];
          return notNull(`${v} ${sym} ${P.num(c)}`);
        }
        case 'between': {
          if (!Array.isArray(value)) return 'FALSE';
          const [lo, hi] = value;
          if (typeof lo !== 'number' || typeof hi !== 'number') return 'FALSE';
          return notNull(`${v} >= ${P.num(lo)} AND ${v} <= ${P.num(hi)}`);
        }
        case 'in':
        case 'notIn': {
          const items: number[] = [];
          for (const item of Array.isArray(value) ? value : [value]) {
            const n = toNumber(item);
            if (n !== undefined) items.push(n);
          }
          const found =
            items.length === 0
              ? 'FALSE'
              : notNull(`${v} IN (${items.map((n) => P.num(n)).join(', ')})`);
          return op === 'in' ? found : `(NOT ${found})`;
        }
        default:
          return 'FALSE';
      }
    }
    if (type === 'boolean') {
      const c = typeof value === 'boolean' ? value : toBool(value);
      if (op === 'eq') return c === undefined ? 'FALSE' : notNull(`${v} = ${bool(c)}`);
      if (op === 'neq') return c === undefined ? 'TRUE' : `(${v} IS NULL OR ${v} <> ${bool(c)})`;
      return 'FALSE';
    }
    if (type === 'date') {
      switch (op) {
        case 'before':
        case 'after': {
          const c = Array.isArray(value) ? undefined : toTime(value);
          return c === undefined
            ? 'FALSE'
            : notNull(`${v} ${op === 'before' ? '<' : '>'} ${P.num(c)}`);
        }
        case 'between': {
          if (!Array.isArray(value)) return 'FALSE';
          const lo = toTime(value[0]);
          const hi = toTime(value[1]);
          if (lo === undefined || hi === undefined) return 'FALSE';
          return notNull(`${v} >= ${P.num(lo)} AND ${v} <= ${P.num(hi)}`);
        }
        case 'withinLastDays':
          if (typeof value !== 'number' || !Number.isFinite(value)) return 'FALSE';
          return notNull(`${v} >= ${now} - ${P.num(value)} * ${P.num(DAY_MS)} AND ${v} <= ${now}`);
        case 'olderThanDays':
          if (typeof value !== 'number' || !Number.isFinite(value)) return 'FALSE';
          return notNull(`${v} < ${now} - ${P.num(value)} * ${P.num(DAY_MS)}`);
        default:
          return 'FALSE';
      }
    }
    // list
    switch (op) {
      case 'contains': {
        const c = Array.isArray(value) ? undefined : toText(value);
        return c === undefined ? 'FALSE' : notNull(d.listContains(v, P.text(c)));
      }
      case 'in':
      case 'notIn': {
        const items = textList(value);
        const found =
          items.length === 0
            ? 'FALSE'
            : notNull(
                d.listOverlaps(
                  v,
                  items.map((t) => P.text(t)),
                ),
              );
        return op === 'in' ? found : `(NOT ${found})`;
      }
      default:
        return 'FALSE';
    }
  }

  // Tests of the lead alone (fields, events) that several sides make alike: computed once for
  // every lead, in a projection of their own (`d…`); a side's own stay inline where it tests them.
  const sharedPredicates: { sql: string; sides: Set<number> }[] = [];
  const predicateIndex = new Map<string, number>();
  const sharedPredicate = (side: number, sql: string) => {
    let i = predicateIndex.get(sql);
    if (i === undefined)
      predicateIndex.set(sql, (i = sharedPredicates.push({ sql, sides: new Set() }) - 1));
    sharedPredicates[i]!.sides.add(side);
    return `\uE001${i}\uE001`;
  };
  const leadOnly = (q: Predicate): boolean =>
    isComparison(q)
      ? q.operand.kind === 'field' || q.operand.kind === 'events'
      : 'not' in q
        ? leadOnly(q.not)
        : 'all' in q
          ? q.all.every(leadOnly)
          : q.any.every(leadOnly);

  /** A side's walk: its state columns, their initial values, and its nodes' steps by depth. */
  const walk = (side: SqlSideSpec, index: number) => {
    const p = side.prefix;
    const graph = buildGraph(side.workflow);
    const reachable = reachableFrom(graph, graph.start?.id);

    // Depth = longest path from the start; a lead passes at most one node per depth.
    const depth = new Map<string, number>();
    const order = [...reachable];
    const indegree = new Map(order.map((id) => [id, 0]));
    for (const id of order)
      for (const t of graph.next.get(id)?.values() ?? [])
        indegree.set(t, (indegree.get(t) ?? 0) + 1);
    const queue = order.filter((id) => indegree.get(id) === 0);
    for (const id of queue) depth.set(id, 0);
    for (let qi = 0; qi < queue.length; qi++) {
      const id = queue[qi]!;
      for (const t of graph.next.get(id)?.values() ?? []) {
        depth.set(t, Math.max(depth.get(t) ?? 0, depth.get(id)! + 1));
        indegree.set(t, indegree.get(t)! - 1);
        if (indegree.get(t) === 0) queue.push(t);
      }
    }
    const nodeIndex = new Map(queue.map((id, i) => [id, i]));
    const target = (nodeId: string, handle: string) => {
      const t = graph.next.get(nodeId)?.get(handle);
      const i = t === undefined ? undefined : nodeIndex.get(t);
      return i === undefined ? 'NULL' : String(i);
    };
    const keyIndex = new Map(
      side.tallyKeys.map((k, i) => [`${k.nodeId}\u0000${k.rowId ?? ''}`, i]),
    );
    const keyOf = (nodeId: string, rowId?: string) => {
      const i = keyIndex.get(`${nodeId}\u0000${rowId ?? ''}`);
      if (i === undefined)
        throw new Unsupported(`no rule key for ${nodeId} ${rowId ?? ''}`, nodeId);
      return String(i);
    };

    // Scores and tags as state columns.
    const scoreDefs = new Map<string, ScoreDef>();
    for (const def of side.workflow.scores) if (!scoreDefs.has(def.id)) scoreDefs.set(def.id, def);
    const scoreCol = new Map([...scoreDefs.keys()].map((id, i) => [id, `${p}s${i}`]));
    const tagIds = new Set<string>();
    for (const node of side.workflow.nodes) {
      if (node.kind === 'assign') for (const t of node.data.tags) tagIds.add(t.tag);
      if (node.kind === 'table')
        for (const row of node.data.rows) for (const t of row.tags ?? []) tagIds.add(t.tag);
    }
    const tagCol = new Map([...tagIds].map((id, i) => [id, `${p}t${i}`]));

    const operandSql = (operand: Operand): { sql: string; type: SqlType } => {
      switch (operand.kind) {
        case 'field':
          return fieldRef(side, operand.field);
        case 'events':
          return {
            sql: eventsOperand(side, operand),
            type: operand.agg === 'first' || operand.agg === 'last' ? 'date' : 'number',
          };
        case 'score': {
          const col = scoreCol.get(operand.score);
          return { sql: col ?? `CAST(NULL AS ${d.float})`, type: 'number' };
        }
        case 'tag': {
          const col = tagCol.get(operand.tag);
          return { sql: col ?? `CAST(NULL AS ${d.text})`, type: 'text' };
        }
      }
    };
    const build = (q: Predicate, rec: (q: Predicate) => string): string => {
      if (isComparison(q)) {
        const { sql, type } = operandSql(q.operand);
        return compareSql(type, q.op, sql, q.value);
      }
      if ('not' in q) return `(NOT ${rec(q.not)})`;
      if ('all' in q) return q.all.length === 0 ? 'TRUE' : `(${q.all.map(rec).join(' AND ')})`;
      return q.any.length === 0 ? 'FALSE' : `(${q.any.map(rec).join(' OR ')})`;
    };
    const holdsHere = (q: Predicate): string => build(q, holdsHere);
    // A test of the lead alone goes to the shared predicates (computed once if sides share it).
    const holds = (q: Predicate): string => {
      if (sides.length < 2 || !leadOnly(q)) return build(q, holds);
      const sql = holdsHere(q);
      return sql === 'TRUE' || sql === 'FALSE' ? sql : sharedPredicate(index, sql);
    };

    /** The score after adding `raw` and clamping, in steps so no expression repeats a long one. */
    const scoreSteps = (k: number, def: ScoreDef, raw: string) => {
      const r = `${p}x${k}_r`;
      const rounded = `${p}x${k}_rr`;
      let clamped = rounded;
      if (def.max !== undefined)
        clamped = `(CASE WHEN ${clamped} > ${P.num(def.max)} THEN ${P.num(def.max)} ELSE ${clamped} END)`;
      if (def.min !== undefined)
        clamped = `(CASE WHEN ${clamped} < ${P.num(def.min)} THEN ${P.num(def.min)} ELSE ${clamped} END)`;
      return {
        before: [
          [{ col: r, expr: raw, temp: true }],
          [{ col: rounded, expr: round2Sql(r), temp: true }],
        ],
        last: { col: scoreCol.get(def.id)!, expr: clamped, temp: false },
      };
    };

    const compileNode = (node: WorkflowNode, k: number): NodeSteps => {
      /**
       * The node's key, and the keys of the rows that fired (`first`: only the first of them), set
       * in the bitmask words (the list is built once, at the end).
       */
      const fired = (rows: { when: string; key: number }[] = [], first = false) => {
        const own = Number(keyOf(node.id));
        const words = new Set([own, ...rows.map((r) => r.key)].map((key) => Math.floor(key / 63)));
        return [...words].map((w) => {
          const bit = (key: number) => (Math.floor(key / 63) === w ? 2n ** BigInt(key % 63) : 0n);
          const parts: string[] = [];
          if (bit(own) !== 0n) parts.push(bigint(bit(own)));
          if (first) {
            if (rows.some((r) => bit(r.key) !== 0n))
              parts.push(
                `(CASE ${rows.map((r) => `WHEN ${r.when} THEN ${bigint(bit(r.key))}`).join(' ')} ELSE ${bigint(0n)} END)`,
              );
          } else
            for (const r of rows)
              if (bit(r.key) !== 0n)
                parts.push(
                  `(CASE WHEN ${r.when} THEN ${bigint(bit(r.key))} ELSE ${bigint(0n)} END)`,
                );
          return { col: `${p}fm${w}`, expr: `(${p}fm${w} | ${parts.join(' | ')})`, temp: false };
        });
      };
      const move = (expr: string) => ({ col: `${p}cur`, expr, temp: false });
      switch (node.kind) {
        case 'start':
          return { index: k, steps: [[...fired(), move(target(node.id, 'next'))]] };
        case 'condition':
          return {
            index: k,
            steps: [
              [
                ...fired(),
                move(
                  `(CASE WHEN ${holds(node.data.when)} THEN ${target(node.id, 'true')} ELSE ${target(node.id, 'false')} END)`,
                ),
              ],
            ],
          };
        case 'switch': {
          const whens = node.data.cases.map(
            (c) => `WHEN ${holds(c.when)} THEN ${target(node.id, c.id)}`,
          );
          return {
            index: k,
            steps: [
              [
                ...fired(),
                move(
                  whens.length
                    ? `(CASE ${whens.join(' ')} ELSE ${target(node.id, 'default')} END)`
                    : target(node.id, 'default'),
                ),
              ],
            ],
          };
        }
        case 'checklist': {
          const required = node.data.criteria.filter((c) => !c.optional).map((c) => holds(c.when));
          const pass =
            node.data.mode === 'atLeast'
              ? `(${['0', ...required.map((h) => `(CASE WHEN ${h} THEN 1 ELSE 0 END)`)].join(' + ')}) >= ${P.num(node.data.atLeast ?? 0)}`
              : required.length === 0
                ? 'TRUE'
                : `(${required.join(' AND ')})`;
          return {
            index: k,
            steps: [
              [
                ...fired(),
                move(
                  `(CASE WHEN ${pass} THEN ${target(node.id, 'pass')} ELSE ${target(node.id, 'fail')} END)`,
                ),
              ],
            ],
          };
        }
        case 'assign': {
          const last = new Map<string, string>();
          for (const t of node.data.tags) last.set(t.tag, t.value);
          const sets = [...last].map(([tag, value]) => {
            const norm = toText(value);
            return {
              col: tagCol.get(tag)!,
              expr: norm === undefined ? `CAST(NULL AS ${d.text})` : P.text(norm),
              temp: false,
            };
          });
          return { index: k, steps: [[...sets, ...fired(), move(target(node.id, 'next'))]] };
        }
        case 'stage':
          return {
            index: k,
            steps: [
              [
                { col: `${p}stage`, expr: P.text(node.data.stage), temp: false },
                ...fired(),
                move('-1'),
              ],
            ],
          };
        case 'scorecard':
          return scorecardSteps(node, k);
        case 'table':
          return tableSteps(node, k);
        default:
          return assertNever(node);
      }

      function scorecardSteps(n: NodeOf<'scorecard'>, k: number): NodeSteps {
        const def = scoreDefs.get(n.data.score);
        if (!def) return { index: k, steps: [[...fired(), move(target(n.id, 'next'))]] };
        const first: { col: string; expr: string; temp: boolean }[] = [];
        const byCategory = new Map<string, string[]>(SCORE_CATEGORIES.map((c) => [c, []]));
        const hits: { when: string; key: number }[] = [];
        n.data.rows.forEach((row, i) => {
          const f = `${p}x${k}_f${i}`;
          const when = row.when === undefined ? 'TRUE' : holds(row.when);
          if (row.perEvent) {
            const count = eventAgg(true, d.filtered('count', '*', filterSql(side, row.perEvent)));
            const w =
              row.decayHalfLifeDays === undefined
                ? count
                : eventAgg(
                    true,
                    d.filtered(
                      'sum',
                      `exp((x.ms - ${now}) * ${P.num(decayRate(row.decayHalfLifeDays))})`,
                      filterSql(side, row.perEvent),
                    ),
                  );
            const fires = `(${count} > 0 AND ${when})`;
            let pts = round2Sql(`${P.num(row.points)} * ${w}`);
            if (row.cap !== undefined) {
              const cap = P.num(row.cap);
              const neg = P.num(-row.cap);
              pts = `(CASE WHEN ${pts} > ${cap} THEN ${cap} WHEN ${pts} < ${neg} THEN ${neg} ELSE ${pts} END)`;
            }
            // The points read the row's flag, computed once in the step before.
            first.push({ col: f, expr: fires, temp: true });
            byCategory.get(row.category)!.push(`(CASE WHEN ${f} THEN ${pts} ELSE 0 END)`);
          } else {
            let pts = round2(row.points);
            if (row.cap !== undefined) pts = Math.min(row.cap, Math.max(-row.cap, pts));
            first.push({ col: f, expr: when, temp: true });
            byCategory.get(row.category)!.push(`(CASE WHEN ${f} THEN ${P.num(pts)} ELSE 0 END)`);
          }
          hits.push({ when: f, key: Number(keyOf(n.id, row.id)) });
        });
        const totals = SCORE_CATEGORIES.map((category) => {
          const total = `(${['CAST(0 AS ' + d.float + ')', ...byCategory.get(category)!].join(' + ')})`;
          const capValue = n.data.categoryCaps?.[category];
          if (capValue === undefined) return total;
          const cap = P.num(capValue);
          const neg = P.num(-capValue);
          return `(CASE WHEN ${total} > ${cap} THEN ${cap} WHEN ${total} < ${neg} THEN ${neg} ELSE ${total} END)`;
        });
        const sum = `(${['CAST(0 AS ' + d.float + ')', ...totals].join(' + ')})`;
        const s = scoreSteps(k, def, `${scoreCol.get(def.id)} + ${sum}`);
        const [rawStep, roundStep] = s.before;
        return {
          index: k,
          steps: [
            first,
            rawStep!,
            roundStep!,
            [s.last, ...fired(hits), move(target(n.id, 'next'))],
          ],
        };
      }

      function tableSteps(n: NodeOf<'table'>, k: number): NodeSteps {
        const { data } = n;
        const inputs = data.inputs.map((input) => operandSql(input.operand));
        const rowMatch = (cells: (typeof data.rows)[number]['cells']) => {
          const parts = cells.flatMap((cell, i) => {
            const input = inputs[i];
            if (cell.op === 'any' || !input) return [];
            return [compareSql(input.type, cell.op, input.sql, cell.value)];
          });
          return parts.length === 0 ? 'TRUE' : `(${parts.join(' AND ')})`;
        };
        const first: { col: string; expr: string; temp: boolean }[] = data.rows.map((row, i) => ({
          col: `${p}x${k}_m${i}`,
          expr: rowMatch(row.cells),
          temp: true,
        }));
        const m = (i: number) => `${p}x${k}_m${i}`;
        const tagSets = (rowOrder: number[]) => {
          const out: { col: string; expr: string; temp: boolean }[] = [];
          for (const [tag, col] of tagCol) {
            const whens: string[] = [];
            for (const i of rowOrder) {
              const assigned = (data.rows[i]!.tags ?? []).filter((t) => t.tag === tag);
              if (assigned.length === 0) continue;
              const norm = toText(assigned[assigned.length - 1]!.value);
              whens.push(
                `WHEN ${m(i)} THEN ${norm === undefined ? `CAST(NULL AS ${d.text})` : P.text(norm)}`,
              );
            }
            if (whens.length)
              out.push({ col, expr: `(CASE ${whens.join(' ')} ELSE ${col} END)`, temp: false });
          }
          return out;
        };
        const indexes = data.rows.map((_, i) => i);
        if (data.hitPolicy === 'first') {
          const route = data.rows.map((row, i) => `WHEN ${m(i)} THEN ${target(n.id, row.id)}`);
          const hit = data.rows.map((row, i) => ({ when: m(i), key: Number(keyOf(n.id, row.id)) }));
          return {
            index: k,
            steps: [
              first,
              [
                ...tagSets(indexes),
                ...fired(hit, true),
                move(
                  route.length
                    ? `(CASE ${route.join(' ')} ELSE ${target(n.id, 'default')} END)`
                    : target(n.id, 'default'),
                ),
              ],
            ],
          };
        }
        // collect: every matching row, later rows' tags win
        const hits = data.rows.map((row, i) => ({ when: m(i), key: Number(keyOf(n.id, row.id)) }));
        const last = [
          ...tagSets([...indexes].reverse()),
          ...fired(hits),
          move(target(n.id, 'next')),
        ];
        const def = data.score === undefined ? undefined : scoreDefs.get(data.score);
        const scoring = def !== undefined && data.rows.some((r) => r.points !== undefined);
        if (!scoring || !def) return { index: k, steps: [first, last] };
        const sum = `(${[
          `CAST(0 AS ${d.float})`,
          ...data.rows.flatMap((row, i) =>
            row.points === undefined
              ? []
              : [`(CASE WHEN ${m(i)} THEN ${P.num(round2(row.points))} ELSE 0 END)`],
          ),
        ].join(' + ')})`;
        const s = scoreSteps(k, def, `${scoreCol.get(def.id)} + ${sum}`);
        return { index: k, steps: [first, s.before[0]!, s.before[1]!, [s.last, ...last]] };
      }
    };

    // Compile every reachable node, grouped by depth.
    const layers = new Map<number, NodeSteps[]>();
    for (const id of queue) {
      const node = graph.nodes.get(id)!;
      const dep = depth.get(id)!;
      let layer = layers.get(dep);
      if (!layer) layers.set(dep, (layer = []));
      try {
        layer.push(compileNode(node, nodeIndex.get(id)!));
      } catch (e) {
        if (e instanceof Unsupported && e.nodeId === undefined)
          throw new Unsupported(e.message, id);
        throw e;
      }
    }

    // State columns carried through the chain; the rule keys that fired are bits of BIGINT words.
    const maskCols = Array.from(
      { length: Math.ceil(side.tallyKeys.length / 63) },
      (_, w) => `${p}fm${w}`,
    );
    return {
      side,
      layers,
      scoreDefs,
      scoreCol,
      maskCols,
      stateCols: [...scoreCol.values(), ...tagCol.values(), `${p}stage`, `${p}cur`, ...maskCols],
      initial: [
        ...[...scoreDefs.values()].map(
          (def) => `${P.num(initialScore(def))} AS ${scoreCol.get(def.id)}`,
        ),
        ...[...tagCol.values()].map((c) => `CAST(NULL AS ${d.text}) AS ${c}`),
        `CAST(NULL AS ${d.text}) AS ${p}stage`,
        `${graph.start ? nodeIndex.get(graph.start.id) : 'NULL'} AS ${p}cur`,
        ...maskCols.map((c) => `${bigint(0n)} AS ${c}`),
      ],
    };
  };
  const walks = sides.map((side, i) => {
    try {
      return walk(side, i);
    } catch (e) {
      if (e instanceof Unsupported) e.side = i;
      throw e;
    }
  });

  const stateCols = [
    'lead_id',
    ...carry.map(([name]) => name),
    ...[...fields.values()].map((f) => f.col),
    ...[...eventAggs.values()].map((e) => e.name),
    ...(options.asOf === undefined ? ['now_ms'] : []),
    ...walks.flatMap((w) => w.stateCols),
  ];
  const shared = sharedPredicates.flatMap((s, i) => (s.sides.size > 1 ? [i] : []));
  stateCols.push(...shared.map((i) => `d${i}`));

  // The first projection: lead id, carried columns, fields, event aggregates, initial state.
  const idCol = quoteIdent(options.leadIdColumn ?? 'id');
  const initial = [
    `l.${idCol} AS lead_id`,
    ...carry.map(([name, column]) => `l.${quoteIdent(column)} AS ${name}`),
    ...fieldColumns,
    ...[...eventAggs.values()].map((e) =>
      e.zero ? `COALESCE(ev.${e.name}, 0) AS ${e.name}` : `ev.${e.name} AS ${e.name}`,
    ),
    ...(options.asOf === undefined ? [`${d.nowMs} AS now_ms`] : []),
    ...walks.flatMap((w) => w.initial),
  ];
  let from = `${options.leadsRelation} AS l`;
  if (eventAggs.size > 0) {
    if (options.eventsRelation === undefined)
      throw new Unsupported('the workflow reads events: an events relation is needed');
    const c = options.eventColumns ?? {
      leadId: 'lead_id',
      type: 'type',
      time: 'at',
      props: 'props',
    };
    const nowInner = options.asOf === undefined ? d.nowMs : now;
    const lid = options.eventsOfLead ? `l.${idCol}` : quoteIdent(c.leadId);
    const columns = `${lid} AS lid, ${quoteIdent(c.type)} AS ty, ${d.epochMs(quoteIdent(c.time))} AS ms, ${quoteIdent(c.props)} AS pr`;
    let read = `SELECT ${[columns, ...propTyped].join(', ')} FROM ${options.eventsRelation}`;
    if (!d.pg && jsonKeys.size > 0) {
      const types = [...jsonEvents].map((e) => P.text(e)).join(', ');
      const parsed = `(CASE WHEN ${quoteIdent(c.type)} IN (${types}) THEN json_extract(${quoteIdent(c.props)}, [${[...jsonKeys.keys()].join(', ')}]) END) AS pj`;
      read = `SELECT ${['x.lid', 'x.ty', 'x.ms', 'x.pr', ...propTypedNames.map((t) => `x.${t}`), ...propRaw].join(', ')} FROM (SELECT ${[columns, ...propTyped, parsed].join(', ')} FROM ${options.eventsRelation}) AS x`;
    }
    const inner = `SELECT ${['x.lid', 'x.ty', 'x.ms', 'x.pr', ...propCols].join(', ')} FROM (${read}) AS x`;
    const aggs = [...eventAggs.values()].map(
      (e) => `${e.sql.replaceAll('now_ms', nowInner)} AS ${e.name}`,
    );
    from += options.eventsOfLead
      ? ` LEFT JOIN LATERAL (SELECT ${aggs.join(', ')} FROM (${inner}) AS x WHERE x.ms <= ${nowInner}) AS ev ON TRUE`
      : ` LEFT JOIN (SELECT x.lid, ${aggs.join(', ')} FROM (${inner}) AS x WHERE x.ms <= ${nowInner} GROUP BY x.lid) AS ev ON ev.lid = l.${idCol}`;
  }
  let sql = `SELECT ${initial.join(', ')} FROM ${from}`;
  if (shared.length)
    sql = `SELECT q.*, ${shared.map((i) => `${sharedPredicates[i]!.sql} AS d${i}`).join(', ')} FROM (${sql}${d.fence}) AS q`;

  // One projection per step of each depth, side after side.
  for (const { side, layers } of walks) {
    const cur = `${side.prefix}cur`;
    for (const dep of [...layers.keys()].sort((a, b) => a - b)) {
      const nodes = layers.get(dep)!;
      const stepCount = Math.max(...nodes.map((n) => n.steps.length));
      const temps: string[] = [];
      for (let s = 0; s < stepCount; s++) {
        const assigns = new Map<string, { k: number; expr: string; temp: boolean }[]>();
        for (const n of nodes) {
          // Right-aligned: every node moves its leads in the layer's last step.
          const step = n.steps[s - (stepCount - n.steps.length)];
          for (const a of step ?? []) {
            let list = assigns.get(a.col);
            if (!list) assigns.set(a.col, (list = []));
            list.push({ k: n.index, expr: a.expr, temp: a.temp });
          }
        }
        const cols = [...stateCols, ...temps].map((col) => {
          const list = assigns.get(col);
          if (!list) return col;
          return `(CASE ${cur} ${list.map((a) => `WHEN ${a.k} THEN ${a.expr}`).join(' ')} ELSE ${col} END) AS ${col}`;
        });
        for (const [col, list] of assigns) {
          if (stateCols.includes(col) || temps.includes(col)) continue;
          cols.push(
            `(CASE ${cur} ${list.map((a) => `WHEN ${a.k} THEN ${a.expr}`).join(' ')} END) AS ${col}`,
          );
          temps.push(col);
        }
        sql = `SELECT ${cols.join(', ')} FROM (${sql}${d.fence}) AS q`;
      }
    }
  }
  // Each test of the lead: its shared column, or its SQL where only one side makes it. (Quoted
  // identifiers and literals are copied whole: a name may hold the marker characters.)
  const isShared = new Set(shared);
  sql = sql.replace(/"(?:[^"]|"")*"|'(?:[^']|'')*'|\uE001(\d+)\uE001/g, (whole, i?: string) =>
    i === undefined ? whole : isShared.has(Number(i)) ? `d${i}` : sharedPredicates[Number(i)]!.sql,
  );
  return { sql, walks, P, d };
}

/** The output column of each score: `score:<id>`, or `score_<n>` where that name cannot be. */
function scoreColumnNames(scoreIds: Iterable<string>): Record<string, string> {
  const scoreColumns: Record<string, string> = {};
  const taken = new Set(['lead_id', 'stage', 'fired']);
  let i = 0;
  for (const id of scoreIds) {
    let name = `score:${id}`;
    if (
      new TextEncoder().encode(name).length > 63 ||
      taken.has(name.toLowerCase()) ||
      name.includes('\u0000')
    )
      name = `score_${i}`;
    taken.add(name.toLowerCase());
    Object.defineProperty(scoreColumns, id, {
      value: name,
      enumerable: true,
      writable: true,
      configurable: true,
    });
    i++;
  }
  return scoreColumns;
}

function generateSql(
  workflow: Workflow,
  catalog: CatalogIndex,
  options: SqlCompileOptions,
  tallyKeys: readonly TallyKey[],
) {
  const chain = generateChain(
    [
      {
        workflow,
        catalog,
        tallyKeys,
        columns: options.columns,
        eventPropColumns: options.eventPropColumns,
        prefix: '',
      },
    ],
    options,
  );
  const { scoreDefs, scoreCol } = chain.walks[0]!;
  const scoreColumns = scoreColumnNames(scoreDefs.keys());
  const out = [
    'lead_id',
    'stage',
    ...[...scoreDefs.keys()].map((id) => `${scoreCol.get(id)} AS ${quoteIdent(scoreColumns[id]!)}`),
    `${firedList(chain.d, tallyKeys.length)} AS fired`,
  ];
  const sql = `SELECT ${out.join(', ')} FROM (${chain.sql}) AS q`;
  return { ...chain.P.finish(sql), scoreColumns, ruleKeys: [...tallyKeys] };
}
