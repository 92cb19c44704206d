import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { Executor } from '../executor';
import { postgresPoolOf } from '../postgres-pools';

export * from './lead-set-issues';
import { sql } from 'kysely';
import type { Db } from '../create-db';
import { dropTypedLeadSet } from './typed-lead-sets';

/**
 * Lead sets and their leads. A set's leads are numbered 0, 1, 2 … in `seq` with no gaps (every
 * writer appends after the last one), so a lead's position in a simulation is its `seq`.
 */

const leadSetColumns = [
  'lead_sets.id',
  'lead_sets.workspace_id',
  'lead_sets.name',
  'lead_sets.source',
  'lead_sets.lead_count',
  'lead_sets.has_outcomes',
  'lead_sets.status',
  'lead_sets.error',
  'lead_sets.issue_count',
  'lead_sets.issues_stored',
  'lead_sets.created_by',
  'lead_sets.created_at',
] as const;

/** A new, empty lead set; `loading` until `finishLeadSet`. */
export async function createLeadSet(
  db: Executor,
  input: {
    /** Chosen by the caller when it must lock the set before it exists (see `lockLeadSetLoad`). */
    id?: string;
    workspaceId: string;
    name: string;
    source: unknown;
    createdBy: string | null;
    status?: 'loading' | 'ready';
  },
) {
  return db
    .insertInto('lead_sets')
    .values({
      ...(input.id ? { id: input.id } : {}),
      workspace_id: input.workspaceId,
      name: input.name,
      source: JSON.stringify(input.source),
      created_by: input.createdBy,
      status: input.status ?? 'loading',
      error: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Leads already written as JSON (by an import's worker thread): each one's id and document. */
export interface LeadDocuments {
  ids: readonly string[];
  json: readonly string[];
}

/** How many leads a batch for `appendLeads` holds. */
export const leadCountOf = (leads: readonly { id: string }[] | LeadDocuments) =>
  'json' in leads ? leads.json.length : leads.length;

/**
 * Appends leads at `firstSeq`, `firstSeq + 1` … in one statement: lead objects, or documents an
 * import's worker thread already wrote as JSON (`LeadDocuments`). On a PostgreSQL database handle
 * (not a transaction) the batch goes in with `COPY … FROM STDIN` on a connection of the pool,
 * about 2.4× less work for the server than the INSERT; otherwise (PGlite, a transaction) the
 * batch travels as a single JSON parameter and is split by the database, so a batch of
 * thousands costs one round trip either way. Either way the batch lands whole or not at all.
 * @example await appendLeads(db, set.id, 0, [{ id: 'L-1', attributes: {}, events: [] }]);
 */
export async function appendLeads(
  db: Executor,
  leadSetId: string,
  firstSeq: number,
  leads: readonly { id: string }[] | LeadDocuments,
): Promise<void> {
  if (leadCountOf(leads) === 0) return;
  const pool = postgresPoolOf(db);
  if (pool) return copyLeadsIn(pool, leadSetId, firstSeq, leads);
  const array = 'json' in leads ? `[${leads.json.join(',')}]` : JSON.stringify(leads);
  await sql`insert into leads (lead_set_id, seq, lead_id, data)
    select ${leadSetId}::uuid, ${firstSeq}::int + (t.ord::int - 1), t.elem->>'id', t.elem
    from json_array_elements(${array}::json) with ordinality as t(elem, ord)`.execute(db);
}

/** COPY's text format: a backslash, newline, carriage return or tab inside a value is escaped. */
const COPY_ESCAPES: Record<string, string> = {
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};
const copyText = (value: string) => value.replace(/[\\\n\r\t]/g, (c) => COPY_ESCAPES[c]!);

/** `appendLeads` on PostgreSQL: the batch as COPY text rows, on a connection of the pool. */
async function copyLeadsIn(
  pool: pg.Pool,
  leadSetId: string,
  firstSeq: number,
  leads: readonly { id: string }[] | LeadDocuments,
): Promise<void> {
  let rows = '';
  const count = leadCountOf(leads);
  for (let i = 0; i < count; i++) {
    // The id column is the document's id, as the INSERT reads it (`data->>'id'`; none is NULL,
    // which the column refuses).
    const [id, json] =
      'json' in leads ? [leads.ids[i], leads.json[i]!] : [leads[i]!.id, JSON.stringify(leads[i])];
    const idText = id === undefined || id === null ? '\\N' : copyText(String(id));
    rows += `${leadSetId}\t${firstSeq + i}\t${idText}\t${copyText(json)}\n`;
  }
  const client = await pool.connect();
  let failure: unknown;
  try {
    await pipeline(
      Readable.from([Buffer.from(rows, 'utf8')]),
      client.query(copyFrom('COPY leads (lead_set_id, seq, lead_id, data) FROM STDIN')),
    );
  } catch (error) {
    failure = error;
    throw error;
  } finally {
    // A connection whose COPY failed is closed rather than handed to the next caller.
    client.release(failure instanceof Error ? failure : undefined);
  }
}

/** Marks a loaded set ready with its count; `source` replaces what was recorded at the start. */
export async function finishLeadSet(
  db: Executor,
  leadSetId: string,
  input: {
    leadCount: number;
    hasOutcomes: boolean;
    source?: unknown;
    /** Problems the import found, and how many of them `lead_set_issues` keeps. */
    issues?: { count: number; stored: number };
  },
) {
  return db
    .updateTable('lead_sets')
    .set({
      status: 'ready',
      lead_count: input.leadCount,
      has_outcomes: input.hasOutcomes,
      ...(input.issues
        ? { issue_count: input.issues.count, issues_stored: input.issues.stored }
        : {}),
      ...(input.source === undefined ? {} : { source: JSON.stringify(input.source) }),
    })
    .where('id', '=', leadSetId)
    .returningAll()
    .executeTakeFirstOrThrow();
}

/**
 * A set whose loading failed: its leads (and the problems its import found) are removed and the
 * reason kept, in one transaction.
 */
export async function failLeadSet(db: Db, leadSetId: string, error: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await trx.deleteFrom('leads').where('lead_set_id', '=', leadSetId).execute();
    await trx.deleteFrom('lead_set_issues').where('lead_set_id', '=', leadSetId).execute();
    await trx
      .updateTable('lead_sets')
      .set({
        status: 'failed',
        error,
        lead_count: 0,
        has_outcomes: false,
        issue_count: 0,
        issues_stored: 0,
      })
      .where('id', '=', leadSetId)
      .where('status', '=', 'loading')
      .execute();
  });
}

/** Ids of the sets still `loading` (being loaded, or left so by a process that died). */
export async function loadingLeadSetIds(db: Executor): Promise<string[]> {
  const rows = await db
    .selectFrom('lead_sets')
    .select('id')
    .where('status', '=', 'loading')
    .execute();
  return rows.map((r) => r.id);
}

/**
 * PostgreSQL: takes the session lock that says "this connection is loading the set" (held until
 * `unlockLeadSetLoad` or until the session ends, also when its process is killed). Call it on a
 * connection pinned with `db.connection()`.
 */
export async function lockLeadSetLoad(conn: Db, leadSetId: string): Promise<void> {
  await sql`select pg_advisory_lock(hashtextextended(${leadSetId}, 7))`.execute(conn);
}

export async function unlockLeadSetLoad(conn: Db, leadSetId: string): Promise<void> {
  await sql`select pg_advisory_unlock(hashtextextended(${leadSetId}, 7))`.execute(conn);
}

/**
 * PostgreSQL: whether nobody holds the load lock of a set (its loader is gone). Tries the lock
 * on a pinned connection and lets it go again at once.
 */
export async function isLeadSetLoadAbandoned(db: Db, leadSetId: string): Promise<boolean> {
  return db.connection().execute(async (conn) => {
    const { rows } = await sql<{
      free: boolean;
    }>`select pg_try_advisory_lock(hashtextextended(${leadSetId}, 7)) as free`.execute(conn);
    if (!rows[0]?.free) return false;
    await unlockLeadSetLoad(conn, leadSetId);
    return true;
  });
}

/** Lead sets of a workspace, newest first, with the name of who made each. */
export async function listLeadSets(db: Executor, workspaceId: string) {
  return db
    .selectFrom('lead_sets')
    .leftJoin('users', 'users.id', 'lead_sets.created_by')
    .select([...leadSetColumns, 'users.name as createdByName'])
    .where('lead_sets.workspace_id', '=', workspaceId)
    .orderBy('lead_sets.created_at', 'desc')
    .orderBy('lead_sets.id')
    .execute();
}

/** One lead set of a workspace, or undefined. */
export async function findLeadSet(db: Executor, workspaceId: string, leadSetId: string) {
  return db
    .selectFrom('lead_sets')
    .leftJoin('users', 'users.id', 'lead_sets.created_by')
    .select([...leadSetColumns, 'users.name as createdByName'])
    .where('lead_sets.workspace_id', '=', workspaceId)
    .where('lead_sets.id', '=', leadSetId)
    .executeTakeFirst();
}

/** Leads `offset` … `offset + limit - 1` of a set, by position (keyset on seq, not OFFSET). */
export async function browseLeads(db: Executor, leadSetId: string, offset: number, limit: number) {
  return db
    .selectFrom('leads')
    .select(['seq', 'lead_id', 'data'])
    .where('lead_set_id', '=', leadSetId)
    .where('seq', '>=', offset)
    .orderBy('seq')
    .limit(limit)
    .execute();
}

/** One lead of a set by position or by its id (the first with that id). */
export async function findLead(
  db: Executor,
  leadSetId: string,
  by: { seq: number } | { leadId: string },
) {
  let query = db
    .selectFrom('leads')
    .select(['seq', 'lead_id', 'data'])
    .where('lead_set_id', '=', leadSetId);
  query = 'seq' in by ? query.where('seq', '=', by.seq) : query.where('lead_id', '=', by.leadId);
  return query.orderBy('seq').limit(1).executeTakeFirst();
}

/**
 * Leads `fromSeq` … `fromSeq + limit - 1` of a set as one JSON array text built by the
 * database: one value to move instead of thousands, parsed once where it is used. The range on
 * the primary key (not `seq > x LIMIT n`, which sorts the rest of the set) keeps every page as
 * cheap as the first.
 * @example const page = await leadPageJson(db, set.id, 0, 5000); JSON.parse(page.json).length
 */
export async function leadPageJson(
  db: Executor,
  leadSetId: string,
  fromSeq: number,
  limit: number,
): Promise<{ count: number; json: string }> {
  const { rows } = await sql<{ count: number; json: string | null }>`
    select count(*)::int as count, '[' || string_agg(data::text, ',' order by seq) || ']' as json
    from leads
    where lead_set_id = ${leadSetId} and seq >= ${fromSeq} and seq < ${fromSeq + limit}`.execute(
    db,
  );
  const row = rows[0];
  return { count: row?.count ?? 0, json: row?.json ?? '[]' };
}

/** Copies every lead of one set into another (same positions), inside the database. */
export async function copyLeads(db: Executor, fromLeadSetId: string, toLeadSetId: string) {
  const result = await sql`insert into leads (lead_set_id, seq, lead_id, data)
    select ${toLeadSetId}::uuid, seq, lead_id, data from leads where lead_set_id = ${fromLeadSetId}`.execute(
    db,
  );
  return Number(result.numAffectedRows ?? 0);
}

/** How many simulation runs use a set (a set with runs is kept: runs are publish evidence). */
export async function countRunsOfLeadSet(db: Executor, leadSetId: string) {
  const row = await db
    .selectFrom('simulation_runs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('lead_set_id', '=', leadSetId)
    .executeTakeFirst();
  return Number(row?.n ?? 0);
}

/** Removes a set, its leads and its typed copy. */
export async function deleteLeadSet(db: Executor, leadSetId: string) {
  await db.deleteFrom('lead_sets').where('id', '=', leadSetId).execute();
  await dropTypedLeadSet(db, leadSetId);
}
