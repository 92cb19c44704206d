import {
  findWorkflow,
  publishedVersion,
  versionByNumber,
  workflowsBySlug,
  type DB,
  type Db,
  type Transaction,
} from '@accord/db';
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

/**
 * A version by its workflow's slug, for the command line (which has no workspace of its own):
 * the published one, or number `number`. A message naming what is missing otherwise.
 * @example const found = await versionBySlug(db, 'inbound', 3); if (!found.ok) fail(found.message);
 */
export async function versionBySlug(db: Db, slug: string, number: number | undefined) {
  const workflows = await workflowsBySlug(db, slug);
  if (workflows.length === 0) return { ok: false as const, message: `No workflow "${slug}".` };
  if (workflows.length > 1)
    return {
      ok: false as const,
      message: `"${slug}" exists in ${workflows.length} workspaces; the CLI needs a unique slug.`,
    };
  const version =
    number === undefined
      ? await publishedVersion(db, workflows[0]!.id)
      : await versionByNumber(db, workflows[0]!.id, number);
  if (!version)
    return {
      ok: false as const,
      message:
        number === undefined
          ? `Workflow "${slug}" has no published version; name one with --version.`
          : `Workflow "${slug}" has no version ${number}.`,
    };
  return { ok: true as const, version };
}
