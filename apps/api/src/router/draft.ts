import { getDraft, getDraftRevision } from '@accord/db';
import { parseWorkflow } from '@accord/engine';
import type { TRPCRouterRecord } from '@trpc/server';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { protectedProcedure } from '../trpc';
import { draftDiagnostics } from '../services/catalogs';
import { saveDraftDocument } from '../services/drafts';
import { requireWorkflow } from '../services/workflows';

/** Largest workflow document accepted, as JSON text and as a node count. */
export const MAX_DOCUMENT_BYTES = 2 * 1024 * 1024;
export const MAX_NODES = 2_000;

/** Parses a workflow document or throws BAD_REQUEST naming the path; PAYLOAD_TOO_LARGE over the limits. */
export function parseDocument(document: unknown) {
  const size = Buffer.byteLength(JSON.stringify(document ?? null), 'utf8');
  if (size > MAX_DOCUMENT_BYTES) {
    throw new TRPCError({
      code: 'PAYLOAD_TOO_LARGE',
      message: `The workflow is ${size} bytes; the limit is ${MAX_DOCUMENT_BYTES}.`,
    });
  }
  const parsed = parseWorkflow(document);
  if (!parsed.ok) {
    const first = parsed.errors[0];
    throw new TRPCError({
      code: 'BAD_REQUEST',
      message: first ? `${first.path}: ${first.message}` : 'Not a workflow document.',
    });
  }
  if (parsed.workflow.nodes.length > MAX_NODES) {
    throw new TRPCError({
      code: 'PAYLOAD_TOO_LARGE',
      message: `The workflow has ${parsed.workflow.nodes.length} nodes; the limit is ${MAX_NODES}.`,
    });
  }
  return parsed.workflow;
}

export const draftRouter = {
  /** The draft, who saved it last, and what `validate` says about it. */
  get: protectedProcedure('draft.get')
    .input(z.object({ workflowId: z.uuid() }))
    .query(async ({ ctx, input }) => {
      await requireWorkflow(ctx, input.workflowId);
      const draft = await getDraft(ctx.db, input.workflowId);
      if (!draft)
        throw new TRPCError({ code: 'NOT_FOUND', message: 'This workflow has no draft.' });
      const parsed = parseWorkflow(draft.document);
      return {
        revision: draft.revision,
        document: draft.document,
        updatedAt: draft.updated_at,
        updatedBy: draft.updatedBy,
        diagnostics: parsed.ok
          ? await draftDiagnostics(ctx.db, ctx.user.workspace_id, input.workflowId, parsed.workflow)
          : [],
      };
    }),

  /**
   * The draft's revision and who saved it, without the document: open editors ask every few
   * seconds so a teammate's save shows at once.
   */
  revision: protectedProcedure('draft.revision')
    .input(z.object({ workflowId: z.uuid() }))
    .query(async ({ ctx, input }) => {
      await requireWorkflow(ctx, input.workflowId);
      const draft = await getDraftRevision(ctx.db, input.workflowId);
      if (!draft)
        throw new TRPCError({ code: 'NOT_FOUND', message: 'This workflow has no draft.' });
      return draft;
    }),

  /** Saves on top of `baseRevision`; a stale base gets CONFLICT with who saved since. */
  save: protectedProcedure('draft.save')
    .input(
      z.object({
        workflowId: z.uuid(),
        baseRevision: z.number().int().positive(),
        document: z.unknown(),
      }),
    )
    .mutation(({ ctx, input }) =>
      saveDraftDocument(ctx, {
        workflowId: input.workflowId,
        baseRevision: input.baseRevision,
        document: parseDocument(input.document),
      }),
    ),
} satisfies TRPCRouterRecord;
