import { BAD_CELLS, importMappingSchema } from '@accord/engine';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { previewImport, textPieces } from '../imports/import-leads';
import { liveCatalog } from '../services/catalogs';
import { mutate } from '../services/audited';
import {
  copyLeadSet,
  generateLeadSet,
  importLeadSet,
  leadSetsOf,
  leadsOf,
  loadFailure,
  removeLeadSet,
  requireLeadSet,
} from '../services/lead-sets';
import { protectedProcedure, dateInput } from '../trpc';

/** Most leads `generate` makes in one set. */
export const MAX_GENERATED_LEADS = 1_000_000;
/** Largest text `previewImport` reads (the web app sends the start of a file). */
export const MAX_PREVIEW_CHARS = 2 * 1024 * 1024;

const leadSetId = z.object({ leadSetId: z.uuid() });
const name = z.string().trim().min(1, 'Give the lead set a name').max(120);
const delimiter = z.enum(['auto', ',', ';', '\t', '|']).default('auto');
/** What a cell that does not fit its field costs: the cell (the row is kept) or the whole row. */
const badCells = z.enum(BAD_CELLS).default('skip-cell');

export const leadSetsRouter = {
  /** Lead sets of the workspace, newest first. */
  list: protectedProcedure('leadSets.list').query(({ ctx }) => leadSetsOf(ctx)),

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
    .query(({ ctx, input }) => leadsOf(ctx, input)),

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
        /** `model`: outcomes from the generator's documented logistic model (to check tuning). */
        outcome: z.enum(['realistic', 'model']).default('realistic'),
      }),
    )
    .mutation(({ ctx, input }) => generateLeadSet(ctx, input)),

  /** A copy of a set under a new name (the leads are copied inside the database). */
  copy: protectedProcedure('leadSets.copy')
    .input(leadSetId.extend({ name }))
    .mutation(({ ctx, input }) => copyLeadSet(ctx, input)),

  /**
   * What importing a file would give, from its first part: columns with samples, a guessed type
   * and a profile, a mapping to catalog fields suggested by column name and values, the first
   * rows as leads (with the cells left out) or errors, problems per column and warnings. Writes
   * nothing; a mutation only because the sample is too big for a URL.
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
        badCells,
      }),
    )
    .mutation(async ({ ctx, input }) =>
      previewImport(input, await liveCatalog(ctx.db, ctx.user.workspace_id)).catch(loadFailure),
    ),

  /**
   * Imports CSV or JSON text (up to the request body limit; bigger files go to
   * `POST /api/lead-sets/import`) into a new set: a cell that does not fit its field is left out
   * of its lead (or, with `badCells: 'refuse-row'`, refuses its row); every problem is counted
   * per column and kept for `GET /api/lead-sets/:id/issues.csv`. Keeping no lead is refused.
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
        badCells,
      }),
    )
    .mutation(({ ctx, input }) =>
      importLeadSet(ctx, (run) => mutate(ctx, run), input, textPieces(input.text)),
    ),

  /** Deletes a set that no simulation run used (runs are evidence for publishing). */
  delete: protectedProcedure('leadSets.delete')
    .input(leadSetId)
    .mutation(({ ctx, input }) => removeLeadSet(ctx, input.leadSetId)),
} satisfies TRPCRouterRecord;
