/**
 * The agreement as one SQL query (PostgreSQL or DuckDB): per lead its stage, every score and the
 * rules that fired, with the semantics and the rounding of the JavaScript evaluator. Every text
 * of the document is a bound parameter; identifiers go through `quoteIdent`.
 *
 * Shape: the events fold into one aggregate row per lead (`count(*) FILTER (…)` per event operand
 * the workflow reads), joined to the leads; then the walk through the graph is written as
 * predicates: per node whether the lead reaches it, where it goes next, and the scores, tags and
 * stage on leaving it, each a named column computed once (a value both versions compute alike is
 * one column) in the first projection after the columns it reads. A lead's answer is the values
 * of the node where its walk ended, and the rules that fired are the bits of the nodes it reached.
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
import { SCORE_CATEGORIES, type WorkflowNode } from '../schema/node';
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
import { sqlPieces } from './scan';

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
  /**
   * The events relation reads cheaply in lead order (its lead id column is indexed, or it is
   * stored in that order): PostgreSQL then folds the totals as the events stream by, lead after
   * lead, and merges them with the leads, where it would otherwise build a hash table of every
   * lead's totals (15 % faster at 1M leads). Ignored with `eventsOfLead` and in DuckDB.
   */
  eventsInLeadOrder?: boolean;
  /**
   * Columns of the events relation (default lead_id, type, at, props). With `timeIsEpochMs` the
   * time column holds epoch milliseconds (a number, read as is) instead of a timestamp.
   */
  eventColumns?: {
    leadId: string;
    type: string;
    time: string;
    props: string;
    timeIsEpochMs?: boolean;
  };
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
    const numbered = (i: string) => {
      let n = numbers.get(i);
      if (n === undefined) {
        params.push(this.values[Number(i)]);
        numbers.set(i, (n = params.length));
      }
      return `$${n}`;
    };
    // Markers are looked for outside quoted names and literals only: a name may hold the marker
    // characters. Within a piece the pattern has one way to match (linear).
    let out = '';
    for (const piece of sqlPieces(sql))
      out +=
        piece.kind === 'other'
          ? piece.text.replace(/\uE000(\d+)\uE000/g, (_, i: string) => numbered(i))
          : piece.text;
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
    // PostgreSQL reads `pb`: the props as jsonb, only for the event types whose props are read.
    let kind = d.jsonKind(d.pg ? 'x.pb' : 'x.pr', key);
    let text = d.jsonText(d.pg ? 'x.pb' : 'x.pr', key);
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
      parts.push(compareSql(st, w.op, propValue(side, filter.event, w.prop, st), w.value, false));
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

  // Comparisons, as the reference interpreter writes them out. `perLead`: `v` is a value of the
  // lead (not of an event), so what is derived from it can be a column of its own.
  function compareSql(
    type: SqlType,
    op: Operator,
    v: string,
    value: ComparisonValue | undefined,
    perLead = true,
  ): string {
    // An email's domain, split off once per lead however many tests read it.
    const domainOf = (x: string) => (perLead ? letOf(d.afterLastAt(x)) : d.afterLastAt(x));
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
          return notNull(`${domainOf(v)} IN (${domains.map((t) => P.text(t)).join(', ')})`);
        }
        case 'freeEmail': {
          const domain = domainOf(v);
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

  // Values computed per lead under names of their own (`z…`, and each side's outputs): each is
  // computed once (the same expression, the same name: a test both sides make alike is one
  // column) in the first projection where everything it reads exists.
  const lets: { name: string; expr: string }[] = [];
  const letByExpr = new Map<string, string>();
  const SIMPLE =
    /^(?:[A-Za-z_][A-Za-z0-9_]*|-?[0-9]+|CAST\((?:\uE000[0-9]+\uE000|NULL) AS [A-Za-z0-9]+\))$/;
  /** `expr` under a name (a column or a constant is already one); `name` forces an output name. */
  const letOf = (expr: string, name?: string): string => {
    if (name === undefined) {
      if (SIMPLE.test(expr)) return expr;
      const known = letByExpr.get(expr);
      if (known !== undefined) return known;
      name = `z${letByExpr.size}`;
      letByExpr.set(expr, name);
    }
    lets.push({ name, expr });
    return name;
  };
  /** JS `Math.round(x * 100) / 100` exactly (halves go up, as Math.round does), `x * 100` computed once. */
  const round2Let = (x: string) => {
    const y = letOf(`(${x}) * 100`);
    return letOf(
      `((CASE WHEN ${y} - floor(${y}) >= 0.5 THEN ceil(${y}) ELSE floor(${y}) END) / 100)`,
    );
  };
  const leadOnly = (q: Predicate): boolean =>
    isComparison(q)
      ? q.operand.kind === 'field' || q.operand.kind === 'events'
      : 'not' in q
        ? leadOnly(q.not)
        : 'all' in q
          ? q.all.every(leadOnly)
          : q.any.every(leadOnly);

  /**
   * A side's walk, as predicates instead of steps: per node whether the lead reaches it (`r`),
   * where it goes next (`g`, a node index; -1 where the walk ends) and the value of every score,
   * tag and the stage on leaving it. A node's values are the columns of the node before it (no
   * new column where nothing changes); where paths meet, the value of the edge the lead came by.
   * At the end, the values of the node where the walk ended, and the rules that fired: the bits of
   * every node reached.
   */
  const walk = (side: SqlSideSpec) => {
    const p = side.prefix;
    const graph = buildGraph(side.workflow);
    const reachable = reachableFrom(graph, graph.start?.id);

    // Topological order of the reachable nodes (the graph has no cycles).
    const order = [...reachable];
    const indegree = new Map(order.map((id) => [id, 0]));
    for (const id of order)
      for (const t of graph.next.get(id)?.values() ?? [])
        indegree.set(t, (indegree.get(t) ?? 0) + 1);
    const queue = order.filter((id) => indegree.get(id) === 0);
    for (let qi = 0; qi < queue.length; qi++)
      for (const t of graph.next.get(queue[qi]!)?.values() ?? []) {
        indegree.set(t, indegree.get(t)! - 1);
        if (indegree.get(t) === 0) queue.push(t);
      }
    const nodeIndex = new Map(queue.map((id, i) => [id, i]));
    const target = (nodeId: string, handle: string) => {
      const t = graph.next.get(nodeId)?.get(handle);
      const i = t === undefined ? undefined : nodeIndex.get(t);
      return i === undefined ? -1 : i;
    };
    const keyIndex = new Map(
      side.tallyKeys.map((k, i) => [`${k.nodeId}\u0000${k.rowId ?? ''}`, i]),
    );
    const keyOf = (nodeId: string, rowId?: string) => {
      const i = keyIndex.get(`${nodeId}\u0000${rowId ?? ''}`);
      if (i === undefined)
        throw new Unsupported(`no rule key for ${nodeId} ${rowId ?? ''}`, nodeId);
      return i;
    };

    const scoreDefs = new Map<string, ScoreDef>();
    for (const def of side.workflow.scores) if (!scoreDefs.has(def.id)) scoreDefs.set(def.id, def);
    const scoreCol = new Map([...scoreDefs.keys()].map((id, i) => [id, `${p}s${i}`]));
    const tagIds = new Set<string>();
    for (const node of side.workflow.nodes) {
      if (node.kind === 'assign') for (const t of node.data.tags) tagIds.add(t.tag);
      if (node.kind === 'table')
        for (const row of node.data.rows) for (const t of row.tags ?? []) tagIds.add(t.tag);
    }
    const textNull = `CAST(NULL AS ${d.text})`;
    // The values a walk carries: `s:<score>`, `t:<tag>`, `stage`.
    type Env = Map<string, string>;
    const initial: Env = new Map([
      ...[...scoreDefs.values()].map((def) => [`s:${def.id}`, P.num(initialScore(def))] as const),
      ...[...tagIds].map((t) => [`t:${t}`, textNull] as const),
      ['stage', textNull],
    ]);
    let env: Env = initial;

    const operandSql = (operand: Operand): { sql: string; type: SqlType } => {
      switch (operand.kind) {
        case 'field':
          return fieldRef(side, operand.field);
        case 'events':
          return {
            sql: eventsOperand(side, operand),
            type: operand.agg === 'first' || operand.agg === 'last' ? 'date' : 'number',
          };
        case 'score':
          return {
            sql: env.get(`s:${operand.score}`) ?? `CAST(NULL AS ${d.float})`,
            type: 'number',
          };
        case 'tag':
          return { sql: env.get(`t:${operand.tag}`) ?? textNull, type: 'text' };
      }
    };
    // A test of the lead alone is one column (both sides read it when they make it alike).
    const holds = (q: Predicate): string => {
      if (leadOnly(q)) return letOf(build(q, holdsInline));
      return build(q, holds);
    };
    const holdsInline = (q: Predicate): string => build(q, holdsInline);
    const build = (q: Predicate, rec: (q: Predicate) => string): string => {
      if (isComparison(q)) {
        const { sql, type } = operandSql(q.operand);
        return compareSql(type, q.op, sql, q.value);
      }
      if ('not' in q) return `(NOT ${rec(q.not)})`;
      if ('all' in q) return q.all.length === 0 ? 'TRUE' : `(${q.all.map(rec).join(' AND ')})`;
      return q.any.length === 0 ? 'FALSE' : `(${q.any.map(rec).join(' OR ')})`;
    };

    /** The score after adding `sum` on a reached node, rounded and clamped as the evaluator does. */
    const addScore = (def: ScoreDef, reached: string, sum: string) => {
      const before = env.get(`s:${def.id}`)!;
      const raw = letOf(`(CASE WHEN ${reached} THEN ${before} + ${sum} END)`);
      const rounded = round2Let(raw);
      const { max, min } = def;
      const whens: string[] = [];
      if (max !== undefined)
        whens.push(
          `WHEN ${rounded} > ${P.num(max)} THEN ${P.num(min !== undefined && max < min ? min : max)}`,
        );
      if (min !== undefined) whens.push(`WHEN ${rounded} < ${P.num(min)} THEN ${P.num(min)}`);
      return whens.length ? letOf(`(CASE ${whens.join(' ')} ELSE ${rounded} END)`) : rounded;
    };

    interface Visit {
      reached: string;
      /** Where the lead goes next: a node index, or the column choosing one. */
      next: number | string;
      /** The node index a route can answer, -1 included where the walk may end here. */
      targets: Set<number>;
      out: Env;
      /** The rule bits of this node per word: its own key, and its rows' (SQL). */
      bits: Map<number, string[]>;
    }
    const visits = new Map<string, Visit>();
    const incoming = new Map<string, string[]>();
    for (const id of queue)
      for (const t of new Set(graph.next.get(id)?.values() ?? [])) {
        if (!nodeIndex.has(t)) continue;
        let list = incoming.get(t);
        if (!list) incoming.set(t, (list = []));
        list.push(id);
      }
    /** Whether the lead comes to node `k` from `from` (SQL). */
    const edge = (from: Visit, k: number) =>
      typeof from.next === 'number'
        ? from.next === k
          ? from.reached
          : 'FALSE'
        : from.reached === 'TRUE'
          ? `(${from.next} = ${k})`
          : `(${from.reached} AND ${from.next} = ${k})`;

    for (const id of queue) {
      const node = graph.nodes.get(id)!;
      const k = nodeIndex.get(id)!;
      // Reached, and the values on arrival.
      let reached: string;
      if (id === graph.start?.id) {
        reached = 'TRUE';
        env = initial;
      } else {
        const from = (incoming.get(id) ?? []).map((f) => visits.get(f)!);
        const edges = from.map((f) => edge(f, k));
        reached = edges.length === 1 ? letOf(edges[0]!) : letOf(`(${edges.join(' OR ')})`);
        env = new Map();
        for (const key of initial.keys()) {
          const values = from.map((f) => f.out.get(key)!);
          if (values.every((v) => v === values[0])) env.set(key, values[0]!);
          else
            env.set(
              key,
              letOf(
                `(CASE ${values
                  .slice(0, -1)
                  .map((v, i) => `WHEN ${edges[i]} THEN ${v}`)
                  .join(' ')} ELSE ${values[values.length - 1]} END)`,
              ),
            );
        }
      }
      const visit = (() => {
        try {
          return compileNode(node, k, reached);
        } catch (e) {
          if (e instanceof Unsupported && e.nodeId === undefined)
            throw new Unsupported(e.message, id);
          throw e;
        }
      })();
      visits.set(id, visit);
    }

    function compileNode(node: WorkflowNode, k: number, reached: string): Visit {
      const out: Env = new Map(env);
      const bits = new Map<number, string[]>();
      const bit = (key: number) => {
        const w = Math.floor(key / 63);
        let list = bits.get(w);
        if (!list) bits.set(w, (list = []));
        return { list, value: 2n ** BigInt(key % 63) };
      };
      const own = bit(keyOf(node.id));
      own.list.push(bigint(own.value));
      /** Row bits: every row whose flag holds (`first`: only the first of them). */
      const rowBits = (rows: { when: string; key: number }[], first = false) => {
        if (first) {
          // The first matching row's bit; a row of another word still stops the rows after it.
          for (const w of new Set(rows.map((r) => Math.floor(r.key / 63)))) {
            const whens = rows.map(
              (r) =>
                `WHEN ${r.when} THEN ${bigint(Math.floor(r.key / 63) === w ? 2n ** BigInt(r.key % 63) : 0n)}`,
            );
            const list = bits.get(w) ?? [];
            bits.set(w, list);
            list.push(`(CASE ${whens.join(' ')} ELSE ${bigint(0n)} END)`);
          }
          return;
        }
        for (const r of rows) {
          const b = bit(r.key);
          b.list.push(`(CASE WHEN ${r.when} THEN ${bigint(b.value)} ELSE ${bigint(0n)} END)`);
        }
      };
      const route = (expr: string, targets: number[]): Visit => ({
        reached,
        next: letOf(expr),
        targets: new Set(targets),
        out,
        bits,
      });
      const goTo = (t: number): Visit => ({ reached, next: t, targets: new Set([t]), out, bits });
      switch (node.kind) {
        case 'start':
          return goTo(target(node.id, 'next'));
        case 'condition': {
          const [yes, no] = [target(node.id, 'true'), target(node.id, 'false')];
          return route(`(CASE WHEN ${holds(node.data.when)} THEN ${yes} ELSE ${no} END)`, [
            yes,
            no,
          ]);
        }
        case 'switch': {
          const ts = node.data.cases.map((c) => target(node.id, c.id));
          const fallback = target(node.id, 'default');
          if (ts.length === 0) return goTo(fallback);
          const whens = node.data.cases.map((c, i) => `WHEN ${holds(c.when)} THEN ${ts[i]}`);
          return route(`(CASE ${whens.join(' ')} ELSE ${fallback} END)`, [...ts, fallback]);
        }
        case 'checklist': {
          const required = node.data.criteria.filter((c) => !c.optional).map((c) => holds(c.when));
          const pass =
            node.data.mode === 'atLeast'
              ? `(${['0', ...required.map((h) => `(CASE WHEN ${h} THEN 1 ELSE 0 END)`)].join(' + ')}) >= ${P.num(node.data.atLeast ?? 0)}`
              : required.length === 0
                ? 'TRUE'
                : `(${required.join(' AND ')})`;
          const [yes, no] = [target(node.id, 'pass'), target(node.id, 'fail')];
          return route(`(CASE WHEN ${pass} THEN ${yes} ELSE ${no} END)`, [yes, no]);
        }
        case 'assign': {
          for (const t of node.data.tags) {
            const norm = toText(t.value);
            out.set(`t:${t.tag}`, norm === undefined ? textNull : P.text(norm));
          }
          return goTo(target(node.id, 'next'));
        }
        case 'stage':
          out.set('stage', P.text(node.data.stage));
          return goTo(-1);
        case 'scorecard': {
          const n = node;
          const def = scoreDefs.get(n.data.score);
          if (!def) return goTo(target(n.id, 'next'));
          const byCategory = new Map<string, string[]>(SCORE_CATEGORIES.map((c) => [c, []]));
          const hits: { when: string; key: number }[] = [];
          for (const row of n.data.rows) {
            const when = row.when === undefined ? 'TRUE' : holds(row.when);
            let flag: string;
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
              flag = letOf(`(${count} > 0 AND ${when})`);
              let pts = round2Let(`${P.num(row.points)} * ${w}`);
              if (row.cap !== undefined) {
                const cap = P.num(row.cap);
                const neg = P.num(-row.cap);
                pts = letOf(
                  `(CASE WHEN ${pts} > ${cap} THEN ${cap} WHEN ${pts} < ${neg} THEN ${neg} ELSE ${pts} END)`,
                );
              }
              byCategory.get(row.category)!.push(`(CASE WHEN ${flag} THEN ${pts} ELSE 0 END)`);
            } else {
              let pts = round2(row.points);
              if (row.cap !== undefined) pts = Math.min(row.cap, Math.max(-row.cap, pts));
              flag = when;
              byCategory
                .get(row.category)!
                .push(`(CASE WHEN ${flag} THEN ${P.num(pts)} ELSE 0 END)`);
            }
            hits.push({ when: flag, key: keyOf(n.id, row.id) });
          }
          const totals = SCORE_CATEGORIES.map((category) => {
            const total = `(${['CAST(0 AS ' + d.float + ')', ...byCategory.get(category)!].join(' + ')})`;
            const capValue = n.data.categoryCaps?.[category];
            if (capValue === undefined) return total;
            const t = letOf(total);
            const cap = P.num(capValue);
            const neg = P.num(-capValue);
            return `(CASE WHEN ${t} > ${cap} THEN ${cap} WHEN ${t} < ${neg} THEN ${neg} ELSE ${t} END)`;
          });
          const sum = letOf(`(${['CAST(0 AS ' + d.float + ')', ...totals].join(' + ')})`);
          out.set(`s:${def.id}`, addScore(def, reached, sum));
          rowBits(hits);
          return goTo(target(n.id, 'next'));
        }
        case 'table': {
          const { data } = node;
          const inputs = data.inputs.map((input) => operandSql(input.operand));
          const m = data.rows.map((row) => {
            const parts = row.cells.flatMap((cell, i) => {
              const input = inputs[i];
              if (cell.op === 'any' || !input) return [];
              return [compareSql(input.type, cell.op, input.sql, cell.value)];
            });
            return parts.length === 0 ? 'TRUE' : letOf(`(${parts.join(' AND ')})`);
          });
          const setTags = (rowOrder: number[]) => {
            for (const tag of tagIds) {
              const whens: string[] = [];
              for (const i of rowOrder) {
                const assigned = (data.rows[i]!.tags ?? []).filter((t) => t.tag === tag);
                if (assigned.length === 0) continue;
                const norm = toText(assigned[assigned.length - 1]!.value);
                whens.push(`WHEN ${m[i]} THEN ${norm === undefined ? textNull : P.text(norm)}`);
              }
              if (whens.length)
                out.set(
                  `t:${tag}`,
                  letOf(`(CASE ${whens.join(' ')} ELSE ${env.get(`t:${tag}`)} END)`),
                );
            }
          };
          const indexes = data.rows.map((_, i) => i);
          const hits = data.rows.map((row, i) => ({ when: m[i]!, key: keyOf(node.id, row.id) }));
          if (data.hitPolicy === 'first') {
            setTags(indexes);
            rowBits(hits, true);
            const ts = data.rows.map((row) => target(node.id, row.id));
            const fallback = target(node.id, 'default');
            if (ts.length === 0) return goTo(fallback);
            const whens = ts.map((t, i) => `WHEN ${m[i]} THEN ${t}`);
            return route(`(CASE ${whens.join(' ')} ELSE ${fallback} END)`, [...ts, fallback]);
          }
          // collect: every matching row, later rows' tags win
          setTags([...indexes].reverse());
          rowBits(hits);
          const def = data.score === undefined ? undefined : scoreDefs.get(data.score);
          if (def !== undefined && data.rows.some((r) => r.points !== undefined)) {
            const sum = `(${[
              `CAST(0 AS ${d.float})`,
              ...data.rows.flatMap((row, i) =>
                row.points === undefined
                  ? []
                  : [`(CASE WHEN ${m[i]} THEN ${P.num(round2(row.points))} ELSE 0 END)`],
              ),
            ].join(' + ')})`;
            out.set(`s:${def.id}`, addScore(def, reached, letOf(sum)));
          }
          return goTo(target(node.id, 'next'));
        }
        default:
          return assertNever(node);
      }
    }

    // The walk ends on a stage, or where a route leads nowhere: the values of that node.
    const ends: { when: string; out: Env }[] = [];
    for (const v of visits.values()) {
      if (!v.targets.has(-1)) continue;
      // Leaving towards nowhere; a node that can only end ends wherever it is reached.
      ends.push({ when: v.targets.size === 1 ? v.reached : edge(v, -1), out: v.out });
    }
    const final = (key: string) => {
      if (ends.length === 0) return initial.get(key)!;
      const groups = new Map<string, string[]>();
      for (const e of ends) {
        const value = e.out.get(key)!;
        groups.set(value, [...(groups.get(value) ?? []), e.when]);
      }
      const values = [...groups.keys()];
      // Every walk from the start ends somewhere: the last value needs no test.
      if (values.length === 1 && graph.start) return values[0]!;
      const whens = values.map((v) => `WHEN ${groups.get(v)!.join(' OR ')} THEN ${v}`);
      return `(CASE ${whens.join(' ')} ELSE ${initial.get(key)!} END)`;
    };
    letOf(final('stage'), `${p}stage`);
    for (const def of scoreDefs.values()) letOf(final(`s:${def.id}`), scoreCol.get(def.id)!);
    const maskCols = Array.from(
      { length: Math.ceil(side.tallyKeys.length / 63) },
      (_, w) => `${p}fm${w}`,
    );
    maskCols.forEach((col, w) => {
      const parts: string[] = [];
      for (const v of visits.values()) {
        const list = v.bits.get(w);
        if (!list?.length) continue;
        const value = list.length === 1 ? list[0]! : `(${list.join(' | ')})`;
        parts.push(
          v.reached === 'TRUE'
            ? value
            : `(CASE WHEN ${v.reached} THEN ${value} ELSE ${bigint(0n)} END)`,
        );
      }
      letOf(parts.length ? parts.join(' | ') : bigint(0n), col);
    });
    return { side, scoreDefs, scoreCol, maskCols };
  };
  const walks = sides.map((side, i) => {
    try {
      return walk(side);
    } catch (e) {
      if (e instanceof Unsupported) e.side = i;
      throw e;
    }
  });

  // The first projection: lead id, carried columns, fields, event aggregates.
  const idCol = quoteIdent(options.leadIdColumn ?? 'id');
  const base = [
    'lead_id',
    ...carry.map(([name]) => name),
    ...[...fields.values()].map((f) => f.col),
    ...[...eventAggs.values()].map((e) => e.name),
    ...(options.asOf === undefined ? ['now_ms'] : []),
  ];
  const initialColumns = [
    `l.${idCol} AS lead_id`,
    ...carry.map(([name, column]) => `l.${quoteIdent(column)} AS ${name}`),
    ...fieldColumns,
    ...[...eventAggs.values()].map((e) =>
      e.zero ? `COALESCE(ev.${e.name}, 0) AS ${e.name}` : `ev.${e.name} AS ${e.name}`,
    ),
    ...(options.asOf === undefined ? [`${d.nowMs} AS now_ms`] : []),
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
    const time = c.timeIsEpochMs
      ? `CAST(${quoteIdent(c.time)} AS ${d.float})`
      : d.epochMs(quoteIdent(c.time));
    let columns = `${lid} AS lid, ${quoteIdent(c.type)} AS ty, ${time} AS ms, ${quoteIdent(c.props)} AS pr`;
    if (d.pg && jsonEvents.size > 0) {
      const types = [...jsonEvents].map((e) => P.text(e)).join(', ');
      columns += `, (CASE WHEN ${quoteIdent(c.type)} IN (${types}) THEN CAST(${quoteIdent(c.props)} AS jsonb) END) AS pb`;
    }
    // Fenced in PostgreSQL (as the steps below): inlined, each event's time and typed props
    // would be computed again in every total that reads them.
    // ORDER BY inside the fenced projections: a flattened subquery loses its order.
    const ordered = d.pg && options.eventsInLeadOrder && !options.eventsOfLead;
    let read = `SELECT ${[columns, ...propTyped].join(', ')} FROM ${options.eventsRelation}${ordered ? ' ORDER BY lid' : ''}${d.fence}`;
    if (!d.pg && jsonKeys.size > 0) {
      const types = [...jsonEvents].map((e) => P.text(e)).join(', ');
      const parsed = `(CASE WHEN ${quoteIdent(c.type)} IN (${types}) THEN json_extract(${quoteIdent(c.props)}, [${[...jsonKeys.keys()].join(', ')}]) END) AS pj`;
      read = `SELECT ${['x.lid', 'x.ty', 'x.ms', 'x.pr', ...propTypedNames.map((t) => `x.${t}`), ...propRaw].join(', ')} FROM (SELECT ${[columns, ...propTyped, parsed].join(', ')} FROM ${options.eventsRelation}) AS x`;
    }
    const inner = `SELECT ${['x.lid', 'x.ty', 'x.ms', 'x.pr', ...propCols].join(', ')} FROM (${read}) AS x${ordered ? ' ORDER BY x.lid' : ''}${d.fence}`;
    const aggs = [...eventAggs.values()].map(
      (e) => `${e.sql.replaceAll('now_ms', nowInner)} AS ${e.name}`,
    );
    from += options.eventsOfLead
      ? ` LEFT JOIN LATERAL (SELECT ${aggs.join(', ')} FROM (${inner}) AS x WHERE x.ms <= ${nowInner}) AS ev ON TRUE`
      : ` LEFT JOIN (SELECT x.lid, ${aggs.join(', ')} FROM (${inner}) AS x WHERE x.ms <= ${nowInner} GROUP BY x.lid) AS ev ON ev.lid = l.${idCol}`;
  }
  let sql = `SELECT ${initialColumns.join(', ')} FROM ${from}`;

  const outputs = new Set([
    'lead_id',
    ...carry.map(([name]) => name),
    ...walks.flatMap((w) => [`${w.side.prefix}stage`, ...w.scoreCol.values(), ...w.maskCols]),
  ]);
  const named = inlineReadOnce(lets, outputs);

  // Each named value goes in the first projection after everything it reads; a column is passed
  // on while a later projection (or the answer) reads it.
  const level = new Map<string, number>(base.map((name) => [name, 0]));
  const readsOf = (expr: string) => {
    const names = new Set<string>();
    // Literals and quoted names hold no column.
    for (const piece of sqlPieces(expr))
      if (piece.kind === 'word' && level.has(piece.text)) names.add(piece.text);
    return names;
  };
  const byLevel: { name: string; expr: string }[][] = [];
  const lastRead = new Map<string, number>();
  for (const l of named) {
    const reads = readsOf(l.expr);
    const at = 1 + Math.max(0, ...[...reads].map((r) => level.get(r)!));
    for (const r of reads) lastRead.set(r, Math.max(lastRead.get(r) ?? 0, at));
    level.set(l.name, at);
    (byLevel[at] ??= []).push(l);
  }
  const end = byLevel.length;
  for (const name of outputs) lastRead.set(name, end);
  let available = [...base];
  for (let at = 1; at < end; at++) {
    const made = byLevel[at] ?? [];
    const passed = available.filter((name) => (lastRead.get(name) ?? 0) > at);
    sql = `SELECT ${[...passed, ...made.map((l) => `${l.expr} AS ${l.name}`)].join(', ')} FROM (${sql}${d.fence}) AS q`;
    available = [...passed, ...made.map((l) => l.name)];
  }
  return { sql, walks, P, d };
}

/**
 * The named values with each one read exactly once by another (and not answered) written, in
 * brackets, into the one that reads it: it is still computed once, and a chain of such values
 * no longer waits a projection per link (every projection copies every column passed through
 * it, which cost about a third of the walk in PostgreSQL). `lets` are in dependency order.
 */
function inlineReadOnce(
  lets: readonly { name: string; expr: string }[],
  outputs: ReadonlySet<string>,
): { name: string; expr: string }[] {
  const names = new Set(lets.map((l) => l.name));
  const pieces = lets.map((l) => sqlPieces(l.expr));
  const reads = new Map<string, number>();
  for (const list of pieces)
    for (const piece of list)
      if (piece.kind === 'word' && names.has(piece.text))
        reads.set(piece.text, (reads.get(piece.text) ?? 0) + 1);
  const inlined = new Map<string, string>();
  const kept: { name: string; expr: string }[] = [];
  lets.forEach((l, i) => {
    const expr = pieces[i]!.map((piece) =>
      piece.kind === 'word' && inlined.has(piece.text)
        ? `(${inlined.get(piece.text)!})`
        : piece.text,
    ).join('');
    if (reads.get(l.name) === 1 && !outputs.has(l.name)) inlined.set(l.name, expr);
    else kept.push({ name: l.name, expr });
  });
  return kept;
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
