import { getDraft } from '@accord/db';
import type { Workflow } from '@accord/engine';
import { TRPCError } from '@trpc/server';
import { sharedDraftsOf } from '../collab/shared-drafts';
import { DraftConflict, type Context, type SessionUser } from '../trpc';
import { draftDiagnostics } from './catalogs';
import { requireActiveWorkflow } from './workflows';

type Ctx = Context & { user: SessionUser };

/**
 * Saves a draft document on top of `baseRevision` through the shared document, so people
 * editing the draft live see the change at once; the room persists it with its `draft.save`
 * audit event (what changed, step by step and value by value, and `via`). A stale base (or
 * unsaved live edits on top of it) gets CONFLICT naming who saved since. The editor's sockets
 * and this are the only ways a draft changes: the API's `draft.save` and the tuning page's
 * applies (which name themselves in `via`, e.g. `{ tuning: 'suggestedPoints' }`).
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
  await requireActiveWorkflow(ctx, input.workflowId);
  const saved = await sharedDraftsOf(ctx.db).edit(
    { user: ctx.user, ...(input.via && { via: input.via }) },
    input.workflowId,
    () => input.document,
    input.baseRevision,
  );
  if (!saved.ok) {
    const current = await getDraft(ctx.db, input.workflowId);
    const updatedBy = current?.updatedBy ?? null;
    throw new TRPCError({
      code: 'CONFLICT',
      message: `${updatedBy?.name ?? 'Someone'} saved revision ${saved.revision} since you loaded revision ${input.baseRevision}.`,
      cause: new DraftConflict({
        currentRevision: saved.revision,
        savedBy: updatedBy,
        savedAt: current?.updated_at ?? new Date(),
      }),
    });
  }
  return {
    revision: saved.revision,
    diagnostics: await draftDiagnostics(
      ctx.db,
      ctx.user.workspace_id,
      input.workflowId,
      input.document,
    ),
  };
}
