import type { Executor } from '../executor';
import { sql, type Transaction } from 'kysely';
import type { DB } from '../database';

/**
 * Simulation runs: queued → running → done | failed | cancelled. Only `completeRun` writes a
 * result, together with the changed leads and status `done`, in the caller's transaction, so a
 * failed or cancelled run never has a partial result.
 */

export interface ChangedLeadInput {
  index: number;
  leadId: string;
  from: string;
  to: string;
  baselineScores: Record<string, number>;
  candidateScores: Record<string, number>;
}

const runColumns = [
  'simulation_runs.id',
  'simulation_runs.workflow_id',
  'simulation_runs.baseline_version_id',
  'simulation_runs.candidate_version_id',
  'simulation_runs.candidate_draft_revision',
  'simulation_runs.candidate_hash',
  'simulation_runs.lead_set_id',
  'simulation_runs.as_of',
  'simulation_runs.status',
  'simulation_runs.progress',
  'simulation_runs.error',
  'simulation_runs.lead_count',
  'simulation_runs.created_by',
  'simulation_runs.created_at',
  'simulation_runs.started_at',
  'simulation_runs.finished_at',
  'simulation_runs.heartbeat_at',
] as const;

/** A new run, `queued`. */
export async function insertRun(
  trx: Executor,
  input: {
    workflowId: string;
    baselineVersionId: string;
    candidateVersionId: string | null;
    candidateDraftRevision: number | null;
    /** `hashWorkflow` of the candidate's document (what the publish gate compares). */
    candidateHash: string;
    candidateDocument: unknown;
    /** The catalog snapshot a draft candidate is compiled with (null for a version). */
    candidateCatalogHash: string | null;
    leadSetId: string;
    leadCount: number;
    asOf: Date;
    createdBy: string;
  },
) {
  return trx
    .insertInto('simulation_runs')
    .values({
      workflow_id: input.workflowId,
      baseline_version_id: input.baselineVersionId,
      candidate_version_id: input.candidateVersionId,
      candidate_draft_revision: input.candidateDraftRevision,
      candidate_hash: input.candidateHash,
      candidate_document:
        input.candidateDocument === null ? null : JSON.stringify(input.candidateDocument),
      candidate_catalog_hash: input.candidateCatalogHash,
      lead_set_id: input.leadSetId,
      lead_count: input.leadCount,
      as_of: input.asOf,
      status: 'queued',
      result: null,
      error: null,
      created_by: input.createdBy,
      finished_at: null,
      started_at: null,
    })
    .returning(['id', 'status', 'created_at'])
    .executeTakeFirstOrThrow();
}

/** Moves a queued run to running; false when it is no longer queued (cancelled meanwhile). */
export async function claimRun(db: Executor, runId: string): Promise<boolean> {
  const row = await db
    .updateTable('simulation_runs')
    .set({ status: 'running', started_at: new Date(), heartbeat_at: new Date() })
    .where('id', '=', runId)
    .where('status', '=', 'queued')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Records progress (0..1); false when the run is no longer running (cancelled elsewhere). */
export async function setRunProgress(db: Executor, runId: string, progress: number) {
  const row = await db
    .updateTable('simulation_runs')
    .set({ progress, heartbeat_at: new Date() })
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** Tells other processes these runs are alive. */
export async function heartbeatRuns(db: Executor, runIds: readonly string[]) {
  if (runIds.length === 0) return;
  await db
    .updateTable('simulation_runs')
    .set({ heartbeat_at: new Date() })
    .where('id', 'in', runIds)
    .where('status', 'in', ['queued', 'running'])
    .execute();
}

/**
 * Stores the result and the changed leads and marks the run done, if it is still running.
 * Call it in a transaction: when it returns false (cancelled meanwhile) nothing was written.
 */
export async function completeRun(
  trx: Transaction<DB>,
  runId: string,
  input: { result: unknown; changed: readonly ChangedLeadInput[] },
): Promise<boolean> {
  const row = await trx
    .updateTable('simulation_runs')
    .set({
      status: 'done',
      progress: 1,
      result: JSON.stringify(input.result),
      finished_at: new Date(),
      heartbeat_at: new Date(),
    })
    .where('id', '=', runId)
    .where('status', '=', 'running')
    .returning('id')
    .executeTakeFirst();
  if (!row) return false;
  for (let start = 0; start < input.changed.length; start += 10_000) {
    const chunk = input.changed.slice(start, start + 10_000);
    await sql`insert into simulation_changed_leads
        (run_id, idx, lead_id, from_stage, to_stage, baseline_scores, candidate_scores)
      select ${runId}::uuid, (e->>'index')::int, e->>'leadId', e->>'from', e->>'to',
             (e->'baselineScores')::jsonb, (e->'candidateScores')::jsonb
      from json_array_elements(${JSON.stringify(chunk)}::json) e`.execute(trx);
  }
  return true;
}

/** Ends a queued or running run as failed, with no result. */
export async function failRun(db: Executor, runId: string, error: string) {
  await db
    .updateTable('simulation_runs')
    .set({ status: 'failed', error, result: null, finished_at: new Date() })
    .where('id', '=', runId)
    .where('status', 'in', ['queued', 'running'])
    .execute();
}

/** Cancels a queued or running run; false when it had already ended. */
export async function cancelRun(db: Executor, runId: string): Promise<boolean> {
  const row = await db
    .updateTable('simulation_runs')
    .set({ status: 'cancelled', result: null, finished_at: new Date() })
    .where('id', '=', runId)
    .where('status', 'in', ['queued', 'running'])
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/** How many runs a person started that are still queued or running. */
export async function countUnfinishedRuns(db: Executor, userId: string): Promise<number> {
  const row = await db
    .selectFrom('simulation_runs')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('created_by', '=', userId)
    .where('status', 'in', ['queued', 'running'])
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Marks runs whose process stopped sending heartbeats before `before` as failed. */
export async function failStaleRuns(db: Executor, before: Date) {
  const rows = await db
    .updateTable('simulation_runs')
    .set({
      status: 'failed',
      error: 'The run was interrupted (the server stopped while it ran).',
      result: null,
      finished_at: new Date(),
    })
    .where('status', 'in', ['queued', 'running'])
    .where('heartbeat_at', '<', before)
    .returning('id')
    .execute();
  return rows.length;
}

const runWithNames = (db: Executor) =>
  db
    .selectFrom('simulation_runs')
    .innerJoin('workflows', 'workflows.id', 'simulation_runs.workflow_id')
    .innerJoin('lead_sets', 'lead_sets.id', 'simulation_runs.lead_set_id')
    .innerJoin('users', 'users.id', 'simulation_runs.created_by')
    .leftJoin('versions as baseline', 'baseline.id', 'simulation_runs.baseline_version_id')
    .leftJoin('versions as candidate', 'candidate.id', 'simulation_runs.candidate_version_id')
    .select([
      ...runColumns,
      'lead_sets.name as leadSetName',
      'users.name as createdByName',
      'baseline.number as baselineNumber',
      'candidate.number as candidateNumber',
    ]);

/** One run of a workspace with its result, or undefined. */
export async function findRun(db: Executor, workspaceId: string, runId: string) {
  return runWithNames(db)
    .select([
      'simulation_runs.result',
      'simulation_runs.candidate_document',
      'simulation_runs.candidate_catalog_hash',
    ])
    .where('workflows.workspace_id', '=', workspaceId)
    .where('simulation_runs.id', '=', runId)
    .executeTakeFirst();
}

/** Runs of a workflow, newest first, without their results (with the changed-lead count). */
export async function listRuns(db: Executor, workflowId: string, limit = 100) {
  return runWithNames(db)
    .select(
      sql<number | null>`(simulation_runs.result->'changed'->>'total')::int`.as('changedTotal'),
    )
    .where('simulation_runs.workflow_id', '=', workflowId)
    .orderBy('simulation_runs.created_at', 'desc')
    .orderBy('simulation_runs.id')
    .limit(limit)
    .execute();
}

/** A page of a run's changed leads, optionally only one cell (from → to) of the matrix. */
export async function changedLeadsPage(
  db: Executor,
  runId: string,
  input: { from?: string; to?: string; offset: number; limit: number },
) {
  let query = db.selectFrom('simulation_changed_leads').where('run_id', '=', runId);
  if (input.from !== undefined) query = query.where('from_stage', '=', input.from);
  if (input.to !== undefined) query = query.where('to_stage', '=', input.to);
  const [total, rows] = await Promise.all([
    query.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirst(),
    query
      .select(['idx', 'lead_id', 'from_stage', 'to_stage', 'baseline_scores', 'candidate_scores'])
      .orderBy('idx')
      .offset(input.offset)
      .limit(input.limit)
      .execute(),
  ]);
  return { total: Number(total?.n ?? 0), rows };
}

/** A run's status and when it started and finished (the metrics time runs with it), or undefined. */
export async function runTimes(db: Executor, runId: string) {
  return db
    .selectFrom('simulation_runs')
    .select(['status', 'started_at', 'finished_at'])
    .where('id', '=', runId)
    .executeTakeFirst();
}
