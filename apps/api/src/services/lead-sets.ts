import {
  appendLeadSetIssues,
  browseLeads,
  copyLeads,
  countRunsOfLeadSet,
  createLeadSet,
  deleteLeadSet,
  findLeadSet,
  finishLeadSet,
  leadCountOf,
  listLeadSets,
  typedLeadSetIds,
} from '@accord/db';
import {
  DEFAULT_SAMPLE_AS_OF,
  leadBatches,
  type BadCells,
  type importMappingSchema,
} from '@accord/engine';
import { liveCatalog } from './catalogs';
import { TRPCError } from '@trpc/server';
import type { z } from 'zod';
import {
  emptyTally,
  goodLeadDocuments,
  goodLeads,
  MappingError,
  openImport,
  type ImportTally,
} from '../imports/import-leads';
import { openImportInThread } from '../imports/import-thread';
import { activityOf } from '../observability/activity';
import { issuesCsvPath, IssueLog } from '../imports/import-issues';
import { ImportRefused } from '../imports/import-refused';
import {
  LeadSetLoadError,
  loadLeadSet,
  withLoadSlot,
  type Audited,
} from '../imports/load-lead-set';
import type { Context, SessionUser } from '../trpc';
import { mutate } from './audited';

/** A delimiter of CSV text, or `auto` to guess it from the header. */
export type Delimiter = 'auto' | ',' | ';' | '\t' | '|';

type Ctx = Context & { user: SessionUser };

/** The lead set of the caller's workspace, or NOT_FOUND. A read: it repairs nothing. */
export async function requireLeadSet(ctx: Ctx, id: string) {
  const set = await findLeadSet(ctx.db, ctx.user.workspace_id, id);
  if (!set) throw new TRPCError({ code: 'NOT_FOUND', message: `No lead set ${id}.` });
  return set;
}

/** Turns loading and mapping failures into tRPC errors that say what happened. */
export function loadFailure(error: unknown): never {
  if (error instanceof MappingError || error instanceof ImportRefused)
    throw new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
  if (error instanceof LeadSetLoadError) {
    if (error.reason instanceof TRPCError) throw error.reason;
    if (error.reason instanceof ImportRefused)
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: error.reason.message,
        cause: error.reason,
      });
    throw new TRPCError({
      code: 'INTERNAL_SERVER_ERROR',
      message: `Loading the lead set failed and it was emptied: ${error.message}`,
      cause: error,
    });
  }
  throw error;
}

/**
 * Imports leads from a stream of text chunks (CSV or JSON) into a new lead set. By default a cell
 * that does not fit its field is left out of its lead (`badCells: 'refuse-row'` refuses the row
 * instead); every problem is kept with the set (see `issuesCsvPath`) and summed up per column in
 * the answer. An import that keeps no lead is refused and stores nothing. Used by
 * `leadSets.import` and by the upload route for files too big for one request body; with
 * `inThread` the file is parsed and mapped on a worker thread of its own while this one stores
 * the leads (the upload route: worth the thread's start-up for a large file). At most
 * `ACCORD_MAX_CONCURRENT_LOADS` loads run at once (`withLoadSlot`); one more is refused unread.
 */
export async function importLeadSet(
  ctx: Ctx,
  audited: Audited,
  input: {
    name: string;
    format: 'csv' | 'json';
    delimiter: Delimiter;
    mapping: z.infer<typeof importMappingSchema>;
    fileName?: string;
    badCells?: BadCells;
  },
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
  options: { inThread?: boolean } = {},
) {
  try {
    return await withLoadSlot(ctx, () => importInSlot(ctx, audited, input, chunks, options));
  } catch (error) {
    loadFailure(error);
  }
}

/** `importLeadSet` once it holds a load slot. */
async function importInSlot(
  ctx: Ctx,
  audited: Audited,
  input: Parameters<typeof importLeadSet>[2],
  chunks: Parameters<typeof importLeadSet>[3],
  options: { inThread?: boolean },
) {
  const catalog = await liveCatalog(ctx.db, ctx.user.workspace_id);
  const read = {
    format: input.format,
    delimiter: input.delimiter,
    mapping: input.mapping,
    badCells: input.badCells,
  };
  const opened = options.inThread
    ? await openImportInThread(read, chunks, catalog)
    : await openImport(read, chunks, catalog);
  const tally = emptyTally();
  const badCells = input.badCells ?? 'skip-cell';
  const source = {
    kind: 'import',
    format: input.format,
    fileName: input.fileName ?? null,
    columns: opened.columns,
    mapping: input.mapping,
    badCells,
  };
  const issues = new IssueLog();
  // No set is made before the first good lead: a file that gives none is refused, not stored.
  const batches =
    'batches' in opened
      ? goodLeadDocuments(opened.batches, tally, issues)
      : goodLeads(opened.rows, tally, issues);
  let first = await batches.next();
  while (!first.done && leadCountOf(first.value) === 0) first = await batches.next();
  if (first.done) throw new ImportRefused(nothingImported(input.format, tally));
  const firstBatch = first.value;
  async function* all() {
    yield firstBatch;
    yield* batches;
  }
  // However the load ends, the rest of the file is let go (and an import thread ended).
  const leadSet = await loadLeadSet(
    ctx,
    audited,
    { name: input.name, source },
    all(),
    () => ({
      ...source,
      rows: tally.rows,
      imported: tally.imported,
      rejected: tally.rejected,
      errors: tally.errors.slice(0, 100),
    }),
    {
      afterBatch: (writer, leadSetId) =>
        issues.flush((seq, batch) => appendLeadSetIssues(writer, leadSetId, seq, batch)),
      issues: () => ({ count: issues.count, stored: issues.stored }),
    },
  ).finally(() => batches.return(undefined));
  activityOf(ctx.db).emit({
    kind: 'importedRows',
    imported: tally.imported,
    rejected: tally.rejected,
  });
  return {
    leadSet,
    ...tally,
    keptWithIssues: issues.rowsKeptWithIssues,
    issues: { ...issues.summary(), downloadPath: issuesCsvPath(leadSet.id) },
  };
}

/** Why an import that kept no lead was refused, with its first problem. */
function nothingImported(format: 'csv' | 'json', tally: ImportTally): string {
  if (tally.rows === 0)
    return format === 'csv'
      ? 'The file has no rows under its header; no lead set was made.'
      : 'The file holds no leads; no lead set was made.';
  const first = tally.errors[0];
  const problem = first
    ? ` Line ${first.line}${first.column ? `, column "${first.column}"` : ''}: ${first.message}`
    : '';
  return `None of the ${tally.rows.toLocaleString('en')} row${tally.rows === 1 ? '' : 's'} gave a lead; no lead set was made.${problem}`;
}

/** Lead sets of the workspace, newest first. */
/**
 * The workspace's sets, newest first, each saying whether it has a typed copy for simulations
 * inside PostgreSQL (`typedForDatabase`; always false on PGlite, which has none).
 */
export async function leadSetsOf(ctx: Ctx) {
  const sets = await listLeadSets(ctx.db, ctx.user.workspace_id);
  const typed = ctx.dbKind === 'postgres' ? await typedLeadSetIds(ctx.db) : new Set<string>();
  return sets.map((set) => ({ ...set, typedForDatabase: typed.has(set.id) }));
}

/** Leads `offset` … `offset + limit - 1` of a set, by position. */
export async function leadsOf(
  ctx: Ctx,
  input: { leadSetId: string; offset: number; limit: number },
) {
  const set = await requireLeadSet(ctx, input.leadSetId);
  const rows = await browseLeads(ctx.db, set.id, input.offset, input.limit);
  return {
    total: set.lead_count,
    leads: rows.map((r) => ({ index: r.seq, leadId: r.lead_id, lead: r.data })),
  };
}

/** A set of sample leads from the engine's generator, streamed into the database in batches. */
export async function generateLeadSet(
  ctx: Ctx,
  input: {
    name: string;
    count: number;
    seed: number | string;
    asOf?: Date;
    /** `model`: outcomes drawn from the generator's documented logistic model (for tuning). */
    outcome?: 'realistic' | 'model';
  },
) {
  const asOf = input.asOf?.getTime() ?? DEFAULT_SAMPLE_AS_OF;
  const outcome = input.outcome ?? 'realistic';
  const source = {
    kind: 'generated',
    count: input.count,
    seed: input.seed,
    asOf: new Date(asOf).toISOString(),
    ...(outcome === 'model' ? { outcome } : {}),
  };
  try {
    return await withLoadSlot(ctx, () =>
      loadLeadSet(
        ctx,
        (run) => mutate(ctx, run),
        { name: input.name, source },
        leadBatches({ count: input.count, seed: input.seed, asOf, batchSize: 2_000, outcome }),
      ),
    );
  } catch (error) {
    loadFailure(error);
  }
}

/** A copy of a ready set under a new name (the leads are copied inside the database). */
export async function copyLeadSet(ctx: Ctx, input: { leadSetId: string; name: string }) {
  const from = await requireLeadSet(ctx, input.leadSetId);
  if (from.status !== 'ready')
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: `${from.name} is ${from.status}; only a ready set can be copied.`,
    });
  return mutate(ctx, async (trx, audit) => {
    const set = await createLeadSet(trx, {
      workspaceId: ctx.user.workspace_id,
      name: input.name,
      source: { kind: 'copy', from: { id: from.id, name: from.name }, origin: from.source },
      createdBy: ctx.user.id,
    });
    const count = await copyLeads(trx, from.id, set.id);
    const done = await finishLeadSet(trx, set.id, {
      leadCount: count,
      hasOutcomes: from.has_outcomes,
    });
    await audit({
      action: 'leadSet.copy',
      entityType: 'lead_set',
      entityId: set.id,
      after: { name: input.name, from: from.id, leads: count },
    });
    return done;
  });
}

/** Deletes a set that no simulation run used (runs are evidence for publishing). */
export async function removeLeadSet(ctx: Ctx, leadSetId: string) {
  const set = await requireLeadSet(ctx, leadSetId);
  if (set.status === 'loading')
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: `${set.name} is still loading.`,
    });
  const runs = await countRunsOfLeadSet(ctx.db, set.id);
  if (runs > 0)
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: `${set.name} was used by ${runs} simulation run${runs === 1 ? '' : 's'}; it is kept as their evidence.`,
    });
  return mutate(ctx, async (trx, audit) => {
    await deleteLeadSet(trx, set.id);
    await audit({
      action: 'leadSet.delete',
      entityType: 'lead_set',
      entityId: set.id,
      before: { name: set.name, leads: set.lead_count },
    });
    return { id: set.id, deleted: true };
  });
}
