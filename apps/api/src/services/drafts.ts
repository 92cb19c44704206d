import { saveDraft } from '@accord/db';
import { auditChanges, parseWorkflow, type Workflow } from '@accord/engine';
import { TRPCError } from '@trpc/server';
import { DraftConflict, type Context, type SessionUser } from '../trpc';
import { mutate } from './audited';
import { draftDiagnostics, liveCatalog } from './catalogs';
import { requireActiveWorkflow } from './workflows';

type Ctx = Context & { user: SessionUser };

/**
 * Saves a draft document on top of `baseRevision` in one transaction with its audit event
 * (`draft.save`, with what changed step by step and value by value); a stale base gets CONFLICT
 * naming who saved since. Every edit of a draft goes through here: the editor's save and the
 * tuning page's "apply" (which names itself in `via`, e.g. `{ tuning: 'suggestedPoints' }`).
 */
export async function saveDraftDocument(
  ctx: Ctx,
  input: {
    workflowId: string;
    baseRevision: number;
    document: Workflow;
    /** What made the edit besides the editor, recorded in the audit event's `after`. */
    via?: Record<string, unknown>;
  },
) {
  const { document } = input;
  return mutate(ctx, async (trx, audit) => {
    await requireActiveWorkflow(ctx, input.workflowId, trx);
    const saved = await saveDraft(trx, {
      workflowId: input.workflowId,
      baseRevision: input.baseRevision,
      document,
      userId: ctx.user.id,
    });
    if (!saved.ok) {
      const { revision, updatedBy, updatedAt } = saved.current;
      throw new TRPCError({
        code: 'CONFLICT',
        message: `${updatedBy?.name ?? 'Someone'} saved revision ${revision} since you loaded revision ${input.baseRevision}.`,
        cause: new DraftConflict({
          currentRevision: revision,
          savedBy: updatedBy,
          savedAt: updatedAt,
        }),
      });
    }
    // What changed, step by step and value by value, so an auditor can see every edit.
    const previous = parseWorkflow(saved.previous);
    const catalog = await liveCatalog(trx, ctx.user.workspace_id);
    const changes = previous.ok
      ? auditChanges(previous.workflow, document, { catalog })
      : undefined;
    await audit({
      action: 'draft.save',
      entityType: 'draft',
      entityId: input.workflowId,
      workflowId: input.workflowId,
      before: { revision: input.baseRevision },
      after: {
        revision: saved.revision,
        nodes: document.nodes.length,
        edges: document.edges.length,
        ...changes,
        ...input.via,
      },
    });
    return {
      revision: saved.revision,
      diagnostics: await draftDiagnostics(trx, ctx.user.workspace_id, input.workflowId, document),
    };
  });
}
