/**
 * Leads loaded into DuckDB (in process) and PostgreSQL (TEST_DATABASE_URL) as the typed relations
 * compileSql reads, and the compiled query run over them.
 */
import {
  compile,
  quoteIdent,
  toSqlEvents,
  toSqlLead,
  type CompileSqlResult,
  type FieldCatalog,
  type LeadInput,
  type SqlDialect,
  type Workflow,
} from '@accord/engine';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import pg from 'pg';

export interface SqlRow {
  leadId: string;
  stage: string | null;
  scores: Record<string, number>;
  fired: number[];
}

export interface Warehouse {
  dialect: SqlDialect;
  /** Creates `leads` and `events` (dropped first) holding these leads. */
  load(
    leads: readonly LeadInput[],
    catalog: FieldCatalog,
    prefix?: string,
    options?: { normalized?: boolean },
  ): Promise<void>;
  query(sql: string, params?: unknown[]): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

const sqlText = (type: string) =>
  type === 'string' || type === 'email' || type === 'phone' || type === 'enum';

const SQL_TYPES = {
  postgres: {
    text: 'text',
    number: 'float8',
    boolean: 'boolean',
    date: 'timestamptz',
    list: 'text[]',
    json: 'jsonb',
  },
  duckdb: {
    text: 'VARCHAR',
    number: 'DOUBLE',
    boolean: 'BOOLEAN',
    date: 'TIMESTAMP',
    list: 'VARCHAR[]',
    json: 'JSON',
  },
} as const;

function typeOf(dialect: SqlDialect, type: string) {
  const t = SQL_TYPES[dialect];
  return type === 'number' || type === 'boolean' || type === 'date' || type === 'list'
    ? t[type]
    : t.text;
}

/** Multi-row INSERT statements with `$n` parameters (at most `perStatement` rows each). */
function inserts(
  table: string,
  rows: unknown[][],
  casts: ((ref: string) => string)[],
  perStatement = 200,
): { sql: string; params: unknown[] }[] {
  const out: { sql: string; params: unknown[] }[] = [];
  for (let i = 0; i < rows.length; i += perStatement) {
    const params: unknown[] = [];
    const values = rows.slice(i, i + perStatement).map((row) => {
      const refs = row.map((v, j) => {
        params.push(v);
        return casts[j]!(`$${params.length}`);
      });
      return `(${refs.join(', ')})`;
    });
    out.push({ sql: `INSERT INTO ${table} VALUES ${values.join(', ')}`, params });
  }
  return out;
}

async function loadInto(
  w: Pick<Warehouse, 'dialect'> & { exec(sql: string, params?: unknown[]): Promise<void> },
  leads: readonly LeadInput[],
  catalog: FieldCatalog,
  prefix: string,
  options: { normalized?: boolean } = {},
) {
  const d = w.dialect;
  const t = SQL_TYPES[d];
  const fields = catalog.fields;
  // Each event property also as a typed column (`prop:<id>`), for `eventPropColumns`.
  const propColumns = [
    ...new Map(
      catalog.events
        .flatMap((e) => e.props)
        .filter((p) => p.type === 'number' || p.type === 'boolean' || sqlText(p.type))
        .map((p) => [p.id, p]),
    ).values(),
  ].map((p) => ({
    id: p.id,
    type: p.type === 'number' || p.type === 'boolean' ? p.type : 'string',
  }));
  await w.exec(`DROP TABLE IF EXISTS ${prefix}leads`);
  await w.exec(`DROP TABLE IF EXISTS ${prefix}events`);
  await w.exec(
    `CREATE TABLE ${prefix}leads (id ${t.text}, ${fields.map((f) => `${quoteIdent(f.id)} ${typeOf(d, f.type)}`).join(', ')})`,
  );
  await w.exec(
    `CREATE TABLE ${prefix}events (lead_id ${t.text}, type ${t.text}, "at" ${t.date}, props ${t.json}${propColumns.map((p) => `, ${quoteIdent(`prop:${p.id}`)} ${typeOf(d, p.type)}`).join('')})`,
  );
  const cast = (type: string) => (ref: string) => {
    if (type === 'date')
      return d === 'postgres'
        ? `to_timestamp(CAST(${ref} AS float8) / 1000)`
        : `make_timestamp(CAST(${ref} AS BIGINT) * 1000)`;
    if (type === 'list')
      return d === 'postgres'
        ? `CAST(${ref} AS text[])`
        : `from_json(CAST(${ref} AS VARCHAR), '["VARCHAR"]')`;
    if (type === 'json') return d === 'postgres' ? `CAST(${ref} AS jsonb)` : `CAST(${ref} AS JSON)`;
    return `CAST(${ref} AS ${typeOf(d, type)})`;
  };
  const leadRows = leads.map((lead) => {
    const row = toSqlLead(lead, catalog, options);
    return [
      lead.id,
      ...fields.map((f) => {
        const v = row[f.id];
        return f.type === 'list' && d === 'duckdb' && v !== null ? JSON.stringify(v) : v;
      }),
    ];
  });
  for (const q of inserts(`${prefix}leads`, leadRows, [
    cast('text'),
    ...fields.map((f) => cast(f.type)),
  ]))
    await w.exec(q.sql, q.params);
  const eventRows = leads.flatMap((lead) =>
    toSqlEvents(lead, catalog).map((e) => [
      lead.id,
      e.type,
      e.at,
      JSON.stringify(e.props),
      ...propColumns.map((p) => {
        const v = Object.hasOwn(e.props, p.id) ? e.props[p.id] : undefined;
        return p.type === 'string'
          ? typeof v === 'string'
            ? v
            : null
          : typeof v === p.type
            ? v
            : null;
      }),
    ]),
  );
  if (eventRows.length)
    for (const q of inserts(`${prefix}events`, eventRows, [
      cast('text'),
      cast('text'),
      cast('date'),
      cast('json'),
      ...propColumns.map((p) => cast(p.type)),
    ]))
      await w.exec(q.sql, q.params);
}

/** An in-memory DuckDB. */
export async function duckWarehouse(): Promise<Warehouse> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1' });
  const connection: DuckDBConnection = await instance.connect();
  const exec = async (sql: string, params?: unknown[]) => {
    await connection.run(sql, params as never);
  };
  return {
    dialect: 'duckdb',
    load: (leads, catalog, prefix = '', options) =>
      loadInto({ dialect: 'duckdb', exec }, leads, catalog, prefix, options),
    async query(sql, params) {
      const reader = await connection.runAndReadAll(sql, params as never);
      return reader.getRowObjectsJS() as Record<string, unknown>[];
    },
    async close() {
      connection.closeSync();
      instance.closeSync();
    },
  };
}

/** A fresh schema in the PostgreSQL of TEST_DATABASE_URL, or undefined when it is not set. */
export async function postgresWarehouse(schema: string): Promise<Warehouse | undefined> {
  const url = process.env.TEST_DATABASE_URL;
  if (!url) return undefined;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
  await client.query(`CREATE SCHEMA ${quoteIdent(schema)}`);
  await client.query(`SET search_path TO ${quoteIdent(schema)}`);
  // Floats in full (the default in PostgreSQL 12+, set in case a server config differs).
  await client.query(`SET extra_float_digits = 3`);
  const exec = async (sql: string, params?: unknown[]) => {
    await client.query(sql, params);
  };
  return {
    dialect: 'postgres',
    load: (leads, catalog, prefix = '', options) =>
      loadInto({ dialect: 'postgres', exec }, leads, catalog, prefix, options),
    async query(sql, params) {
      return (await client.query(sql, params)).rows;
    },
    async close() {
      await client.query(`DROP SCHEMA IF EXISTS ${quoteIdent(schema)} CASCADE`);
      await client.end();
    },
  };
}

/** The compiled query's rows, by lead id. */
export async function runCompiled(
  w: Warehouse,
  compiled: Extract<CompileSqlResult, { ok: true }>,
): Promise<Map<string, SqlRow>> {
  const rows = await w.query(compiled.sql, compiled.params);
  const out = new Map<string, SqlRow>();
  for (const row of rows) {
    const scores: Record<string, number> = {};
    for (const [id, col] of Object.entries(compiled.scoreColumns))
      scores[id] = Number(row[col]) + 0;
    out.set(String(row.lead_id), {
      leadId: String(row.lead_id),
      stage: (row.stage as string | null) ?? null,
      scores,
      fired: [...((row.fired as number[] | null) ?? [])].map(Number).sort((a, b) => a - b),
    });
  }
  return out;
}

/** What the JavaScript evaluator says of each lead, in the same shape. */
export function runJs(
  workflow: Workflow,
  catalog: FieldCatalog,
  leads: readonly LeadInput[],
  asOf: number,
): Map<string, SqlRow> {
  const compiled = compile(workflow, catalog, { tally: true });
  if (!compiled.ok || !compiled.bindTally) throw new Error('workflow does not compile');
  const out = new Map<string, SqlRow>();
  for (const lead of leads) {
    const hits = new Uint32Array(compiled.tallyKeys.length);
    const result = compiled.bindTally({ asOf, hits } as never)(lead);
    const scores: Record<string, number> = {};
    for (const [id, v] of Object.entries(result.scores)) scores[id] = v + 0;
    const fired: number[] = [];
    hits.forEach((n, i) => {
      for (let j = 0; j < n; j++) fired.push(i);
    });
    out.set(lead.id, { leadId: lead.id, stage: result.stage, scores, fired });
  }
  return out;
}
