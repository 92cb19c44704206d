import type { Executor } from '../executor';

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

/** Text PostgreSQL cannot store as sent: a NUL character, or half of a surrogate pair. */
const UNSTORABLE = /\0|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Whether a value holds text PostgreSQL cannot store as sent (in a string or a key, at any depth).
 * @example hasUnstorableText(['ok', 'a\u0000b']) // true
 */
export function hasUnstorableText(value: unknown): boolean {
  if (typeof value === 'string') return UNSTORABLE.test(value);
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(hasUnstorableText);
  for (const key in value)
    if (UNSTORABLE.test(key) || hasUnstorableText((value as Record<string, unknown>)[key]))
      return true;
  return false;
}

/**
 * What of a decision the log cannot store (text columns refuse NUL characters, jsonb also lone
 * surrogates; a lone surrogate in text would be stored as another character), or `undefined`.
 * Callers check every decision before writing any, so such a lead is answered with its own error.
 * @example unstorableDecisionPart({ leadId: 'a\u0000', stage: 'mql', scores: {}, tags: {}, reasons: [] }) // 'leadId'
 */
export function unstorableDecisionPart(
  decision: NewDecision,
): 'leadId' | 'tags' | 'reasons' | undefined {
  if (hasUnstorableText(decision.leadId)) return 'leadId';
  if (hasUnstorableText(decision.tags)) return 'tags';
  if (hasUnstorableText(decision.reasons) || hasUnstorableText(decision.scores)) return 'reasons';
  return undefined;
}

/**
 * Stores evaluations of one version in the decision log, in chunks, inside the caller's
 * transaction or connection. The caller opens the transaction, so a request logs all its
 * decisions or none, and checks them with `unstorableDecisionPart` first.
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
