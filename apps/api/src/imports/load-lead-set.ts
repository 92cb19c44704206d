import { randomUUID } from 'node:crypto';
import {
  appendLeads,
  createLeadSet,
  leadCountOf,
  failLeadSet,
  findWorkspaceCatalog,
  finishLeadSet,
  isLeadSetLoadAbandoned,
  loadingLeadSetIds,
  lockLeadSetLoad,
  unlockLeadSetLoad,
  type DB,
  type Db,
  type LeadDocuments,
  type NewAudit,
  type Transaction,
} from '@accord/db';
import type { Lead } from '@accord/engine';
import { TRPCError } from '@trpc/server';
import { runManagerFor } from '../simulation/run-manager';
import { typeAtLoad } from '../simulation/sql-path';
import type { Env } from '../env';
import type { Context, SessionUser } from '../trpc';

/** Runs a change and its audit event in one transaction (see `mutate` in services/audited). */
export type Audited = <T>(
  run: (
    trx: Transaction<DB>,
    audit: (event: Omit<NewAudit, 'actor'>) => Promise<void>,
  ) => Promise<T>,
) => Promise<T>;

/** The most leads one set takes from an import (generate takes up to 1,000,000). */
export const MAX_LEADS_PER_SET = 2_000_000;
/** Leads per statement that stores them (a COPY on PostgreSQL, an INSERT on PGlite). */
export const INSERT_BATCH = 2_000;

/** Loading a lead set stopped: its leads were removed and the set marked failed. */
export class LeadSetLoadError extends Error {
  constructor(
    readonly leadSetId: string,
    readonly reason: unknown,
  ) {
    super(reason instanceof Error ? reason.message : String(reason));
  }
}

const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Sets this process is loading, per database handle (PGlite has no other process to ask). */
const loadingHere = new WeakMap<Db, Set<string>>();
const here = (db: Db) => {
  let set = loadingHere.get(db);
  if (!set) loadingHere.set(db, (set = new Set()));
  return set;
};

/** Loads under way in this process that took a slot, per database handle (see `withLoadSlot`). */
const slotsTaken = new WeakMap<Db, number>();

/**
 * Runs `load` in one of the `ACCORD_MAX_CONCURRENT_LOADS` slots of this process (default 2), or
 * refuses at once with TOO_MANY_REQUESTS, before anything is read, when all are taken. The
 * imports and generated sets people start go through it: each keeps a core busy (an upload a
 * thread of its own) and, on PostgreSQL, holds two connections of the pool's ten, so a burst of
 * uploads would otherwise starve every other request of connections and finish none sooner.
 * @example return withLoadSlot(ctx, () => loadLeadSet(ctx, audited, input, batches));
 */
export async function withLoadSlot<T>(
  ctx: { db: Db; env: Pick<Env, 'ACCORD_MAX_CONCURRENT_LOADS'> },
  load: () => Promise<T>,
): Promise<T> {
  const taken = slotsTaken.get(ctx.db) ?? 0;
  const slots = ctx.env.ACCORD_MAX_CONCURRENT_LOADS;
  if (taken >= slots)
    throw new TRPCError({
      code: 'TOO_MANY_REQUESTS',
      message: `${slots === 1 ? 'A lead set is' : `${slots} lead sets are`} loading on this server, as many as it loads at once; try again when ${slots === 1 ? 'it has' : 'one has'} finished.`,
    });
  slotsTaken.set(ctx.db, taken + 1);
  try {
    return await load();
  } finally {
    slotsTaken.set(ctx.db, (slotsTaken.get(ctx.db) ?? 1) - 1);
  }
}

type LoadContext = Pick<Context, 'db' | 'dbKind'> & {
  user: SessionUser;
  /** Where `auto` runs simulations (whether the set is typed as it loads); the defaults without. */
  env?: Pick<Env, 'ACCORD_SQL_SIMULATION_MIN_LEADS'>;
};

/** What an import writes beside the leads (its problems, see `IssueLog`). */
export interface LoadHooks {
  /** Called after each batch of leads, with the writer and the set's id. */
  afterBatch?: (writer: Db, leadSetId: string) => Promise<void>;
  /** The problems found, counted on the set when it is finished. */
  issues?: () => { count: number; stored: number };
}

/**
 * A batch of leads to load: lead objects, or documents an import's worker thread already wrote
 * as JSON (stored as they are, at most `INSERT_BATCH` of them), with whether any has an outcome.
 */
export type LoadBatch = readonly Lead[] | (LeadDocuments & { hasOutcomes: boolean });

/**
 * Creates a lead set and streams leads into it batch by batch (one statement a batch, see
 * `appendLeads`; never the whole set in memory; one batch in flight while the next is read),
 * audited at the start and at the end. The set is `loading` until every lead is in; if anything
 * fails, its leads are removed and it is marked failed, so a set is either whole or empty.
 * Between batches the event loop serves other requests.
 *
 * A process that dies mid-load cannot clean up, so the loader marks its claim where others can
 * see whether it is still alive: on PostgreSQL a session advisory lock on a pinned connection
 * (released by the server when the process dies), on PGlite the process itself (one process per
 * data directory). `repairAbandonedLeadSets` empties sets whose loader is gone.
 * @example await loadLeadSet(ctx, audited, { name: 'Sample', source: { kind: 'generated' } }, batches);
 */
export async function loadLeadSet(
  ctx: LoadContext,
  audited: Audited,
  input: { name: string; source: Record<string, unknown> },
  batches: AsyncIterable<LoadBatch> | Iterable<LoadBatch>,
  finalSource?: () => Record<string, unknown>,
  hooks: LoadHooks = {},
) {
  const id = randomUUID();
  const mine = here(ctx.db);
  mine.add(id);
  try {
    if (ctx.dbKind !== 'postgres')
      return await load(ctx, id, ctx.db, audited, input, batches, finalSource, hooks);
    return await ctx.db.connection().execute(async (conn) => {
      await lockLeadSetLoad(conn, id);
      try {
        return await load(ctx, id, conn, audited, input, batches, finalSource, hooks);
      } finally {
        await unlockLeadSetLoad(conn, id).catch(() => undefined);
      }
    });
  } finally {
    mine.delete(id);
  }
}

async function load(
  ctx: LoadContext,
  id: string,
  writer: Db,
  audited: Audited,
  input: { name: string; source: Record<string, unknown> },
  batches: AsyncIterable<LoadBatch> | Iterable<LoadBatch>,
  finalSource: (() => Record<string, unknown>) | undefined,
  hooks: LoadHooks,
) {
  await audited(async (trx, audit) => {
    await createLeadSet(trx, {
      id,
      workspaceId: ctx.user.workspace_id,
      name: input.name,
      source: input.source,
      createdBy: ctx.user.id,
    });
    await audit({
      action: 'leadSet.create',
      entityType: 'lead_set',
      entityId: id,
      after: { name: input.name, source: input.source },
    });
  });
  let count = 0;
  let hasOutcomes = false;
  // One insert in flight while the next batch is read and coerced: on PostgreSQL the database
  // stores a batch while this process makes the next (on PGlite both run here, in turn).
  let inFlight: Promise<void> | undefined;
  try {
    let pending: Lead[] = [];
    const store = async (leads: readonly Lead[] | LeadDocuments) => {
      const first = count;
      count += leadCountOf(leads);
      await inFlight;
      // On the database handle, not the pinned writer: on PostgreSQL it copies the batch in on a
      // connection of the pool (see appendLeads).
      inFlight = appendLeads(ctx.db, id, first, leads);
      // Its failure is thrown where it is awaited: at the next store, or before the set is finished.
      inFlight.catch(() => undefined);
      await nextTick();
    };
    const flush = async () => {
      const leads = pending;
      pending = [];
      await store(leads);
    };
    for await (const batch of batches) {
      if ('json' in batch) {
        if (batch.hasOutcomes) hasOutcomes = true;
        if (pending.length) await flush();
        if (batch.json.length > INSERT_BATCH)
          throw new Error(`A batch of documents holds at most ${INSERT_BATCH} leads.`);
        if (batch.json.length) await store(batch);
      } else
        for (const lead of batch) {
          if (lead.outcome) hasOutcomes = true;
          pending.push(lead);
          if (pending.length >= INSERT_BATCH) await flush();
        }
      if (count + pending.length > MAX_LEADS_PER_SET)
        throw new TRPCError({
          code: 'PAYLOAD_TOO_LARGE',
          message: `A lead set holds at most ${MAX_LEADS_PER_SET.toLocaleString('en')} leads.`,
        });
      await hooks.afterBatch?.(writer, id);
    }
    if (pending.length) await flush();
    await inFlight;
    await hooks.afterBatch?.(writer, id);
    const source = finalSource ? finalSource() : input.source;
    const issues = hooks.issues?.();
    const set = await audited(async (trx, audit) => {
      const set = await finishLeadSet(trx, id, { leadCount: count, hasOutcomes, source, issues });
      await audit({
        action: 'leadSet.load',
        entityType: 'lead_set',
        entityId: set.id,
        after: { leads: count, hasOutcomes, ...(issues ? { issues: issues.count } : {}) },
      });
      return set;
    });
    // Simulations inside PostgreSQL read a typed copy, made once here (after the set is ready)
    // for a set that `auto` would run there.
    if (ctx.dbKind === 'postgres' && typeAtLoad(count, ctx.env?.ACCORD_SQL_SIMULATION_MIN_LEADS))
      runManagerFor(ctx.db).typeLeadSet({
        leadSetId: id,
        leadCount: count,
        catalogs: async () => [(await findWorkspaceCatalog(ctx.db, ctx.user.workspace_id)).catalog],
      });
    return set;
  } catch (error) {
    // No insert may land after the set is emptied.
    await inFlight?.catch(() => undefined);
    await failLeadSet(ctx.db, id, error instanceof Error ? error.message : String(error));
    throw new LeadSetLoadError(id, error);
  }
}

/** What a set emptied by `repairAbandonedLeadSets` says happened. */
export const ABANDONED_LOAD_MESSAGE =
  'The load stopped before it finished (the server stopped); its leads were removed.';

/**
 * Empties the sets left `loading` by a process that died mid-load (kill -9, power loss): marked
 * failed, leads removed, so no set is ever half written for long. On PostgreSQL a set another
 * live instance is still loading holds its advisory lock and is left alone; on PGlite only this
 * process loads, and a set it is loading now is left alone. Run by `repairAbandonedWork`
 * (services/repairs.ts) at start-up and every minute, never by a read.
 */
export async function repairAbandonedLeadSets(ctx: Pick<Context, 'db' | 'dbKind'>) {
  const mine = here(ctx.db);
  for (const id of await loadingLeadSetIds(ctx.db)) {
    if (mine.has(id)) continue;
    if (ctx.dbKind === 'postgres' && !(await isLeadSetLoadAbandoned(ctx.db, id))) continue;
    await failLeadSet(ctx.db, id, ABANDONED_LOAD_MESSAGE);
  }
}
