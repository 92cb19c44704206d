import { listDecisions } from '@accord/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { protectedProcedure } from '../trpc';
import { requireWorkflow } from '../services/workflows';

export const decisionsRouter = {
  /**
   * The decision log of a workflow, newest first: "why did lead L get stage S". Filter by lead id
   * and / or stage; page back with `beforeId` (the last id of the previous page).
   */
  list: protectedProcedure('decisions.list')
    .input(
      z.object({
        workflowId: z.uuid(),
        leadId: z.string().trim().min(1).max(200).optional(),
        stage: z.string().trim().min(1).max(100).optional(),
        beforeId: z
          .string()
          .regex(/^\d{1,18}$/, 'must be a decision id')
          .optional(),
        limit: z.number().int().min(1).max(200).default(50),
      }),
    )
    .query(async ({ ctx, input }) => {
      const workflow = await requireWorkflow(ctx, input.workflowId);
      const decisions = await listDecisions(ctx.db, {
        workspaceId: ctx.user.workspace_id,
        workflowId: workflow.id,
        leadId: input.leadId,
        stage: input.stage,
        beforeId: input.beforeId,
        limit: input.limit,
      });
      return { enabled: workflow.decisionLog, decisions };
    }),
} satisfies TRPCRouterRecord;
