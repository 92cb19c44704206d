import { findWorkflow, type DB, type Transaction } from '@accord/db';
import { TRPCError } from '@trpc/server';
import type { Context, SessionUser } from '../trpc';

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
