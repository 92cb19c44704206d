/**
 * A stored lead set as relations SQL can evaluate in place (the leads never leave the database):
 * typed lead columns projected from each lead's JSON, its events unnested, and the position,
 * id and outcome of each lead. For generated SQL (`compileSql`, `simulationSql`) run through
 * `inSqlSession`.
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

/** The relations of one stored lead set, keyed by the lead's position (`seq`). */
export interface StoredLeadSetRelations {
  /** One row per lead: `key` (its position) and one typed column per field (see `columns`). */
  leads: string;
  /** Field id → its column in `leads`. */
  columns: Record<string, string>;
  /**
   * One row per event: `lead_id` (the lead's key), `type`, `at` (timestamptz), `props` (jsonb);
   * aliased (`compileSql` reads it in FROM as written).
   */
  events: string;
  /** One row per lead: `key`, `position`, `id` (the lead's own id), `converted` (NULL when unknown). */
  outcomes: string;
}

/**
 * The relations (parenthesised subqueries) of a stored lead set with typed columns for `fields`
 * as the engine reads stored values, for PostgreSQL. The set id must be a uuid (it is written
 * into the SQL as a literal, so the relations can be nested in other statements).
 * @example const rel = storedLeadSetRelations(set.id, catalog.fields);
 */
export function storedLeadSetRelations(
  leadSetId: string,
  fields: readonly { id: string; type: FieldType }[],
): StoredLeadSetRelations {
  if (!UUID.test(leadSetId)) throw new RangeError(`Lead set id ${leadSetId} is not a uuid.`);
  const set = `'${leadSetId.toLowerCase()}'`;
  const columns: Record<string, string> = {};
  const typed = fields.map((field, i) => {
    columns[field.id] = `f_${i}`;
    return `${fieldFromJson(`a.${ident(field.id)}`, field.type, 'postgres')} as f_${i}`;
  });
  // json_to_record reads the attributes once per lead (the json type is parsed on each access).
  // `offset 0` keeps each relation a subquery of its own: PostgreSQL would otherwise pull it up
  // and copy a column's conversion into every place the compiled query reads the column.
  const attributes = fields.length
    ? `, json_to_record(l.data -> 'attributes') as a(${fields.map((f) => `${ident(f.id)} json`).join(', ')})`
    : '';
  const leads =
    `(select l.seq as key${typed.map((c) => `, ${c}`).join('')}\n` +
    ` from leads as l${attributes}\n where l.lead_set_id = ${set} offset 0)`;
  const at = `e -> 'at'`;
  const events =
    `(select l.seq as lead_id, e ->> 'type' as type,\n` +
    `  (case json_typeof(${at}) when 'number' then ${timeFromEpochMs(`(${at} #>> '{}')::double precision`, 'postgres')}` +
    ` when 'string' then ${timeFromText(`(${at} #>> '{}')`, 'postgres')} end) as at,\n` +
    `  (e -> 'props')::jsonb as props\n` +
    ` from leads as l, json_array_elements(case json_typeof(l.data -> 'events') when 'array' then l.data -> 'events' else '[]'::json end) as e\n` +
    ` where l.lead_set_id = ${set} offset 0) as lead_events`;
  const outcomes =
    `(select seq as key, seq as position, lead_id as id,\n` +
    `  (case json_typeof(data -> 'outcome' -> 'converted') when 'boolean' then (data -> 'outcome' ->> 'converted')::boolean end) as converted\n` +
    ` from leads where lead_set_id = ${set} offset 0)`;
  return { leads, columns, events, outcomes };
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
