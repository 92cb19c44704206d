import type { Executor } from './workflows';

/** One evaluation to log: what the REST API answered for one lead. */
export interface NewDecision {
  leadId: string;
  stage: string;
  scores: unknown;
  tags: unknown;
  reasons: unknown;
}

/** Rows per INSERT (each row carries 13 parameters; PostgreSQL allows 65,535). */
const INSERT_CHUNK = 2_000;

/**
 * Stores evaluations of one version in the decision log, in chunks, inside the caller's
 * transaction or connection.
 */
export async function recordDecisions(
  db: Executor,
  context: {
    workspaceId: string;
    workflowId: string;
    versionId: string;
    versionNumber: number;
    apiKeyId: string | null;
    asOf: Date;
  },
  decisions: readonly NewDecision[],
): Promise<void> {
  for (let i = 0; i < decisions.length; i += INSERT_CHUNK) {
    await db
      .insertInto('decisions')
      .values(
        decisions.slice(i, i + INSERT_CHUNK).map((d) => ({
          workspace_id: context.workspaceId,
          workflow_id: context.workflowId,
          version_id: context.versionId,
          version_number: context.versionNumber,
          api_key_id: context.apiKeyId,
          lead_id: d.leadId,
          stage: d.stage,
          scores: JSON.stringify(d.scores),
          tags: JSON.stringify(d.tags),
          reasons: JSON.stringify(d.reasons),
          as_of: context.asOf,
        })),
      )
      .execute();
  }
}

export interface DecisionQuery {
  workspaceId: string;
  workflowId: string;
  leadId?: string;
  stage?: string;
  /** Only decisions with an id below this (paging back). */
  beforeId?: string;
  limit: number;
}

/** Logged decisions of a workflow, newest first, optionally for one lead and / or stage. */
export async function listDecisions(db: Executor, query: DecisionQuery) {
  let q = db
    .selectFrom('decisions')
    .select([
      'id',
      'lead_id as leadId',
      'version_number as version',
      'stage',
      'scores',
      'tags',
      'reasons',
      'as_of as asOf',
      'at',
    ])
    .where('workspace_id', '=', query.workspaceId)
    .where('workflow_id', '=', query.workflowId);
  if (query.leadId !== undefined) q = q.where('lead_id', '=', query.leadId);
  if (query.stage !== undefined) q = q.where('stage', '=', query.stage);
  if (query.beforeId !== undefined) q = q.where('id', '<', query.beforeId);
  const rows = await q.orderBy('id', 'desc').limit(query.limit).execute();
  return rows.map((r) => ({ ...r, id: String(r.id) }));
}
