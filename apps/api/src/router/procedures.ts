import {
  appendAuditEvent,
  findWorkflow,
  type Actor,
  type DB,
  type NewAudit,
  type Transaction,
} from '@accord/db';
import { TRPCError } from '@trpc/server';
import type { Context, SessionUser } from '../trpc';

/** The audit actor of a signed-in user. */
export function actorOf(user: SessionUser): Actor {
  return { id: user.id, label: `${user.name} <${user.email}> (${user.role})` };
}

/**
 * Runs a mutation in one transaction with an `audit` function bound to the caller, so the change
 * and its audit event commit together.
 */
export function mutate<T>(
  ctx: Context & { user: SessionUser },
  run: (
    trx: Transaction<DB>,
    audit: (event: Omit<NewAudit, 'actor'>) => Promise<void>,
  ) => Promise<T>,
): Promise<T> {
  return ctx.db.transaction().execute((trx) =>
    run(trx, (event) =>
      appendAuditEvent(trx, {
        workspaceId: ctx.user.workspace_id,
        ...event,
        actor: actorOf(ctx.user),
      }),
    ),
  );
}

/**
 * The workflow of the caller's workspace when it may change (not archived); NOT_FOUND or
 * PRECONDITION_FAILED otherwise.
 */
export async function requireActiveWorkflow(
  ctx: Context & { user: SessionUser },
  workflowId: string,
  db: Context['db'] | Transaction<DB> = ctx.db,
) {
  const workflow = await requireWorkflow(ctx, workflowId, db);
  if (workflow.archived_at)
    throw new TRPCError({
      code: 'PRECONDITION_FAILED',
      message: `${workflow.name} is archived; unarchive it to change it.`,
    });
  return workflow;
}

/** The workflow of the caller's workspace, or NOT_FOUND. */
export async function requireWorkflow(
  ctx: Context & { user: SessionUser },
  workflowId: string,
  db: Context['db'] | Transaction<DB> = ctx.db,
) {
  const workflow = await findWorkflow(db, ctx.user.workspace_id, workflowId);
  if (!workflow) throw new TRPCError({ code: 'NOT_FOUND', message: `No workflow ${workflowId}.` });
  return workflow;
}
