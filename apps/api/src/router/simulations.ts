import {
  cancelRun,
  changedLeadsPage,
  countUnfinishedRuns,
  findLead,
  findRun,
  findVersion,
  insertRun,
  listRuns,
  storeCatalogSnapshot,
} from '@accord/db';
import { asOfOrNow, checkLeadValues, leadSchema, type Lead } from '@accord/engine';
import type { TRPCRouterRecord } from '@trpc/server';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { runManagerFor, type StoredResult } from '../simulation/run-manager';
import { choosePath, hasTypedCopy, SIMULATION_PATHS } from '../simulation/sql-path';
import {
  baselineSchema,
  candidateSchema,
  explainOnBothSides,
  resolveSides,
  storedWorkflow,
} from '../simulation/sides';
import { protectedProcedure, type Context, type SessionUser, dateInput } from '../trpc';
import { requireLeadSet } from '../services/lead-sets';
import { mutate } from '../services/audited';
import { pinnedCatalog } from '../services/catalogs';
import { requireWorkflow } from '../services/workflows';

type Ctx = Context & { user: SessionUser };

/**
 * Most runs one person may have queued or running at once. Runs start in turn, so without a cap
 * one person (or a script with their session) could queue hours of runs ahead of everyone else.
 */
export const MAX_UNFINISHED_RUNS_PER_PERSON = 5;

/** When a lead of `set` is evaluated as of if no day is given: a generated set's end, else now. */
function defaultAsOf(set: { source: unknown }): Date {
  const generatedAsOf = (set.source as { asOf?: unknown } | null)?.asOf;
  return typeof generatedAsOf === 'string' ? new Date(generatedAsOf) : new Date();
}

/**
 * The n-th lead of a lead set (NOT_FOUND naming how many it has), and the day to evaluate it as
 * of: the one given, else the set's own.
 */
async function leadOfSet(
  ctx: Ctx,
  from: { leadSetId: string; leadNumber: number },
  asOf: Date | undefined,
) {
  const set = await requireLeadSet(ctx, from.leadSetId);
  const row = await findLead(ctx.db, set.id, { seq: from.leadNumber - 1 });
  if (!row)
    throw new TRPCError({
      code: 'NOT_FOUND',
      message: `${set.name} has no lead ${from.leadNumber}; it has ${set.lead_count.toLocaleString('en-US')}.`,
    });
  return { lead: row.data as Lead, asOf: asOf ?? defaultAsOf(set) };
}

const runId = z.object({ runId: z.uuid() });

/** The run of the caller's workspace, or NOT_FOUND. A read: stale runs are failed by the repair job. */
async function requireRun(ctx: Ctx, id: string) {
  const run = await findRun(ctx.db, ctx.user.workspace_id, id);
  if (!run) throw new TRPCError({ code: 'NOT_FOUND', message: `No simulation run ${id}.` });
  return run;
}

function summary(run: Omit<Awaited<ReturnType<typeof listRuns>>[number], 'changedTotal'>) {
  return {
    id: run.id,
    workflowId: run.workflow_id,
    status: run.status,
    progress: run.progress,
    error: run.error,
    leadCount: run.lead_count,
    asOf: run.as_of,
    createdAt: run.created_at,
    startedAt: run.started_at,
    finishedAt: run.finished_at,
    createdBy: { id: run.created_by, name: run.createdByName },
    leadSet: { id: run.lead_set_id, name: run.leadSetName },
    baseline: { versionId: run.baseline_version_id, number: run.baselineNumber },
    candidate: {
      versionId: run.candidate_version_id,
      number: run.candidateNumber,
      draftRevision: run.candidate_draft_revision,
    },
  };
}

/** The two documents a run compared, keyed for the compile cache (per version, per run for a draft). */
async function runSides(ctx: Ctx, run: Awaited<ReturnType<typeof requireRun>>) {
  const baselineVersion = run.baseline_version_id
    ? await findVersion(ctx.db, ctx.user.workspace_id, run.baseline_version_id)
    : undefined;
  const candidateVersion = run.candidate_version_id
    ? await findVersion(ctx.db, ctx.user.workspace_id, run.candidate_version_id)
    : undefined;
  if (!baselineVersion)
    throw new TRPCError({ code: 'NOT_FOUND', message: 'The run has no baseline version.' });
  const baselineLabel = `Version ${baselineVersion.number}`;
  const baseline = {
    label: baselineLabel,
    document: storedWorkflow(baselineVersion.document, baselineLabel),
    catalog: await pinnedCatalog(ctx.db, baselineVersion.catalog_hash),
    cacheKey: `version:${baselineVersion.id}`,
  };
  const candidateLabel = candidateVersion
    ? `Version ${candidateVersion.number}`
    : `Draft (revision ${run.candidate_draft_revision})`;
  const candidateCatalog = candidateVersion?.catalog_hash ?? run.candidate_catalog_hash;
  if (!candidateCatalog)
    throw new TRPCError({ code: 'NOT_FOUND', message: 'The run has no candidate catalog.' });
  const candidate = {
    label: candidateLabel,
    document: storedWorkflow(candidateVersion?.document ?? run.candidate_document, candidateLabel),
    catalog: await pinnedCatalog(ctx.db, candidateCatalog),
    cacheKey: candidateVersion ? `version:${candidateVersion.id}` : `run:${run.id}:candidate`,
  };
  return { baseline, candidate };
}

export const simulationsRouter = {
  /**
   * Starts a run of `candidate` (a version or the current draft) against `baseline` (the
   * published version or any version) over a ready lead set, as of `asOf` (default: the date a
   * generated set's histories end on, else now). Answers at once with the run id; the run goes
   * on in a worker thread (poll `simulations.get`).
   */
  start: protectedProcedure('simulations.start')
    .input(
      z.object({
        workflowId: z.uuid(),
        baseline: baselineSchema,
        candidate: candidateSchema,
        leadSetId: z.uuid(),
        asOf: dateInput.optional(),
        /** Inside PostgreSQL (`sql`), on worker threads, or chosen by size (`auto`). */
        path: z.enum(SIMULATION_PATHS).default('auto'),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      if ((await countUnfinishedRuns(ctx.db, ctx.user.id)) >= MAX_UNFINISHED_RUNS_PER_PERSON)
        throw new TRPCError({
          code: 'TOO_MANY_REQUESTS',
          message: `You have ${MAX_UNFINISHED_RUNS_PER_PERSON} simulations queued or running, as many as one person may; wait for one to finish or cancel one.`,
        });
      const { workflow, baseline, candidate } = await resolveSides(ctx, input);
      const set = await requireLeadSet(ctx, input.leadSetId);
      const chosen = choosePath(
        input.path,
        ctx.dbKind,
        set.lead_count,
        ctx.env.ACCORD_SQL_SIMULATION_MIN_LEADS,
        input.path === 'auto' &&
          ctx.dbKind === 'postgres' &&
          (await hasTypedCopy(ctx.db, set.id, set.lead_count, [
            baseline.catalog,
            candidate.catalog,
          ])),
      );
      if ('refused' in chosen)
        throw new TRPCError({ code: 'PRECONDITION_FAILED', message: chosen.refused });
      if (set.status !== 'ready' || set.lead_count === 0)
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message:
            set.status !== 'ready'
              ? `${set.name} is ${set.status}; only a ready lead set can be simulated.`
              : `${set.name} has no leads.`,
        });
      const asOf = input.asOf ?? defaultAsOf(set);
      const run = await mutate(ctx, async (trx, audit) => {
        const created = await insertRun(trx, {
          workflowId: workflow.id,
          baselineVersionId: baseline.versionId!,
          candidateVersionId: candidate.versionId,
          candidateDraftRevision: candidate.draftRevision,
          // What the publish gate compares: a run of a draft whose content is exactly a version
          // counts for that version.
          candidateHash: candidate.contentHash(),
          candidateDocument: candidate.versionId ? null : candidate.document,
          candidateCatalogHash: candidate.versionId
            ? null
            : await storeCatalogSnapshot(trx, candidate.catalog),
          leadSetId: set.id,
          leadCount: set.lead_count,
          asOf,
          createdBy: ctx.user.id,
        });
        await audit({
          action: 'simulation.start',
          entityType: 'simulation_run',
          entityId: created.id,
          workflowId: workflow.id,
          after: {
            baseline: baseline.label,
            candidate: candidate.label,
            leadSet: { id: set.id, name: set.name, leads: set.lead_count },
            asOf: asOf.toISOString(),
            path: chosen.path,
          },
        });
        return created;
      });
      runManagerFor(ctx.db).enqueue({
        runId: run.id,
        leadSetId: set.id,
        leadCount: set.lead_count,
        asOf,
        baseline: baseline.document,
        candidate: candidate.document,
        baselineCatalog: baseline.catalog,
        candidateCatalog: candidate.catalog,
        path: chosen.path,
        fallbackToWorkers: input.path === 'auto',
      });
      return { runId: run.id, status: run.status, path: chosen.path };
    }),

  /** A run: status, progress (0..1) and, when done, the result (funnel, matrix, histograms, coverage, outcomes). */
  get: protectedProcedure('simulations.get')
    .input(runId)
    .query(async ({ ctx, input }) => {
      const run = await requireRun(ctx, input.runId);
      return {
        ...summary(run),
        result: (run.result ?? null) as StoredResult | null,
      };
    }),

  /** Runs of a workflow, newest first, without their results. */
  list: protectedProcedure('simulations.list')
    .input(z.object({ workflowId: z.uuid() }))
    .query(async ({ ctx, input }) => {
      await requireWorkflow(ctx, input.workflowId);
      const runs = await listRuns(ctx.db, input.workflowId);
      return runs.map((run) => ({ ...summary(run), changedTotal: run.changedTotal }));
    }),

  /** Cancels a queued or running run; it keeps no result. */
  cancel: protectedProcedure('simulations.cancel')
    .input(runId)
    .mutation(async ({ ctx, input }) => {
      const run = await requireRun(ctx, input.runId);
      const cancelled = await mutate(ctx, async (trx, audit) => {
        if (!(await cancelRun(trx, run.id))) return false;
        await audit({
          action: 'simulation.cancel',
          entityType: 'simulation_run',
          entityId: run.id,
          workflowId: run.workflow_id,
          before: { status: run.status, progress: run.progress },
          after: { status: 'cancelled' },
        });
        return true;
      });
      if (!cancelled) {
        const now = await requireRun(ctx, run.id);
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: `The run is already ${now.status}.`,
        });
      }
      runManagerFor(ctx.db).abort(run.id);
      return { runId: run.id, status: 'cancelled' as const };
    }),

  /**
   * The leads whose stage changed, in lead-set order, paged; `from`/`to` pick one cell of the
   * transition matrix.
   */
  changedLeads: protectedProcedure('simulations.changedLeads')
    .input(
      runId.extend({
        from: z.string().min(1).optional(),
        to: z.string().min(1).optional(),
        offset: z.number().int().min(0).default(0),
        limit: z.number().int().min(1).max(500).default(50),
      }),
    )
    .query(async ({ ctx, input }) => {
      const run = await requireRun(ctx, input.runId);
      if (run.status !== 'done')
        throw new TRPCError({
          code: 'PRECONDITION_FAILED',
          message: `The run is ${run.status}; changed leads exist once it is done.`,
        });
      const page = await changedLeadsPage(ctx.db, run.id, input);
      const result = run.result as StoredResult;
      return {
        total: page.total,
        /** More changed leads than were stored (the rest are only counted). */
        truncated: result.changed.truncated,
        leads: page.rows.map((r) => ({
          index: r.idx,
          leadId: r.lead_id,
          from: r.from_stage,
          to: r.to_stage,
          baselineScores: r.baseline_scores,
          candidateScores: r.candidate_scores,
        })),
      };
    }),

  /**
   * Why one lead of a run's set got its stage on each side: the document, path (with node
   * labels), scores, reasons and checklist, evaluated again on demand as of the run's date.
   */
  explainLead: protectedProcedure('simulations.explainLead')
    .input(
      runId
        .extend({
          leadIndex: z.number().int().min(0).optional(),
          leadId: z.string().min(1).optional(),
        })
        .refine((v) => (v.leadIndex === undefined) !== (v.leadId === undefined), {
          message: 'Give either leadIndex or leadId.',
          path: ['leadIndex'],
        }),
    )
    .query(async ({ ctx, input }) => {
      const run = await requireRun(ctx, input.runId);
      const row = await findLead(
        ctx.db,
        run.lead_set_id,
        input.leadIndex !== undefined ? { seq: input.leadIndex } : { leadId: input.leadId! },
      );
      if (!row)
        throw new TRPCError({
          code: 'NOT_FOUND',
          message: `The lead set has no lead ${input.leadIndex ?? input.leadId}.`,
        });
      const sides = await runSides(ctx, run);
      const lead = row.data as Lead;
      // For a draft candidate, the run's own copy of the draft: what was evaluated.
      return {
        leadIndex: row.seq,
        lead,
        asOf: run.as_of,
        ...explainOnBothSides(sides, lead, run.as_of),
      };
    }),

  /**
   * One lead through both sides: path, scores and reasons of each, and the documents they ran
   * (to draw both paths). The lead is pasted (`lead`) or the n-th of a lead set (`fromSet`, as
   * of the set's own day unless `asOf` is given, as a run would). Changes nothing; a mutation
   * only because a lead is too big for a URL.
   */
  tryLead: protectedProcedure('simulations.tryLead')
    .input(
      z
        .object({
          workflowId: z.uuid(),
          baseline: baselineSchema,
          candidate: candidateSchema,
          lead: leadSchema.optional(),
          fromSet: z
            .object({
              leadSetId: z.uuid(),
              leadNumber: z.number().int().min(1).max(2_147_483_647),
            })
            .optional(),
          asOf: dateInput.optional(),
        })
        .refine((i) => (i.lead === undefined) !== (i.fromSet === undefined), {
          message: 'Give a lead or a lead set and lead number, not both',
          path: ['lead'],
        }),
    )
    .mutation(async ({ ctx, input }) => {
      const sides = await resolveSides(ctx, input);
      // A pasted lead's values are checked against the candidate's catalog as the REST API
      // checks them, and it is evaluated as of the same default (now), so it answers here as it
      // does there.
      const check = input.lead ? checkLeadValues(input.lead, sides.candidate.catalog) : undefined;
      const wrong = check?.errors[0];
      if (wrong)
        throw new TRPCError({
          code: 'BAD_REQUEST',
          message: `lead.${wrong.path}: ${wrong.message}`,
        });
      const { lead, asOf } = input.fromSet
        ? await leadOfSet(ctx, input.fromSet, input.asOf)
        : { lead: input.lead!, asOf: new Date(asOfOrNow(input.asOf)) };
      return {
        lead,
        asOf,
        warnings: check?.warnings ?? [],
        ...explainOnBothSides(sides, lead, asOf),
      };
    }),
} satisfies TRPCRouterRecord;
