import {
  browseLeads,
  copyLeads,
  countRunsOfLeadSet,
  createLeadSet,
  deleteLeadSet,
  findLeadSet,
  finishLeadSet,
  listLeadSets,
} from '@accord/db';
import {
  DEFAULT_SAMPLE_AS_OF,
  defaultCatalog,
  importMappingSchema,
  leadBatches,
} from '@accord/engine';
import type { TRPCRouterRecord } from '@trpc/server';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import {
  goodLeads,
  MappingError,
  openImport,
  previewImport,
  textPieces,
  type ImportTally,
} from '../imports/import-leads';
import { ImportRefused } from '../imports/import-refused';
import {
  LeadSetLoadError,
  loadLeadSet,
  repairAbandonedLeadSets,
  type Audited,
} from '../imports/load-lead-set';
import { protectedProcedure, type Context, type SessionUser, dateInput } from '../trpc';
import { mutate } from './procedures';

/** Most leads `generate` makes in one set. */
export const MAX_GENERATED_LEADS = 1_000_000;
/** Largest text `previewImport` reads (the web app sends the start of a file). */
export const MAX_PREVIEW_CHARS = 2 * 1024 * 1024;

const leadSetId = z.object({ leadSetId: z.uuid() });
const name = z.string().trim().min(1, 'Give the lead set a name').max(120);
const delimiter = z.enum(['auto', ',', ';', '\t', '|']).default('auto');

type Ctx = Context & { user: SessionUser };

export async function requireLeadSet(ctx: Ctx, id: string) {
  await repairAbandonedLeadSets(ctx);
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
 * Imports leads from a stream of text chunks (CSV or JSON) into a new lead set, keeping the good
 * rows and answering the refused ones with line, column and reason. Used by `leadSets.import`
 * and by the upload route for files too big for one request body.
 */
export async function importLeadSet(
  ctx: Ctx,
  audited: Audited,
  input: {
    name: string;
    format: 'csv' | 'json';
    delimiter: z.infer<typeof delimiter>;
    mapping: z.infer<typeof importMappingSchema>;
    fileName?: string;
  },
  chunks: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
) {
  try {
    const opened = await openImport(input, chunks, defaultCatalog);
    const tally: ImportTally = {
      rows: 0,
      imported: 0,
      rejected: 0,
      errors: [],
      errorsTruncated: false,
    };
    const source = {
      kind: 'import',
      format: input.format,
      fileName: input.fileName ?? null,
      columns: opened.columns,
      mapping: input.mapping,
    };
    // No set is made before the first good lead: a file that gives none is refused, not stored.
    const batches = goodLeads(opened.rows, tally);
    const first = await batches.next();
    if (first.done) throw new ImportRefused(nothingImported(input.format, tally));
    async function* all() {
      yield first.value!;
      yield* batches;
    }
    const leadSet = await loadLeadSet(ctx, audited, { name: input.name, source }, all(), () => ({
      ...source,
      rows: tally.rows,
      imported: tally.imported,
      rejected: tally.rejected,
      errors: tally.errors.slice(0, 100),
    }));
    return { leadSet, ...tally };
  } catch (error) {
    loadFailure(error);
  }
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

export const leadSetsRouter = {
  /** Lead sets of the workspace, newest first. */
  list: protectedProcedure('leadSets.list').query(async ({ ctx }) => {
    await repairAbandonedLeadSets(ctx);
    return listLeadSets(ctx.db, ctx.user.workspace_id);
  }),

  get: protectedProcedure('leadSets.get')
    .input(leadSetId)
    .query(({ ctx, input }) => requireLeadSet(ctx, input.leadSetId)),

  /** Browse a set: leads `offset` … `offset + limit - 1` by position. */
  leads: protectedProcedure('leadSets.leads')
    .input(
      leadSetId.extend({
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(50),
      }),
    )
    .query(async ({ ctx, input }) => {
      const set = await requireLeadSet(ctx, input.leadSetId);
      const rows = await browseLeads(ctx.db, set.id, input.offset, input.limit);
      return {
        total: set.lead_count,
        leads: rows.map((r) => ({ index: r.seq, leadId: r.lead_id, lead: r.data })),
      };
    }),

  /**
   * A set of sample leads from the engine's generator (same seed, same leads), streamed into
   * the database in batches.
   */
  generate: protectedProcedure('leadSets.generate')
    .input(
      z.object({
        name,
        count: z.number().int().min(1).max(MAX_GENERATED_LEADS),
        seed: z.union([z.number().int(), z.string().min(1).max(100)]).default(1),
        asOf: dateInput.optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const asOf = input.asOf?.getTime() ?? DEFAULT_SAMPLE_AS_OF;
      const source = {
        kind: 'generated',
        count: input.count,
        seed: input.seed,
        asOf: new Date(asOf).toISOString(),
      };
      try {
        return await loadLeadSet(
          ctx,
          (run) => mutate(ctx, run),
          { name: input.name, source },
          leadBatches({ count: input.count, seed: input.seed, asOf, batchSize: 2_000 }),
        );
      } catch (error) {
        loadFailure(error);
      }
    }),

  /** A copy of a set under a new name (the leads are copied inside the database). */
  copy: protectedProcedure('leadSets.copy')
    .input(leadSetId.extend({ name }))
    .mutation(async ({ ctx, input }) => {
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
    }),

  /**
   * What importing a file would give, from its first part: columns with samples and a guessed
   * type, a mapping to catalog fields suggested by column name, the first rows as leads or
   * errors. Writes nothing; a mutation only because the sample is too big for a URL.
   */
  previewImport: protectedProcedure('leadSets.previewImport')
    .input(
      z.object({
        format: z.enum(['csv', 'json']),
        text: z.string().max(MAX_PREVIEW_CHARS),
        /** The text is the start of a bigger file: its last, maybe cut, line is left out. */
        truncated: z.boolean().default(false),
        delimiter,
        mapping: importMappingSchema.optional(),
      }),
    )
    .mutation(({ input }) => previewImport(input, defaultCatalog).catch(loadFailure)),

  /**
   * Imports CSV or JSON text (up to the request body limit; bigger files go to
   * `POST /api/lead-sets/import`) into a new set: good rows kept, the others reported with line,
   * column and reason.
   */
  import: protectedProcedure('leadSets.import')
    .input(
      z.object({
        name,
        format: z.enum(['csv', 'json']),
        text: z.string(),
        delimiter,
        mapping: importMappingSchema,
        fileName: z.string().max(255).optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      importLeadSet(ctx, (run) => mutate(ctx, run), input, textPieces(input.text)),
    ),

  /** Deletes a set that no simulation run used (runs are evidence for publishing). */
  delete: protectedProcedure('leadSets.delete')
    .input(leadSetId)
    .mutation(async ({ ctx, input }) => {
      const set = await requireLeadSet(ctx, input.leadSetId);
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
    }),
} satisfies TRPCRouterRecord;
