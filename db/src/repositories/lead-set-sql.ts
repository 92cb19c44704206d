/**
 * A stored lead set as tables SQL can evaluate in place (the leads never leave the database):
 * typed lead columns projected from each lead's JSON with its position, id and outcome, and its
 * events unnested. For generated SQL (`compileSql`, `simulationSql`) run through `inSqlSession`.
 */
import { fieldFromJson, timeFromEpochMs, timeFromText, type FieldType } from '@accord/engine';
import { CompiledQuery, sql } from 'kysely';
import type { Db } from '../create-db';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const ident = (name: string) => {
  if (name === '' || name.includes('\u0000'))
    throw new RangeError(`Not a usable SQL identifier: ${JSON.stringify(name)}.`);
  return `"${name.replaceAll('"', '""')}"`;
};

/** One stored lead set as typed temporary tables, for the generated SQL of both versions. */
export interface StoredLeadSetTables {
  /** Creates and analyzes the tables (run them first, in the same `inSqlSession`). */
  statements: GeneratedStatement[];
  /**
   * One row per lead: `key` and `position` (its place in the set), `id`, `converted` (NULL when
   * unknown) and one typed column per field (see `columns`).
   */
  leads: string;
  /** `${fieldId}\u0000${type}` → column of `leads`, so two catalogs typing a field differently both read it. */
  columns: Map<string, string>;
  /** One row per event: `lead_id` (the lead's key), `type`, `at` (timestamptz), `props` (jsonb). */
  events: string;
}

const LEADS_TABLE = 'accord_set_leads';
const EVENTS_TABLE = 'accord_set_events';

/**
 * A stored lead set as two temporary tables (dropped at the end of the transaction), read from
 * the leads' JSON once for both versions: typed columns for the fields of `catalogs` as the
 * engine reads stored values, and the events. For PostgreSQL; the set id must be a uuid (it is
 * written into the SQL as a literal).
 * @example const tables = storedLeadSetTables(set.id, [baselineCatalog, candidateCatalog]);
 */
export function storedLeadSetTables(
  leadSetId: string,
  catalogs: readonly { fields: readonly { id: string; type: FieldType }[] }[],
): StoredLeadSetTables {
  if (!UUID.test(leadSetId)) throw new RangeError(`Lead set id ${leadSetId} is not a uuid.`);
  const set = `'${leadSetId.toLowerCase()}'`;
  const columns = new Map<string, string>();
  const read = new Set<string>();
  const typed: string[] = [];
  for (const catalog of catalogs)
    for (const field of catalog.fields) {
      const key = `${field.id}\u0000${field.type}`;
      if (columns.has(key)) continue;
      const name = `f_${columns.size}`;
      columns.set(key, name);
      read.add(field.id);
      typed.push(`${fieldFromJson(`a.${ident(field.id)}`, field.type, 'postgres')} as ${name}`);
    }
  // The json type is parsed again on every access: json_to_record splits each lead once.
  const attributes = read.size
    ? `, json_to_record(d.attributes) as a(${[...read].map((id) => `${ident(id)} json`).join(', ')})`
    : '';
  const converted =
    `(case json_typeof(d.outcome -> 'converted') when 'boolean' ` +
    `then (d.outcome ->> 'converted')::boolean end)`;
  const leads =
    `create temporary table ${LEADS_TABLE} on commit drop as\n` +
    `select l.seq as key, l.seq as position, l.lead_id as id, ${converted} as converted` +
    `${typed.map((c) => `,\n  ${c}`).join('')}\n` +
    `from leads as l, json_to_record(l.data) as d(attributes json, outcome json)${attributes}\n` +
    `where l.lead_set_id = ${set}`;
  const at = `e -> 'at'`;
  const events =
    `create temporary table ${EVENTS_TABLE} on commit drop as\n` +
    `select l.seq as lead_id, e ->> 'type' as type,\n` +
    `  (case json_typeof(${at}) when 'number' then ${timeFromEpochMs(`(${at} #>> '{}')::double precision`, 'postgres')}` +
    ` when 'string' then ${timeFromText(`(${at} #>> '{}')`, 'postgres')} end) as at,\n` +
    `  (e -> 'props')::jsonb as props\n` +
    `from leads as l, json_to_record(l.data) as d(events json),\n` +
    `  json_array_elements(case json_typeof(d.events) when 'array' then d.events else '[]'::json end) as e\n` +
    `where l.lead_set_id = ${set}`;
  const statement = (sql: string): GeneratedStatement => ({ sql, params: [] });
  return {
    statements: [
      statement(`drop table if exists ${LEADS_TABLE}`),
      statement(`drop table if exists ${EVENTS_TABLE}`),
      statement(leads),
      statement(events),
      // Temporary tables have no statistics until analyzed; the joins are planned on them.
      statement(`analyze ${LEADS_TABLE}`),
      statement(`analyze ${EVENTS_TABLE}`),
    ],
    leads: LEADS_TABLE,
    columns,
    events: EVENTS_TABLE,
  };
}

/** A statement of generated SQL with its positional parameters. */
export interface GeneratedStatement {
  sql: string;
  params: readonly unknown[];
}

/**
 * Runs generated statements on one connection, in one transaction (temporary tables live as
 * long as it), with times read and written in UTC as the engine reads them.
 * @example await inSqlSession(db, (run) => runSimulationSql(run, statements, workflows));
 */
export async function inSqlSession<T>(
  db: Db,
  work: (run: (statement: GeneratedStatement) => Promise<Record<string, unknown>[]>) => Promise<T>,
): Promise<T> {
  return db.transaction().execute(async (trx) => {
    await sql`set local timezone = 'UTC'`.execute(trx);
    return work(async (statement) => {
      const result = await trx.executeQuery<Record<string, unknown>>(
        CompiledQuery.raw(statement.sql, [...statement.params]),
      );
      return result.rows;
    });
  });
}
