/**
 * A stored lead set as relations SQL can evaluate in place (the leads never leave the database):
 * typed lead columns projected from each lead's JSON with its position, id and outcome, and its
 * events. For generated SQL (`compileSql`, `simulationSql`) run through `inSqlSession`.
 */
import { fieldFromJson, quoteIdent as ident, timeFromText, type FieldType } from '@accord/engine';
import { CompiledQuery, sql, type Transaction } from 'kysely';
import type { Db } from '../create-db';
import type { DB } from '../database';

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
   * The events of the lead in hand (`type`, `at` in epoch ms, `props` as json), read through
   * the leads relation's alias `l`: for `compileSql`'s `eventsOfLead` (folded per lead, no join).
   * A subquery with its alias.
   */
  events: string;
}

/** Leads `fromSeq` (included) to `toSeq` (excluded) of a set, by their place in it; unset, no bound. */
export interface LeadSlice {
  fromSeq?: number;
  toSeq?: number;
}

/**
 * `count` slices of about the same size covering a set of `leadCount` leads (places
 * 0 … leadCount − 1); the first and the last are open-ended, so together they cover every lead
 * whatever its place. Never more slices than leads, never fewer than one.
 * @example leadSlices(10, 2) // [{ toSeq: 5 }, { fromSeq: 5 }]
 */
export function leadSlices(leadCount: number, count: number): LeadSlice[] {
  const n = Math.max(1, Math.min(Math.floor(count), Math.floor(leadCount)));
  if (!(n > 1)) return [{}];
  return Array.from({ length: n }, (_, i) => ({
    ...(i > 0 ? { fromSeq: Math.round((leadCount * i) / n) } : {}),
    ...(i < n - 1 ? { toSeq: Math.round((leadCount * (i + 1)) / n) } : {}),
  }));
}

/**
 * The condition keeping a slice's leads, by their place in `column`, after `joiner` (`where` to
 * start a WHERE, `and` to add to one); empty for no bound. Refuses a bound that is not a place.
 * @example sliceBounds({ fromSeq: 3, toSeq: 7 }, 'l.seq', 'and') // ' and l.seq >= 3 and l.seq < 7'
 */
export function sliceBounds(slice: LeadSlice, column: string, joiner: 'where' | 'and'): string {
  const parts: string[] = [];
  for (const [name, op] of [
    ['fromSeq', '>='],
    ['toSeq', '<'],
  ] as const) {
    const bound = slice[name];
    if (bound === undefined) continue;
    if (!Number.isSafeInteger(bound) || bound < 0)
      throw new RangeError(`The slice's ${name} must be a whole number ≥ 0 (got ${bound}).`);
    parts.push(`${column} ${op} ${bound}`);
  }
  if (parts.length === 0) return '';
  return joiner === 'where' ? ` where ${parts.join(' and ')}` : ` and ${parts.join(' and ')}`;
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
  slice: LeadSlice = {},
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
    `where l.lead_set_id = ${set}${sliceBounds(slice, 'l.seq', 'and')} offset 0)`;
  // Each event split once (json_to_record): the json type would be parsed again at every `->`.
  // The time as epoch ms, a number read as is (as `toTime` reads it). The props stay json: the
  // query makes jsonb of them only for the event types whose props it reads.
  const at = `ev.at`;
  const events =
    `(select ev.type,\n` +
    `  (case json_typeof(${at}) when 'number' then (${at} #>> '{}')::double precision` +
    ` when 'string' then (extract(epoch from ${timeFromText(`(${at} #>> '{}')`, 'postgres')}) * 1000)::double precision end) as at,\n` +
    `  ev.props\n` +
    `from json_array_elements(case json_typeof(l.events) when 'array' then l.events else '[]'::json end) as e,\n` +
    `  json_to_record(case json_typeof(e) when 'object' then e else '{}'::json end) as ev(type text, at json, props json)) as lead_events`;
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
  work: (run: SqlRunner) => Promise<T>,
  options: SqlSessionOptions = {},
): Promise<T> {
  return db.transaction().execute(async (trx) => work(await sqlRunner(trx, false, options)));
}

/** Runs one generated statement and answers its rows. */
export type SqlRunner = (statement: GeneratedStatement) => Promise<Record<string, unknown>[]>;

/** How many leads a session's statements evaluate, when known: it decides whether to JIT-compile. */
export interface SqlSessionOptions {
  leadsPerSession?: number;
}

/**
 * JIT compilation for a session that evaluates `leads` leads. A generated query is large, so
 * compiling it costs a fixed time that only many leads repay: with PostgreSQL's default thresholds
 * it took 15 of 18 s for 20,000 leads. Measured on the default workflow, both versions in one
 * query: at 100,000 leads a session compiling without LLVM's optimisation saved about 5 %, and with
 * it cost 0.8 s more than it saved; at 1,000,000 leads, 14 % and 17–21 % saved. Inlining never paid.
 */
export function jitSettings(leads: number | undefined): Record<string, string> {
  if (leads === undefined || leads < JIT_FROM_LEADS) return { jit: 'off' };
  return {
    jit: 'on',
    jit_above_cost: '0',
    jit_optimize_above_cost: leads >= JIT_OPTIMIZE_FROM_LEADS ? '0' : '-1',
    jit_inline_above_cost: '-1',
  };
}
const JIT_FROM_LEADS = 50_000;
const JIT_OPTIMIZE_FROM_LEADS = 500_000;

async function sqlRunner(
  trx: Transaction<DB>,
  sliced = false,
  options: SqlSessionOptions = {},
): Promise<SqlRunner> {
  await sql`set local timezone = 'UTC'`.execute(trx);
  // The slices are the parallelism: parallel workers on top of them measured ~4 % slower.
  if (sliced) await sql`set local max_parallel_workers_per_gather = 0`.execute(trx);
  // The events' totals are a hash aggregate per lead: with the default 4 MB it spilled to disk
  // (about 7 % slower at 100,000 leads a slice).
  if (sliced) await sql`set local work_mem = '64MB'`.execute(trx);
  for (const [name, value] of Object.entries(jitSettings(options.leadsPerSession)))
    await sql`select set_config(${name}, ${value}, true)`.execute(trx);
  return async (statement) => {
    const result = await trx.executeQuery<Record<string, unknown>>(
      CompiledQuery.raw(statement.sql, [...statement.params]),
    );
    return result.rows;
  };
}

const SNAPSHOT_ID = /^[0-9A-F]+-[0-9A-F]+(-[0-9]+)?$/i;

/**
 * `inSqlSession` on `count` connections at once, all reading the database as of one moment (the
 * first exports its snapshot, the others take it): work split across them (slices of a lead
 * set) adds up to what one session would see. PostgreSQL only; `count` must stay below the pool's
 * size (the pool hands connections out in the order asked, and a call asks for all of its own at
 * once, so calls never each hold part of what they need). Answers each session's result, in
 * order; fails with the first failure, once every session has ended.
 * @example const parts = await inSqlSessions(db, 2, (run, i) => runSlice(run, slices[i]));
 */
export async function inSqlSessions<T>(
  db: Db,
  count: number,
  work: (run: SqlRunner, index: number) => Promise<T>,
  options: SqlSessionOptions = {},
): Promise<T[]> {
  if (count <= 1) return [await inSqlSession(db, (run) => work(run, 0), options)];
  let share: (id: string) => void = () => undefined;
  let refuse: (error: unknown) => void = () => undefined;
  const snapshot = new Promise<string>((resolve, reject) => {
    share = resolve;
    refuse = reject;
  });
  snapshot.catch(() => undefined);
  // The exporting transaction must outlive every import: it waits for them before it ends.
  const imports: Promise<unknown>[] = [];
  const sessions = Array.from({ length: count }, (_, index) => {
    let imported: (value?: unknown) => void = () => undefined;
    if (index > 0) imports.push(new Promise((resolve) => (imported = resolve)));
    return db
      .transaction()
      .setIsolationLevel('repeatable read')
      .execute(async (trx) => {
        if (index === 0) {
          try {
            const { rows } = await sql<{
              id: string;
            }>`select pg_export_snapshot() as id`.execute(trx);
            const id = rows[0]?.id ?? '';
            if (!SNAPSHOT_ID.test(id)) throw new Error(`PostgreSQL exported a snapshot "${id}".`);
            share(id);
          } catch (error) {
            refuse(error);
            throw error;
          }
          const result = await work(await sqlRunner(trx, true, options), index);
          await Promise.allSettled(imports);
          return result;
        }
        try {
          await sql.raw(`set transaction snapshot '${await snapshot}'`).execute(trx);
        } finally {
          imported();
        }
        return work(await sqlRunner(trx, true, options), index);
      });
  });
  const settled = await Promise.allSettled(sessions);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<T>).value);
}
