/**
 * A stored lead set as relations SQL can evaluate in place (the leads never leave the database):
 * typed lead columns projected from each lead's JSON with its position, id and outcome, and its
 * events. For generated SQL (`compileSql`, `simulationSql`) run through `inSqlSession`.
 */
import {
  fieldFromJson,
  quoteIdent as ident,
  timeFromEpochMs,
  timeFromText,
  type FieldType,
} from '@accord/engine';
import { CompiledQuery, sql } from 'kysely';
import type { Db } from '../create-db';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One stored lead set as relations the generated SQL of both versions reads in place. */
export interface StoredLeadSetRelations {
  /**
   * One row per lead (a parenthesised subquery): `key` and `position` (its place in the set),
   * `id`, `converted` (NULL when unknown), one typed column per field (see `columns`) and
   * `events` (the lead's events, JSON).
   */
  leads: string;
  /** `${fieldId}\u0000${type}` → column of `leads`, so two catalogs typing a field differently both read it. */
  columns: Map<string, string>;
  /**
   * The events of the lead in hand (`type`, `at` as timestamptz, `props` as jsonb), read through
   * the leads relation's alias `l`: for `compileSql`'s `eventsOfLead` (folded per lead, no join).
   * A subquery with its alias.
   */
  events: string;
}

/**
 * A stored lead set as relations over the leads' JSON, read in place by the query (nothing is
 * copied first): typed columns for the fields of `catalogs` as the engine reads stored values,
 * and each lead's events. For PostgreSQL; the set id must be a uuid (it is written into the SQL
 * as a literal).
 * @example const relations = storedLeadSetRelations(set.id, [baselineCatalog, candidateCatalog]);
 */
export function storedLeadSetRelations(
  leadSetId: string,
  catalogs: readonly { fields: readonly { id: string; type: FieldType }[] }[],
): StoredLeadSetRelations {
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
  // OFFSET 0 keeps the typed columns computed once per lead (inlined, each read would repeat them).
  const leads =
    `(select l.seq as key, l.seq as position, l.lead_id as id, ${converted} as converted, ` +
    `d.events as events${typed.map((c) => `,\n  ${c}`).join('')}\n` +
    `from leads as l, json_to_record(l.data) as d(attributes json, outcome json, events json)${attributes}\n` +
    `where l.lead_set_id = ${set} offset 0)`;
  // Each event split once (json_to_record): the json type would be parsed again at every `->`.
  const at = `ev.at`;
  const events =
    `(select ev.type,\n` +
    `  (case json_typeof(${at}) when 'number' then ${timeFromEpochMs(`(${at} #>> '{}')::double precision`, 'postgres')}` +
    ` when 'string' then ${timeFromText(`(${at} #>> '{}')`, 'postgres')} end) as at,\n` +
    `  ev.props\n` +
    `from json_array_elements(case json_typeof(l.events) when 'array' then l.events else '[]'::json end) as e,\n` +
    `  json_to_record(case json_typeof(e) when 'object' then e else '{}'::json end) as ev(type text, at json, props jsonb)) as lead_events`;
  return { leads, columns, events };
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
    // A generated query is large: compiling it with LLVM took most of the run (15 of 18 s for
    // 20,000 leads), far more than it saved.
    await sql`set local jit = off`.execute(trx);
    return work(async (statement) => {
      const result = await trx.executeQuery<Record<string, unknown>>(
        CompiledQuery.raw(statement.sql, [...statement.params]),
      );
      return result.rows;
    });
  });
}
