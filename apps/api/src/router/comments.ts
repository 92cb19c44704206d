import type { Db, DB, Transaction } from '@accord/db';
import { TRPCError, type TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { protectedProcedure } from '../trpc';
import { mutate } from '../services/audited';
import { requireWorkflow } from '../services/workflows';

export const commentsRouter = {
  list: protectedProcedure('comments.list')
    .input(z.object({ workflowId: z.uuid(), versionId: z.uuid().optional() }))
    .query(async ({ ctx, input }) => {
      await requireWorkflow(ctx, input.workflowId);
      if (input.versionId) await requireVersionOf(ctx.db, input.workflowId, input.versionId);
      let query = ctx.db
        .selectFrom('comments')
        .innerJoin('users', 'users.id', 'comments.author_id')
        .select([
          'comments.id',
          'comments.node_id',
          'comments.version_id',
          'comments.body',
          'comments.created_at',
          'users.name as authorName',
          'users.role as authorRole',
        ])
        .where('comments.workflow_id', '=', input.workflowId);
      query = input.versionId
        ? query.where('comments.version_id', '=', input.versionId)
        : query.where('comments.version_id', 'is', null);
      return query.orderBy('comments.created_at').execute();
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
    .mutation(({ ctx, input }) =>
      mutate(ctx, async (trx, audit) => {
        await requireWorkflow(ctx, input.workflowId, trx);
        if (input.versionId) await requireVersionOf(trx, input.workflowId, input.versionId);
        const row = await trx
          .insertInto('comments')
          .values({
            workflow_id: input.workflowId,
            version_id: input.versionId ?? null,
            node_id: input.nodeId ?? null,
            author_id: ctx.user.id,
            body: input.body,
          })
          .returning(['id', 'created_at'])
          .executeTakeFirstOrThrow();
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
      }),
    ),
} satisfies TRPCRouterRecord;

/** A version of this workflow (the workflow was already checked against the caller's workspace). */
async function requireVersionOf(db: Db | Transaction<DB>, workflowId: string, versionId: string) {
  const version = await db
    .selectFrom('versions')
    .select('id')
    .where('id', '=', versionId)
    .where('workflow_id', '=', workflowId)
    .executeTakeFirst();
  if (!version) {
    throw new TRPCError({
      code: 'NOT_FOUND',
      message: `No version ${versionId} of workflow ${workflowId}.`,
    });
  }
}
