import { insertComment, isVersionOf, listComments, type Executor } from '@accord/db';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { sharedDraftsOf } from '../collab/shared-drafts';
import { protectedProcedure } from '../trpc';
import { mutate } from '../services/audited';
import { requireWorkflow } from '../services/workflows';

export const commentsRouter = {
  list: protectedProcedure('comments.list')
    .input(z.object({ workflowId: z.uuid(), versionId: z.uuid().optional() }))
    .query(async ({ ctx, input }) => {
      await requireWorkflow(ctx, input.workflowId);
      if (input.versionId) await requireVersionOf(ctx.db, input.workflowId, input.versionId);
      return listComments(ctx.db, input.workflowId, input.versionId ?? null);
    }),

  /** A note on a node (of the draft, or of a version) or on a whole version. */
  add: protectedProcedure('comments.add')
    .input(
      z.object({
        workflowId: z.uuid(),
        versionId: z.uuid().optional(),
        nodeId: z.string().max(200).optional(),
        body: z.string().trim().min(1).max(4_000),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const row = await mutate(ctx, async (trx, audit) => {
        await requireWorkflow(ctx, input.workflowId, trx);
        if (input.versionId) await requireVersionOf(trx, input.workflowId, input.versionId);
        const row = await insertComment(trx, {
          workflow_id: input.workflowId,
          version_id: input.versionId ?? null,
          node_id: input.nodeId ?? null,
          author_id: ctx.user.id,
          body: input.body,
        });
        await audit({
          action: 'comment.add',
          entityType: 'comment',
          entityId: row.id,
          workflowId: input.workflowId,
          after: {
            nodeId: input.nodeId ?? null,
            versionId: input.versionId ?? null,
            body: input.body,
          },
        });
        return row;
      });
      // Everyone with the draft open reloads its comments.
      await sharedDraftsOf(ctx.db).commentsChanged(input.workflowId);
      return row;
    }),
} satisfies TRPCRouterRecord;

/** A version of this workflow (the workflow was already checked against the caller's workspace). */
async function requireVersionOf(db: Executor, workflowId: string, versionId: string) {
  if (!(await isVersionOf(db, workflowId, versionId))) {
    throw new TRPCError({
      code: 'NOT_FOUND',
      message: `No version ${versionId} of workflow ${workflowId}.`,
    });
  }
}
