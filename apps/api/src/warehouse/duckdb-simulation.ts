/**
 * Simulations and scoring of lead files of any size in embedded DuckDB (out of core: DuckDB
 * spills to disk past its memory limit): the file becomes a typed leads table (and an events
 * table), both versions are compiled to SQL over it, and only the aggregates come back.
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import {
  compileSql,
  compileSqlSides,
  eventPropColumnsOf,
  fieldFromJson,
  fieldFromText,
  normalizedColumnSql,
  inlineParams,
  quoteIdent,
  runSimulationSql,
  simulationSql,
  sqlLiteral,
  timeFromEpochMs,
  timeFromText,
  typedEventProps,
  usedCatalogIds,
  type CompiledSideSql,
  type CompiledSidesSql,
  type FieldCatalog,
  type FieldType,
  type SimulationResult,
  type SqlSide,
  type SqlStatement,
  type Workflow,
} from '@accord/engine';

/** A version to run: its document and the catalog it pinned. */
export interface WarehouseSide {
  workflow: Workflow;
  catalog: FieldCatalog;
}

/**
 * The typed leads table, in the file's order: its `rowid` is each lead's key and its place in
 * the file (from 0); `id`, `converted` (NULL when unknown) and one column per field (`columns`).
 */
export interface LeadsTable {
  table: string;
  /** `${fieldId}\u0000${type}` → column, so two catalogs typing a field differently both read it. */
  columns: Map<string, string>;
  /** The events table (`lead_id` = the lead's key, `type`, `at`, `props`), when there is one. */
  events?: string;
  /**
   * `${propId}\u0000${type}` → a column of the events table holding that property as the engine
   * reads it (NULL where an event has none; text normalised), read instead of the JSON props.
   */
  eventProps?: Map<string, string>;
  /** Text and list columns hold what the engine reads (trimmed, lower-cased): `normalizedText`. */
  normalized?: boolean;
  leads: number;
}

/** The lead fields and event types some versions read: all a load has to type for them. */
export interface CatalogReads {
  fields: ReadonlySet<string>;
  events: ReadonlySet<string>;
}

/**
 * What `workflows` read of their catalogs, together. A load typing only these is a quarter
 * faster on the default workflow; a field or property it leaves out is never read.
 * @example const reads = catalogReads([baseline.workflow, candidate.workflow]);
 */
export function catalogReads(workflows: readonly Workflow[]): CatalogReads {
  const fields = new Set<string>();
  const events = new Set<string>();
  for (const workflow of workflows) {
    const used = usedCatalogIds(workflow);
    for (const id of used.fields) fields.add(id);
    for (const id of used.events) events.add(id);
  }
  return { fields, events };
}

/** Something wrong with the input files, in words for the person who ran the command. */
export class WarehouseInputError extends Error {}

const LEADS = 'accord_leads';
const EVENTS = 'accord_events';

/**
 * An in-memory DuckDB reading and writing times in UTC. Past `memoryLimit` (DuckDB's default:
 * 80% of RAM) it spills to `spillDirectory` (DuckDB's default: `.tmp` in the working directory).
 */
export async function openDuckDb(
  options: { threads?: number; memoryLimit?: string; spillDirectory?: string } = {},
) {
  const instance = await DuckDBInstance.create(':memory:', {
    ...(options.threads ? { threads: String(options.threads) } : {}),
    ...(options.memoryLimit ? { memory_limit: options.memoryLimit } : {}),
    ...(options.spillDirectory ? { temp_directory: options.spillDirectory } : {}),
  });
  const connection = await instance.connect();
  await connection.run(`SET TimeZone = 'UTC'`);
  return {
    connection,
    close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

async function rows(
  connection: DuckDBConnection,
  statement: { sql: string; params?: readonly unknown[] },
) {
  const params = statement.params?.length ? (statement.params as never) : undefined;
  const reader = await connection.runAndReadAll(statement.sql, params);
  return reader.getRowObjectsJS() as Record<string, unknown>[];
}

/** A table file's kind by its name; `also` names what else the flag takes. */
const tableKind = (path: string, flag: string, also = '') => {
  const lower = path.toLowerCase();
  if (lower.endsWith('.parquet')) return 'parquet' as const;
  if (lower.endsWith('.csv')) return 'csv' as const;
  throw new WarehouseInputError(`${flag} ${path}: give a .csv or .parquet file${also}.`);
};

/** The leads file's kind by its name: a table, or lead documents. */
const leadsKind = (path: string) =>
  /\.(ndjson|jsonl)$/i.test(path)
    ? ('ndjson' as const)
    : tableKind(path, '--in', ' (or .ndjson lead documents)');

const reader = (path: string, kind: 'csv' | 'parquet') =>
  kind === 'csv'
    ? `read_csv(${sqlLiteral(path)}, header = true, all_varchar = true)`
    : `read_parquet(${sqlLiteral(path)})`;

/** Column name → DuckDB type of a file's columns. */
async function fileColumns(connection: DuckDBConnection, source: string) {
  const described = await rows(connection, { sql: `DESCRIBE SELECT * FROM ${source}` });
  return new Map(described.map((r) => [String(r.column_name), String(r.column_type)]));
}

const NUMERIC =
  /^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|FLOAT|DOUBLE|DECIMAL.*)$/;

/** A file column as the typed column the compiled SQL reads for a field of `type`. */
function typedColumn(column: string, columnType: string, type: FieldType): string {
  const c = quoteIdent(column);
  if (columnType === 'VARCHAR') return fieldFromText(c, type, 'duckdb');
  switch (type) {
    case 'number':
      if (NUMERIC.test(columnType)) return `CAST(${c} AS DOUBLE)`;
      break;
    case 'boolean':
      if (columnType === 'BOOLEAN') return c;
      break;
    case 'date':
      if (columnType.startsWith('TIMESTAMP') || columnType === 'DATE')
        return `CAST(${c} AS TIMESTAMPTZ)`;
      if (NUMERIC.test(columnType)) return timeFromEpochMs(`CAST(${c} AS DOUBLE)`, 'duckdb');
      break;
    case 'list':
      if (columnType.endsWith('[]')) return `CAST(${c} AS VARCHAR[])`;
      break;
    default:
      break;
  }
  return fieldFromText(`CAST(${c} AS VARCHAR)`, type, 'duckdb');
}

/** What `loadLeadFiles` reads, and how. */
export interface LeadFiles {
  /** .csv, .parquet, or .ndjson lead documents (`{id, attributes, events, outcome}` a line). */
  leads: string;
  /** .csv or .parquet events (`lead_id`, `type`, `at`, `props`); not with lead documents. */
  events?: string;
  catalogs: readonly FieldCatalog[];
  /** Field id → column of the leads file, for a field whose column has another name. */
  columns?: ReadonlyMap<string, string>;
  /** The id column (default `id`). */
  idColumn?: string;
  /** The outcome column (yes/no, true/false, 1/0); default `converted` when it is not a field. */
  outcomeColumn?: string;
  /** Only these fields, and the properties of these events, are typed (`catalogReads`). */
  reads?: CatalogReads;
}

/** A field the load types: its id and type, and its column in the leads table. */
interface TypedField {
  id: string;
  type: FieldType;
  name: string;
}

/** The fields of the catalogs a load types (those `reads` names), each once per type. */
function fieldsToType(input: LeadFiles) {
  const columns = new Map<string, string>();
  const fields: TypedField[] = [];
  const fieldIds = new Set<string>();
  for (const catalog of input.catalogs)
    for (const field of catalog.fields) {
      fieldIds.add(field.id);
      const key = `${field.id}\u0000${field.type}`;
      if (columns.has(key) || (input.reads && !input.reads.fields.has(field.id))) continue;
      const name = `f_${columns.size}`;
      columns.set(key, name);
      fields.push({ id: field.id, type: field.type, name });
    }
  return { columns, fields, fieldIds };
}

const refusedFile = (flag: string, path: string) => (error: unknown) =>
  new WarehouseInputError(`${flag} ${path}: ${(error as Error).message.split('\n')[0]}`);

/** The typed rows (`id`, `converted`, one column per field) of a .csv or .parquet leads file. */
async function fileLeadRows(
  connection: DuckDBConnection,
  input: LeadFiles,
  kind: 'csv' | 'parquet',
  { fields, fieldIds }: ReturnType<typeof fieldsToType>,
) {
  const source = reader(input.leads, kind);
  const types = await fileColumns(connection, source).catch((error: unknown) => {
    throw refusedFile('--in', input.leads)(error);
  });
  const idColumn = input.idColumn ?? 'id';
  if (!types.has(idColumn))
    throw new WarehouseInputError(
      `--in ${input.leads} has no "${idColumn}" column (one per lead${idColumn === 'id' ? '; --id-column names another' : ''}).`,
    );
  for (const [field, column] of input.columns ?? [])
    if (!types.has(column))
      throw new WarehouseInputError(
        `--in ${input.leads} has no column "${column}" (--column ${field}=${column}).`,
      );
  const typed = fields.map((field) => {
    const column = input.columns?.get(field.id) ?? field.id;
    const columnType = types.get(column);
    return `${columnType === undefined ? 'NULL' : typedColumn(column, columnType, field.type)} AS ${field.name}`;
  });
  const outcome = input.outcomeColumn ?? 'converted';
  if (input.outcomeColumn !== undefined && !types.has(outcome))
    throw new WarehouseInputError(
      `--in ${input.leads} has no column "${outcome}" (--outcome-column ${outcome}).`,
    );
  const converted =
    types.has(outcome) && (input.outcomeColumn !== undefined || !fieldIds.has(outcome))
      ? typedColumn(outcome, types.get(outcome)!, 'boolean')
      : 'CAST(NULL AS BOOLEAN)';
  return (
    `SELECT nullif(CAST(${quoteIdent(idColumn)} AS VARCHAR), '') AS id, ${converted} AS converted` +
    `${typed.map((t) => `, ${t}`).join('')} FROM ${source}`
  );
}

const DOCUMENTS = 'accord_documents';

/** A JSON pointer to a key of an object. */
const pointerTo = (key: string) => `/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;

/**
 * The typed rows of a file of lead documents, one JSON object a line as the API takes them
 * (`id`, `attributes` by field id, `events`, `outcome.converted`), read as the engine reads a
 * lead's raw values. The documents are staged in a table of their own first, in file order.
 */
async function documentLeadRows(
  connection: DuckDBConnection,
  input: LeadFiles,
  { fields }: ReturnType<typeof fieldsToType>,
) {
  if (
    input.events ||
    input.columns?.size ||
    input.outcomeColumn ||
    (input.idColumn ?? 'id') !== 'id'
  )
    throw new WarehouseInputError(
      `--in ${input.leads}: lead documents carry their own id, fields by id, events and outcome; leave out --events, --column, --id-column and --outcome-column.`,
    );
  await connection
    .run(
      `CREATE OR REPLACE TEMP TABLE ${DOCUMENTS} AS SELECT * FROM read_json(${sqlLiteral(input.leads)}, ` +
        `format = 'newline_delimited', columns = {id: 'VARCHAR', attributes: 'JSON', events: 'JSON', outcome: 'JSON'})`,
    )
    .catch((error: unknown) => {
      throw refusedFile('--in', input.leads)(error);
    });
  const keys = fields.map((f) => sqlLiteral(pointerTo(f.id)));
  const typed = fields.map(
    (field, i) => `${fieldFromJson(`d.aj[${i + 1}]`, field.type, 'duckdb')} AS ${field.name}`,
  );
  const attributes = keys.length ? `, json_extract(attributes, [${keys.join(', ')}]) AS aj` : '';
  return (
    `SELECT nullif(d.id, '') AS id, ${fieldFromJson(`json_extract(d.outcome, '/converted')`, 'boolean', 'duckdb')} AS converted` +
    `${typed.map((t) => `, ${t}`).join('')} FROM (SELECT id, outcome${attributes} FROM ${DOCUMENTS}) AS d`
  );
}

/** The events of an events file as rows `lead_id` (the lead's key), `type`, `at`, `props`. */
async function fileEventRows(connection: DuckDBConnection, path: string) {
  const kind = tableKind(path, '--events');
  const eventTypes = await fileColumns(connection, reader(path, kind)).catch((error: unknown) => {
    throw refusedFile('--events', path)(error);
  });
  for (const column of ['lead_id', 'type', 'at'])
    if (!eventTypes.has(column))
      throw new WarehouseInputError(`--events ${path} has no "${column}" column.`);
  const atType = eventTypes.get('at')!;
  const at =
    atType === 'VARCHAR'
      ? `(CASE WHEN regexp_full_match(e.at, '^-?[0-9]+$') THEN ${timeFromEpochMs('CAST(e.at AS DOUBLE)', 'duckdb')} ELSE ${timeFromText('e.at', 'duckdb')} END)`
      : NUMERIC.test(atType)
        ? timeFromEpochMs('CAST(e.at AS DOUBLE)', 'duckdb')
        : 'CAST(e.at AS TIMESTAMPTZ)';
  const propsType = eventTypes.get('props');
  const props =
    propsType === undefined
      ? 'CAST(NULL AS JSON)'
      : propsType === 'VARCHAR' || propsType === 'JSON'
        ? `(CASE WHEN json_valid(e.props) THEN CAST(e.props AS JSON) END)`
        : 'to_json(e.props)';
  return (
    `SELECT l.rowid AS lead_id, CAST(e.type AS VARCHAR) AS type, ${at} AS at, ${props} AS props ` +
    `FROM ${reader(path, kind)} AS e JOIN ${LEADS} AS l ON l.id = CAST(e.lead_id AS VARCHAR)`
  );
}

/** The events of the staged lead documents, each with its own lead's key (its row). */
function documentEventRows() {
  const event = `e.event`;
  return (
    `SELECT e.lead_id, (CASE WHEN json_type(${event}, '/type') = 'VARCHAR' THEN ${event} ->> '/type' END) AS type, ` +
    `${fieldFromJson(`json_extract(${event}, '/at')`, 'date', 'duckdb')} AS at, ` +
    `(CASE WHEN json_type(${event}, '/props') = 'OBJECT' THEN json_extract(${event}, '/props') END) AS props ` +
    `FROM (SELECT rowid AS lead_id, unnest(json_extract(events, '$[*]')) AS event FROM ${DOCUMENTS} ` +
    `WHERE json_type(events) = 'ARRAY') AS e`
  );
}

/**
 * Loads a leads file and its events into typed tables for the fields of `catalogs` (see
 * `LeadFiles`): .csv (columns `id` and field ids, cells as text), .parquet (typed columns) or
 * .ndjson lead documents; events from a .csv or .parquet file (`lead_id`, `type`, `at` as epoch
 * ms or ISO text, `props` as JSON), or from the documents. Rows keep the file's order
 * (`position`).
 * @example const leads = await loadLeadFiles(connection, { leads: 'leads.parquet', catalogs: [catalog] });
 */
export async function loadLeadFiles(
  connection: DuckDBConnection,
  input: LeadFiles,
): Promise<LeadsTable> {
  const kind = leadsKind(input.leads);
  const toType = fieldsToType(input);
  const typedRows =
    kind === 'ndjson'
      ? await documentLeadRows(connection, input, toType)
      : await fileLeadRows(connection, input, kind, toType);
  const normalized = toType.fields.map(
    // Text normalised once here, not by every query that reads it.
    (f) => `${normalizedColumnSql(f.name, f.type, 'duckdb')} AS ${f.name}`,
  );
  // Read, typed and normalised in one pass into a table that keeps the file's order (DuckDB
  // preserves insertion order), so its rowid is each lead's key and position: a table in
  // between, or a row number, took longer than all the rest of the load.
  await connection
    .run(
      `CREATE OR REPLACE TEMP TABLE ${LEADS} AS SELECT id, converted` +
        `${normalized.map((t) => `, ${t}`).join('')} FROM (${typedRows}) AS t`,
    )
    .catch((error: unknown) => {
      throw refusedFile('--in', input.leads)(error);
    });
  // A lead without an id is named by its place among the leads (from 1; parquet has no lines).
  await connection.run(
    `UPDATE ${LEADS} SET id = 'row-' || CAST(rowid + 1 AS VARCHAR) WHERE id IS NULL`,
  );
  const count = await rows(connection, { sql: `SELECT count(*) AS n FROM ${LEADS}` });
  const table: LeadsTable = {
    table: LEADS,
    columns: toType.columns,
    normalized: true,
    leads: Number(count[0]!.n),
  };
  const eventRows = input.events
    ? await fileEventRows(connection, input.events)
    : kind === 'ndjson'
      ? documentEventRows()
      : undefined;
  if (eventRows) {
    // Each property the catalogs type, read from the JSON once here into a column of its own
    // (as the engine reads a raw property; text normalised): the queries then parse no JSON.
    const { reads } = input;
    const eventProps = typedEventProps(
      reads
        ? input.catalogs.map((c) => ({
            ...c,
            events: c.events.filter((e) => reads.events.has(e.id)),
          }))
        : input.catalogs,
    );
    const keys: string[] = [];
    const propColumns: string[] = [];
    for (const [key, name] of eventProps) {
      const id = key.slice(0, key.indexOf('\u0000'));
      const type = key.slice(key.indexOf('\u0000') + 1) as FieldType;
      const pointer = pointerTo(id);
      let n = keys.indexOf(pointer);
      if (n < 0) n = keys.push(pointer) - 1;
      propColumns.push(`${fieldFromJson(`e.pj[${n + 1}]`, type, 'duckdb')} AS ${name}`);
    }
    const parsed = keys.length
      ? `, json_extract(props, [${keys.map((k) => sqlLiteral(k)).join(', ')}]) AS pj`
      : '';
    const typedEvents = `SELECT lead_id, "type", "at", props${propColumns.map((c) => `, ${c}`).join('')} FROM (SELECT *${parsed} FROM (${eventRows}) AS r) AS e`;
    const names = [...eventProps.entries()].map(([key, name]) => {
      const type = key.slice(key.indexOf('\u0000') + 1) as FieldType;
      return `, ${normalizedColumnSql(name, type, 'duckdb')} AS ${name}`;
    });
    await connection
      .run(
        `CREATE OR REPLACE TEMP TABLE ${EVENTS} AS SELECT lead_id, "type", "at", props${names.join('')} FROM (${typedEvents}) AS e`,
      )
      .catch((error: unknown) => {
        throw refusedFile(input.events ? '--events' : '--in', input.events ?? input.leads)(error);
      });
    table.events = EVENTS;
    table.eventProps = eventProps;
  }
  if (kind === 'ndjson') await connection.run(`DROP TABLE ${DOCUMENTS}`);
  return table;
}

/** A version compiled to DuckDB SQL over the leads table; throws naming what SQL cannot do. */
export function compileSide(
  side: WarehouseSide,
  leads: LeadsTable,
  asOf: number,
  name: string,
): CompiledSideSql {
  const columns: Record<string, string> = {};
  for (const field of side.catalog.fields)
    columns[field.id] = leads.columns.get(`${field.id}\u0000${field.type}`) ?? field.id;
  const compiled = compileSql(side.workflow, side.catalog, {
    dialect: 'duckdb',
    leadsRelation: quoteIdent(leads.table),
    eventsRelation: quoteIdent(leads.events ?? EMPTY_EVENTS),
    columns,
    leadIdColumn: 'rowid',
    asOf,
    normalizedText: leads.normalized === true,
    ...(leads.events && leads.eventProps
      ? { eventPropColumns: eventPropColumnsOf(side.catalog, leads.eventProps) }
      : {}),
  });
  if (!compiled.ok) {
    const first = compiled.diagnostics[0];
    throw new WarehouseInputError(
      `The ${name} cannot run as SQL${first ? `: ${first.message}` : ''}.`,
    );
  }
  return compiled;
}

const EMPTY_EVENTS = 'accord_no_events';

/** Both versions in one DuckDB query over the leads table (fields and events read once for both). */
export function compileBothSides(
  baseline: WarehouseSide,
  candidate: WarehouseSide,
  leads: LeadsTable,
  asOf: number,
): CompiledSidesSql {
  const sideOf = (side: WarehouseSide): SqlSide => {
    const columns: Record<string, string> = {};
    for (const field of side.catalog.fields)
      columns[field.id] = leads.columns.get(`${field.id}\u0000${field.type}`) ?? field.id;
    return {
      workflow: side.workflow,
      catalog: side.catalog,
      columns,
      ...(leads.events && leads.eventProps
        ? { eventPropColumns: eventPropColumnsOf(side.catalog, leads.eventProps) }
        : {}),
    };
  };
  const compiled = compileSqlSides([sideOf(baseline), sideOf(candidate)], {
    dialect: 'duckdb',
    leadsRelation: quoteIdent(leads.table),
    eventsRelation: quoteIdent(leads.events ?? EMPTY_EVENTS),
    leadIdColumn: 'rowid',
    asOf,
    normalizedText: leads.normalized === true,
    carry: { position: 'rowid', id: 'id', converted: 'converted' },
  });
  if (!compiled.ok) {
    const first = compiled.diagnostics[0];
    throw new WarehouseInputError(
      `The ${compiled.side === 0 ? 'baseline' : 'candidate'} cannot run as SQL${first ? `: ${first.message}` : ''}.`,
    );
  }
  const [b, c] = compiled.sides;
  return {
    sql: compiled.sql,
    params: compiled.params,
    carried: { position: 'position', id: 'id', converted: 'converted' },
    baseline: b!,
    candidate: c!,
  };
}

async function ensureEventsTable(connection: DuckDBConnection, leads: LeadsTable) {
  if (leads.events) return;
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE ${EMPTY_EVENTS} (lead_id BIGINT, type VARCHAR, "at" TIMESTAMPTZ, props JSON)`,
  );
}

/**
 * Both versions over the leads table, side by side: the same aggregates the JavaScript
 * simulation gives (funnel, matrix, histograms, coverage, changed leads, outcomes).
 * @example const result = await simulateInDuckDb(connection, leads, { baseline, candidate, asOf });
 */
export async function simulateInDuckDb(
  connection: DuckDBConnection,
  leads: LeadsTable,
  input: { baseline: WarehouseSide; candidate: WarehouseSide; asOf: number; keepChanged?: number },
): Promise<SimulationResult> {
  await ensureEventsTable(connection, leads);
  const statements = simulationSql({
    sides: compileBothSides(input.baseline, input.candidate, leads, input.asOf),
    keepChanged: input.keepChanged,
  });
  return runSimulationSql((statement: SqlStatement) => rows(connection, statement), statements, {
    baseline: input.baseline.workflow,
    candidate: input.candidate.workflow,
  });
}

/**
 * Writes lead id, stage and one column per score (`score_<id>`) of every lead, in file order, to
 * a .csv or .parquet file with DuckDB's COPY. Answers how many leads it wrote.
 * @example await scoreInDuckDb(connection, leads, { side, asOf, out: 'scored.parquet' });
 */
export async function scoreInDuckDb(
  connection: DuckDBConnection,
  leads: LeadsTable,
  input: { side: WarehouseSide; asOf: number; out: string },
): Promise<number> {
  const format = tableKind(input.out, '--out');
  await ensureEventsTable(connection, leads);
  const compiled = compileSide(input.side, leads, input.asOf, 'version');
  const scores = Object.entries(compiled.scoreColumns).map(
    ([scoreId, column]) => `q.${quoteIdent(column)} AS ${quoteIdent(`score_${scoreId}`)}`,
  );
  // COPY takes no bound parameters: the compiler's own quoting writes them as literals.
  const query =
    `SELECT l.id AS lead_id, q.stage${scores.map((s) => `, ${s}`).join('')} ` +
    `FROM (${inlineParams(compiled, 'duckdb')}) AS q JOIN ${quoteIdent(leads.table)} AS l ON l.rowid = q.lead_id ORDER BY l.rowid`;
  await connection.run(
    `COPY (${query}) TO ${sqlLiteral(input.out)} (FORMAT ${format === 'csv' ? 'csv, HEADER true' : 'parquet'})`,
  );
  return leads.leads;
}
