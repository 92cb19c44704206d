import {
  MAX_DRAFT_ROWS,
  MAX_HOLDOUT_SHARE,
  MIN_HOLDOUT_SHARE,
  pointsSchema,
  scorecardRowSchema,
} from '@accord/engine';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { dateInput, protectedProcedure } from '../trpc';
import {
  applyPoints,
  applyScorecard,
  applyThreshold,
  draftedScorecard,
  fieldSignals,
  pointSuggestions,
  ruleEvidence,
  ruleThresholds,
} from '../services/tuning';

/** The lead set and its seeded split into a fit part and a holdout part. */
const split = z.object({
  leadSetId: z.uuid(),
  seed: z.union([z.number().int(), z.string().min(1).max(100)]).default(1),
  holdoutShare: z.number().min(MIN_HOLDOUT_SHARE).max(MAX_HOLDOUT_SHARE).default(0.3),
  asOf: dateInput.optional(),
});
/** Which document the rules come from. */
const side = z.union([z.literal('draft'), z.object({ versionId: z.uuid() })]).default('draft');
const onWorkflow = split.extend({ workflowId: z.uuid(), side });
const step = z.number().positive().max(1_000).default(5);
const edit = z.object({ workflowId: z.uuid(), baseRevision: z.number().int().positive() });
const site = z.object({
  nodeId: z.string().min(1).max(200),
  rowId: z.string().min(1).max(200).nullable(),
  path: z.array(z.number().int().min(0).max(1_000)).max(50),
});

export const tuningRouter = {
  /** Evidence per rule (condition, case, scorecard row, criterion, table row), fit and holdout. */
  evidence: protectedProcedure('tuning.evidence')
    .input(onWorkflow)
    .query(({ ctx, input }) => ruleEvidence(ctx, input)),

  /** Signals per field of the live catalog, ranked by information value (fit). */
  signals: protectedProcedure('tuning.signals')
    .input(split)
    .query(({ ctx, input }) => fieldSignals(ctx, input)),

  /** Precision, recall and lift against the share flagged, and ROC AUC, per score. */
  thresholds: protectedProcedure('tuning.thresholds')
    .input(onWorkflow)
    .query(({ ctx, input }) => ruleThresholds(ctx, input)),

  /** Points per scorecard row from the log-odds of conversion (fit), shrunk and rounded. */
  suggestPoints: protectedProcedure('tuning.suggestPoints')
    .input(onWorkflow.extend({ step, shrinkage: z.number().min(0).max(1_000_000).default(100) }))
    .query(({ ctx, input }) => pointSuggestions(ctx, input)),

  /** A scorecard of at most `maxRows` rows drafted from the signals, with its threshold. */
  draftScorecard: protectedProcedure('tuning.draftScorecard')
    .input(
      split.extend({
        workflowId: z.uuid(),
        nodeId: z.string().min(1).max(200).optional(),
        maxRows: z.number().int().min(1).max(MAX_DRAFT_ROWS).default(12),
        flagShare: z.number().gt(0).lt(1).default(0.3),
        step,
        includeLeaky: z.boolean().default(false),
      }),
    )
    .query(({ ctx, input }) => draftedScorecard(ctx, input)),

  /** Sets scorecard rows' points in the draft (an audited draft save). */
  applyPoints: protectedProcedure('tuning.applyPoints')
    .input(
      edit.extend({
        nodeId: z.string().min(1).max(200),
        rows: z
          .array(z.object({ rowId: z.string().min(1).max(200), points: pointsSchema }))
          .min(1)
          .max(500),
      }),
    )
    .mutation(({ ctx, input }) => applyPoints(ctx, input)),

  /** Sets a score threshold (`score ≥ value`) in the draft (an audited draft save). */
  applyThreshold: protectedProcedure('tuning.applyThreshold')
    .input(edit.extend({ site, value: pointsSchema }))
    .mutation(({ ctx, input }) => applyThreshold(ctx, input)),

  /** Replaces a scorecard's rows with drafted ones, and maybe a threshold (one draft save). */
  applyScorecard: protectedProcedure('tuning.applyScorecard')
    .input(
      edit.extend({
        nodeId: z.string().min(1).max(200),
        rows: z.array(scorecardRowSchema).max(500),
        threshold: z.object({ site, value: pointsSchema }).optional(),
      }),
    )
    .mutation(({ ctx, input }) => applyScorecard(ctx, input)),
} satisfies TRPCRouterRecord;
