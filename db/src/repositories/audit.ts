import { canonicalJson, sha256Hex } from '@accord/engine';
import { sql, type Transaction } from 'kysely';
import type { Db } from '../create-db';
import type { DB } from '../database';
import type { AuditEvent } from '../tables/audit-events.table';

export const GENESIS_HASH = '0'.repeat(64);
/** Serialises appends so each event sees the hash of the one before it. */
const AUDIT_LOCK = 72_017;

export interface Actor {
  id: string | null;
  label: string;
}

export interface NewAudit {
  actor: Actor;
  action: string;
  entityType: string;
  entityId: string;
  workflowId?: string | null;
  /** Defaults to the workflow's workspace, else the actor's. */
  workspaceId?: string | null;
  before?: unknown;
  after?: unknown;
}

function eventHash(prevHash: string, e: Omit<AuditEvent, 'id' | 'hash' | 'prev_hash'>): string {
  const body = canonicalJson({
    prev: prevHash,
    at: e.at.toISOString(),
    actorId: e.actor_id,
    actor: e.actor_label,
    action: e.action,
    entityType: e.entity_type,
    entityId: e.entity_id,
    workflowId: e.workflow_id,
    // Only when set, so events written before the column existed still verify.
    ...(e.workspace_id ? { workspaceId: e.workspace_id } : {}),
    before: e.before ?? null,
    after: e.after ?? null,
  });
  return sha256Hex(body);
}

/**
 * Appends a hash-chained audit event inside the caller's transaction, so the event and the change
 * it records commit or roll back together.
 * @example await appendAuditEvent(trx, { actor, action: 'version.publish', entityType: 'version', entityId: v.id });
 */
export async function appendAuditEvent(trx: Transaction<DB>, event: NewAudit): Promise<void> {
  await sql`select pg_advisory_xact_lock(${AUDIT_LOCK})`.execute(trx);
  const last = await trx
    .selectFrom('audit_events')
    .select('hash')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  const prevHash = last?.hash ?? GENESIS_HASH;
  const workspaceId = event.workspaceId ?? (await workspaceOf(trx, event));
  // Millisecond precision, so the time read back hashes the same as the time written.
  const at = new Date(Math.floor(Date.now()));
  const row = {
    at,
    actor_id: event.actor.id,
    actor_label: event.actor.label,
    action: event.action,
    entity_type: event.entityType,
    entity_id: event.entityId,
    workflow_id: event.workflowId ?? null,
    workspace_id: workspaceId,
    before: event.before === undefined ? null : JSON.parse(JSON.stringify(event.before)),
    after: event.after === undefined ? null : JSON.parse(JSON.stringify(event.after)),
  };
  await trx
    .insertInto('audit_events')
    .values({
      ...row,
      before: row.before === null ? null : JSON.stringify(row.before),
      after: row.after === null ? null : JSON.stringify(row.after),
      prev_hash: prevHash,
      hash: eventHash(prevHash, row),
    })
    .execute();
}

async function workspaceOf(trx: Transaction<DB>, event: NewAudit): Promise<string | null> {
  if (event.workflowId) {
    const workflow = await trx
      .selectFrom('workflows')
      .select('workspace_id')
      .where('id', '=', event.workflowId)
      .executeTakeFirst();
    if (workflow) return workflow.workspace_id;
  }
  if (event.actor.id) {
    const user = await trx
      .selectFrom('users')
      .select('workspace_id')
      .where('id', '=', event.actor.id)
      .executeTakeFirst();
    if (user) return user.workspace_id;
  }
  return null;
}

export type AuditVerification =
  | { ok: true; events: number }
  | {
      ok: false;
      events: number;
      /** The first event that does not check out, or null when it is another workspace's. */
      brokenEventId: number | null;
      reason: string;
    };

/**
 * Recomputes the chain from the first event and names the first event whose stored hash or link
 * does not match what its content gives. All workspaces share one chain, so all of it is
 * checked; seen from `workspaceId`, only its own events (and those without a workspace) are
 * counted and named, and a break in another workspace's event is reported without its id.
 */
export async function verifyAuditChain(db: Db, workspaceId?: string): Promise<AuditVerification> {
  const visible = (event: { workspace_id: string | null }) =>
    workspaceId === undefined || event.workspace_id === null || event.workspace_id === workspaceId;
  let prevHash = GENESIS_HASH;
  let count = 0;
  let afterId = 0;
  const broken = (event: { id: number; workspace_id: string | null }, what: string) =>
    visible(event)
      ? {
          ok: false as const,
          events: count,
          brokenEventId: event.id,
          reason: `event ${event.id} ${what}`,
        }
      : {
          ok: false as const,
          events: count,
          brokenEventId: null,
          reason: `an event of another workspace ${what}, so the events after it cannot be proven`,
        };
  for (;;) {
    const page = await db
      .selectFrom('audit_events')
      .selectAll()
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(2_000)
      .execute();
    for (const event of page) {
      if (visible(event)) count++;
      if (event.prev_hash !== prevHash)
        return broken(event, 'does not link to the event before it');
      if (eventHash(prevHash, event) !== event.hash)
        return broken(event, 'was changed after it was written');
      prevHash = event.hash;
      afterId = event.id;
    }
    if (page.length < 2_000) return { ok: true, events: count };
  }
}

export interface AuditFilters {
  actorId?: string;
  action?: string;
  workflowId?: string;
  from?: Date;
  to?: Date;
}

/**
 * Audit events of one workspace, newest first, filtered and paged by id (`beforeId`). Events
 * without a workspace (written before events carried one) are shown to every workspace.
 */
export async function listAuditEvents(
  db: Db,
  workspaceId: string,
  filters: AuditFilters,
  page: { beforeId?: number; limit: number },
) {
  let query = db
    .selectFrom('audit_events')
    .selectAll()
    .where((eb) => eb.or([eb('workspace_id', '=', workspaceId), eb('workspace_id', 'is', null)]));
  if (filters.actorId) query = query.where('actor_id', '=', filters.actorId);
  if (filters.action) query = query.where('action', '=', filters.action);
  if (filters.workflowId) query = query.where('workflow_id', '=', filters.workflowId);
  if (filters.from) query = query.where('at', '>=', filters.from);
  if (filters.to) query = query.where('at', '<=', filters.to);
  if (page.beforeId) query = query.where('id', '<', page.beforeId);
  return query.orderBy('id', 'desc').limit(page.limit).execute();
}
