import { createWorkflow, listWorkflows, updateWorkflow } from '@accord/db';
import { blankWorkflow, defaultWorkflow } from '@accord/engine';
import type { TRPCRouterRecord } from '@trpc/server';
import { z } from 'zod';
import { protectedProcedure } from '../trpc';
import { mutate } from '../services/audited';
import { requireWorkflow } from '../services/workflows';

const workflowId = z.object({ workflowId: z.uuid() });
const name = z.string().trim().min(1, 'Give the workflow a name').max(120);

export const workflowsRouter = {
  list: protectedProcedure('workflows.list')
    .input(z.object({ includeArchived: z.boolean().optional() }))
    .query(({ ctx, input }) =>
      listWorkflows(ctx.db, ctx.user.workspace_id, input.includeArchived ?? false),
    ),

  get: protectedProcedure('workflows.get')
    .input(workflowId)
    .query(({ ctx, input }) => requireWorkflow(ctx, input.workflowId)),

  /** A new workflow from the default agreement or blank, with its draft at revision 1. */
  create: protectedProcedure('workflows.create')
    .input(z.object({ name, from: z.enum(['default', 'blank']) }))
    .mutation(({ ctx, input }) =>
      mutate(ctx, async (trx, audit) => {
        const document = input.from === 'default' ? defaultWorkflow() : blankWorkflow();
        const workflow = await createWorkflow(trx, {
          workspaceId: ctx.user.workspace_id,
          name: input.name,
          document,
          userId: ctx.user.id,
        });
        await audit({
          action: 'workflow.create',
          entityType: 'workflow',
          entityId: workflow.id,
          workflowId: workflow.id,
          after: { name: workflow.name, slug: workflow.slug, from: input.from },
        });
        return workflow;
      }),
    ),

  rename: protectedProcedure('workflows.rename')
    .input(workflowId.extend({ name }))
    .mutation(({ ctx, input }) =>
      mutate(ctx, async (trx, audit) => {
        const before = await requireWorkflow(ctx, input.workflowId, trx);
        await updateWorkflow(trx, input.workflowId, { name: input.name });
        await audit({
          action: 'workflow.rename',
          entityType: 'workflow',
          entityId: input.workflowId,
          workflowId: input.workflowId,
          before: { name: before.name },
          after: { name: input.name },
        });
        return { id: input.workflowId, name: input.name };
      }),
    ),

  archive: protectedProcedure('workflows.archive')
    .input(workflowId)
    .mutation(({ ctx, input }) => setArchived(ctx, input.workflowId, true)),

  unarchive: protectedProcedure('workflows.unarchive')
    .input(workflowId)
    .mutation(({ ctx, input }) => setArchived(ctx, input.workflowId, false)),

  /**
   * Turns the decision log on or off: while on, every evaluation the REST API answers for this
   * workflow is stored (lead id, version, stage, scores, tags, reasons) for `decisions.list`.
   */
  setDecisionLog: protectedProcedure('workflows.setDecisionLog')
    .input(workflowId.extend({ enabled: z.boolean() }))
    .mutation(({ ctx, input }) =>
      mutate(ctx, async (trx, audit) => {
        const before = await requireWorkflow(ctx, input.workflowId, trx);
        await updateWorkflow(trx, input.workflowId, { decision_log: input.enabled });
        await audit({
          action: input.enabled ? 'workflow.decisionLogOn' : 'workflow.decisionLogOff',
          entityType: 'workflow',
          entityId: input.workflowId,
          workflowId: input.workflowId,
          before: { decisionLog: before.decisionLog },
          after: { decisionLog: input.enabled },
        });
        ctx.caches.evaluators.invalidateWorkflow(input.workflowId);
        return { id: input.workflowId, decisionLog: input.enabled };
      }),
    ),
} satisfies TRPCRouterRecord;

function setArchived(ctx: Parameters<typeof requireWorkflow>[0], id: string, archived: boolean) {
  return mutate(ctx, async (trx, audit) => {
    await requireWorkflow(ctx, id, trx);
    await updateWorkflow(trx, id, { archived_at: archived ? new Date() : null });
    await audit({
      action: archived ? 'workflow.archive' : 'workflow.unarchive',
      entityType: 'workflow',
      entityId: id,
      workflowId: id,
    });
    ctx.caches.evaluators.invalidateWorkflow(id);
    return { id, archived };
  });
}
