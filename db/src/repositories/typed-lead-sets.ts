/**
 * A typed copy of a stored lead set, for simulations inside PostgreSQL: one column per field
 * (typed and normalised as the engine reads it) and an events table (lead, type, time in epoch
 * ms, props, one typed column per catalog property). Reading it skips what costs most in the
 * JSON relations of `storedLeadSetRelations`: splitting each lead's JSON and typing its fields
 * and events on every run. A set's leads never change once it is ready, so the copy is made once
 * (after the set loads) and read by every later run whose catalogs it covers.
 *
 * The copy is derived data: two tables named after the set (`typed_leads_<id>`,
 * `typed_events_<id>`), described by a comment on the leads table (the catalog columns it
 * holds). Backups leave them out and a restore drops them; a run without a usable copy reads
 * the JSON, which gives the same answers.
 */
import {
  eventPropColumnsOf,
  fieldFromJson,
  normalizedColumnSql,
  quoteIdent as ident,
  sqlLiteral,
  typedEventProps,
  type FieldType,
  type TypedCatalog,
} from '@accord/engine';
import { sql } from 'kysely';
import { randomBytes } from 'node:crypto';
import type { Db } from '../create-db';
import type { Executor } from '../executor';
import {
  inSqlSessions,
  leadSlices,
  sliceBounds,
  storedLeadSetRelations,
  type LeadSlice,
  type SqlRunner,
  type StoredLeadSetRelations,
} from './lead-set-sql';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const FORMAT = 1;
/** The advisory-lock space a typing holds its build tables' lock in (see `dropAbandonedTypedCopies`). */
const TYPING_LOCKS = 21;
/** The names of typed copies' tables, finished or half-built (linear regular expressions). */
export const TYPED_COPY_TABLE = '^typed_(leads|events)_[0-9a-f]{32}(_[0-9a-f]{8})?$';
/** A half-built copy's leads table (`_<suffix>` of its build). */
const BUILD_TABLE = '^typed_leads_[0-9a-f]{32}_[0-9a-f]{8}$';
/** A copy's leads table once in place. */
const FINISHED_TABLE = '^typed_leads_[0-9a-f]{32}$';

/** The tables of the current schema whose names match `pattern`. */
async function tablesMatching(db: Executor, pattern: string): Promise<string[]> {
  const { rows } = await sql<{ name: string }>`
    select c.relname as name from pg_class c
    where c.relnamespace = current_schema()::regnamespace and c.relkind = 'r'
      and c.relname ~ ${pattern}`.execute(db);
  return rows.map((r) => r.name);
}

/** A set's typed copy, as its comment describes it. */
export interface TypedLeadSet {
  leadsTable: string;
  eventsTable: string;
  leadCount: number;
  /** `${fieldId}\u0000${type}` → column of the leads table. */
  columns: Map<string, string>;
  /** `${propId}\u0000${type}` → column of the events table. */
  eventProps: Map<string, string>;
}

/** The typed copy read by one run: relations for `compileSqlSides`, and each catalog's typed props. */
export interface TypedLeadSetRelations extends StoredLeadSetRelations {
  /** Per catalog given (in order): property id → typed column of the events relation. */
  eventPropColumns: Record<string, string>[];
}

function tableNames(leadSetId: string) {
  if (!UUID.test(leadSetId)) throw new RangeError(`Lead set id ${leadSetId} is not a uuid.`);
  const hex = leadSetId.toLowerCase().replaceAll('-', '');
  return { leads: `typed_leads_${hex}`, events: `typed_events_${hex}` };
}

/**
 * Makes (or remakes) the typed copy of a ready set for the fields and event properties of
 * `catalogs`, reading its JSON in `slices` on as many connections at once (PostgreSQL only;
 * fewer than the pool's size). The copy is built under names of its own and put in place in one
 * transaction, so a run sees the old copy, the new one, or none, never half of one. Answers
 * false (and keeps nothing) when the set is gone or not ready.
 * @example await typeLeadSet(db, { leadSetId: set.id, leadCount: 2_000_000, catalogs: [catalog], slices: 2 });
 */
export async function typeLeadSet(
  db: Db,
  input: {
    leadSetId: string;
    leadCount: number;
    catalogs: readonly TypedCatalog[];
    slices?: number;
    /**
     * How long putting the copy in place may wait for runs reading the old one (default 5 s):
     * while it waits, later runs queue behind it. Past it, the new copy is dropped and the call
     * fails; the old copy stays.
     */
    lockTimeoutMs?: number;
    /** Stops the typing: its statements are cancelled, its build tables dropped, the call fails. */
    signal?: AbortSignal;
  },
): Promise<boolean> {
  const final = tableNames(input.leadSetId);
  const suffix = randomBytes(4).toString('hex');
  const build = { leads: `${final.leads}_${suffix}`, events: `${final.events}_${suffix}` };
  const whole = storedLeadSetRelations(input.leadSetId, input.catalogs);
  const eventProps = typedEventProps(input.catalogs);
  const propIds: string[] = [];
  const propColumns: string[] = [];
  for (const [key, name] of eventProps) {
    const id = key.slice(0, key.indexOf('\u0000'));
    const type = key.slice(key.indexOf('\u0000') + 1) as FieldType;
    if (!propIds.includes(id)) propIds.push(id);
    const value = fieldFromJson(`pr.${ident(id)}`, type, 'postgres');
    propColumns.push(`${normalizedColumnSql(value, type, 'postgres')} as ${name}`);
  }
  const fieldColumns = [...whole.columns].map(([key, name]) => {
    const type = key.slice(key.indexOf('\u0000') + 1) as FieldType;
    return `${normalizedColumnSql(`l.${name}`, type, 'postgres')} as ${name}`;
  });
  const leadsSelect = (leads: string) =>
    `select l.key, l.id, l.converted${fieldColumns.map((c) => `, ${c}`).join('')} from ${leads} as l`;
  // Each event's props split once into the properties the catalogs type.
  const props = propIds.length
    ? `, json_to_record(case json_typeof(lead_events.props) when 'object' then lead_events.props else '{}'::json end)` +
      ` as pr(${propIds.map((id) => `${ident(id)} json`).join(', ')})`
    : '';
  const eventsSelect = (leads: string, events: string) =>
    `select l.key as lead_key, lead_events.type, lead_events.at, lead_events.props` +
    `${propColumns.map((c) => `, ${c}`).join('')} from ${leads} as l, lateral ${events}${props}`;
  // The backends working for this typing, so that an abort can cancel what they are running.
  const backends: number[] = [];
  const stopped = () => {
    if (input.signal?.aborted) throw new Error(`Typing lead set ${input.leadSetId} was stopped.`);
  };
  const cancel = () =>
    void sql`select pg_cancel_backend(pid) from unnest(${backends}::int[]) as pid`
      .execute(db)
      .catch(() => undefined);
  const pidOf = async (run: SqlRunner) => {
    const [row] = await run({ sql: 'select pg_backend_pid() as pid', params: [] });
    const pid = Number(row!.pid);
    backends.push(pid);
    stopped();
    return pid;
  };
  stopped();
  input.signal?.addEventListener('abort', cancel, { once: true });
  return db.connection().execute(async (conn) => {
    await pidOf(
      async (statement) =>
        (await sql.raw<Record<string, unknown>>(statement.sql).execute(conn)).rows,
    );
    // Held while the build tables exist: `dropAbandonedTypedCopies` leaves them alone meanwhile,
    // and drops them once this process is gone (the server releases the lock with it).
    await sql`select pg_advisory_lock(hashtextextended(${build.leads}, ${TYPING_LOCKS}))`.execute(
      conn,
    );
    try {
      try {
        await sql
          .raw(
            `create table ${ident(build.leads)} as ${leadsSelect(whole.leads)} with no data;\n` +
              `create table ${ident(build.events)} as ${eventsSelect(whole.leads, whole.events)} with no data`,
          )
          .execute(conn);
        const slices = leadSlices(input.leadCount, input.slices ?? 1);
        await inSqlSessions(
          db,
          slices.length,
          async (run, i) => {
            const pid = await pidOf(run);
            const part = storedLeadSetRelations(input.leadSetId, input.catalogs, slices[i]);
            try {
              // The lead's JSON is split and typed once for both tables.
              return await run({
                sql:
                  `with l as materialized (${part.leads.slice(1, -1)}),\n` +
                  `typed as (insert into ${ident(build.leads)} ${leadsSelect('l')})\n` +
                  `insert into ${ident(build.events)} ${eventsSelect('l', part.events)}`,
                params: [],
              });
            } finally {
              // Its connection goes back to the pool: an abort must not cancel what it runs next.
              backends.splice(backends.indexOf(pid), 1);
            }
          },
          { leadsPerSession: Math.ceil(input.leadCount / slices.length) },
        );
        stopped();
        await sql
          .raw(
            `create index on ${ident(build.leads)} (key);\n` +
              `create index on ${ident(build.events)} (lead_key);\n` +
              `analyze ${ident(build.leads)};\nanalyze ${ident(build.events)}`,
          )
          .execute(conn);
        stopped();
        const described = JSON.stringify({
          format: FORMAT,
          leadCount: input.leadCount,
          columns: Object.fromEntries(whole.columns),
          eventProps: Object.fromEntries(eventProps),
        });
        const lockTimeoutMs = Math.max(1, Math.round(input.lockTimeoutMs ?? 5_000));
        return await db.transaction().execute(async (trx) => {
          await sql`select set_config('lock_timeout', ${`${lockTimeoutMs}ms`}, true)`.execute(trx);
          // Holds off a delete of the set until the copy is in place (the delete then drops it).
          const ready = await trx
            .selectFrom('lead_sets')
            .select('id')
            .where('id', '=', input.leadSetId)
            .where('status', '=', 'ready')
            .forShare()
            .executeTakeFirst();
          if (!ready) {
            await dropTables(trx, build);
            return false;
          }
          await dropTables(trx, final);
          await sql
            .raw(
              `alter table ${ident(build.leads)} rename to ${ident(final.leads)};\n` +
                `alter table ${ident(build.events)} rename to ${ident(final.events)};\n` +
                `comment on table ${ident(final.leads)} is ${sqlLiteral(described)}`,
            )
            .execute(trx);
          return true;
        });
      } catch (error) {
        await dropTables(conn, build).catch(() => undefined);
        throw error;
      }
    } finally {
      input.signal?.removeEventListener('abort', cancel);
      await sql`select pg_advisory_unlock(hashtextextended(${build.leads}, ${TYPING_LOCKS}))`
        .execute(conn)
        .catch(() => undefined);
    }
  });
}

async function dropTables(db: Executor, tables: { leads: string; events: string }) {
  await sql.raw(`drop table if exists ${ident(tables.leads)}, ${ident(tables.events)}`).execute(db);
}

/** The set's typed copy, or null when it has none (PostgreSQL only). */
export async function findTypedLeadSet(
  db: Executor,
  leadSetId: string,
): Promise<TypedLeadSet | null> {
  const names = tableNames(leadSetId);
  const { rows } = await sql<{ description: string | null; events: string | null }>`
    select obj_description(to_regclass(${ident(names.leads)}), 'pg_class') as description,
      to_regclass(${ident(names.events)})::text as events`.execute(db);
  const row = rows[0];
  if (!row?.description || !row.events) return null;
  let described: {
    format?: unknown;
    leadCount?: unknown;
    columns?: Record<string, string>;
    eventProps?: Record<string, string>;
  };
  try {
    described = JSON.parse(row.description) as typeof described;
  } catch {
    return null;
  }
  if (described.format !== FORMAT || typeof described.leadCount !== 'number') return null;
  return {
    leadsTable: names.leads,
    eventsTable: names.events,
    leadCount: described.leadCount,
    columns: new Map(Object.entries(described.columns ?? {})),
    eventProps: new Map(Object.entries(described.eventProps ?? {})),
  };
}

/**
 * The typed copy as relations for one run over the leads of `slice`, or null when it lacks a
 * field of one of `catalogs` (a field added or retyped since the set was typed): the run then
 * reads the JSON. A property typed two ways within a catalog is read from the JSON props.
 */
export function typedLeadSetRelations(
  typed: TypedLeadSet,
  catalogs: readonly TypedCatalog[],
  slice: LeadSlice = {},
): TypedLeadSetRelations | null {
  for (const catalog of catalogs)
    for (const field of catalog.fields)
      if (!typed.columns.has(`${field.id}\u0000${field.type}`)) return null;
  const eventPropColumns = catalogs.map((catalog) => eventPropColumnsOf(catalog, typed.eventProps));
  return {
    // In key order, fenced (a flattened subquery loses its order), as the events' totals come:
    // PostgreSQL merges the two instead of hashing a million leads' totals (9 % at 1M leads).
    leads: `(select t.*, t.key as position from ${ident(typed.leadsTable)} as t${sliceBounds(slice, 't.key', 'where')} order by t.key offset 0)`,
    events: `(select * from ${ident(typed.eventsTable)} as e${sliceBounds(slice, 'e.lead_key', 'where')}) as lead_events`,
    columns: typed.columns,
    eventPropColumns,
  };
}

/** Drops a set's typed copy, if it has one (with the set's removal, in its transaction). */
export async function dropTypedLeadSet(db: Executor, leadSetId: string): Promise<void> {
  await dropTables(db, tableNames(leadSetId));
}

/** Drops every typed copy of the current schema, and any copy left half-built (before a restore). */
export async function dropAllTypedLeadSets(db: Executor): Promise<void> {
  const names = await tablesMatching(db, TYPED_COPY_TABLE);
  if (names.length)
    await sql
      .raw(`drop table if exists ${names.map((name) => ident(name)).join(', ')}`)
      .execute(db);
}

/**
 * Drops the build tables a typing left behind when its process died (PostgreSQL; a typing holds
 * an advisory lock on its build tables for as long as they exist, and the server releases it
 * with the process): a build copy is as large as the set. Run by `repairAbandonedWork`.
 */
export async function dropAbandonedTypedCopies(db: Db): Promise<string[]> {
  const dropped: string[] = [];
  for (const name of await tablesMatching(db, BUILD_TABLE))
    await db.connection().execute(async (conn) => {
      const { rows: free } = await sql<{ free: boolean }>`
        select pg_try_advisory_lock(hashtextextended(${name}, ${TYPING_LOCKS})) as free`.execute(
        conn,
      );
      if (!free[0]?.free) return;
      try {
        await dropTables(conn, {
          leads: name,
          events: name.replace(/^typed_leads_/, 'typed_events_'),
        });
        dropped.push(name);
      } finally {
        await sql`select pg_advisory_unlock(hashtextextended(${name}, ${TYPING_LOCKS}))`.execute(
          conn,
        );
      }
    });
  return dropped;
}

/** The ids of the sets that have a finished typed copy (PostgreSQL; one catalog query). */
export async function typedLeadSetIds(db: Executor): Promise<Set<string>> {
  const ids = new Set<string>();
  // In place means renamed, and the comment describing it is set in the same transaction.
  for (const name of await tablesMatching(db, FINISHED_TABLE)) {
    const hex = name.slice('typed_leads_'.length);
    ids.add(
      `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`,
    );
  }
  return ids;
}
