import { listAuditEvents, verifyAuditChain } from '@accord/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { protectedProcedure, dateInput } from '../trpc';

const filters = z.object({
  actorId: z.uuid().optional(),
  action: z.string().max(100).optional(),
  workflowId: z.uuid().optional(),
  from: dateInput.optional(),
  to: dateInput.optional(),
});

/** Spreadsheet formulas in exported cells become inert text (=, +, -, @, tab, CR). */
export function neutraliseCell(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}

const MAX_EXPORT = 100_000;

export const auditRouter = {
  list: protectedProcedure('audit.list')
    .input(
      filters.extend({
        beforeId: z.number().int().positive().optional(),
        limit: z.number().int().min(1).max(500).default(100),
      }),
    )
    .query(({ ctx, input }) =>
      listAuditEvents(ctx.db, ctx.user.workspace_id, input, {
        beforeId: input.beforeId,
        limit: input.limit,
      }),
    ),

  /**
   * Recomputes the hash chain; names the first event that does not match. The chain spans every
   * workspace (one chain is what makes a deleted event detectable), so the answer may name an
   * event id of another workspace, never its content.
   */
  verify: protectedProcedure('audit.verify').query(({ ctx }) =>
    verifyAuditChain(ctx.db, ctx.user.workspace_id),
  ),

  /** The filtered log as CSV or JSON text (at most 100,000 events). */
  export: protectedProcedure('audit.export')
    .input(filters.extend({ format: z.enum(['csv', 'json']) }))
    .query(async ({ ctx, input }) => {
      const events = await listAuditEvents(ctx.db, ctx.user.workspace_id, input, {
        limit: MAX_EXPORT,
      });
      if (input.format === 'json')
        return { format: 'json' as const, text: JSON.stringify(events, null, 2) };
      const rows = events.map((e) =>
        [
          String(e.id),
          e.at.toISOString(),
          e.actor_label,
          e.action,
          e.entity_type,
          e.entity_id,
          e.workflow_id ?? '',
          JSON.stringify(e.before),
          JSON.stringify(e.after),
          e.prev_hash,
          e.hash,
        ].map(neutraliseCell),
      );
      const header = [
        'id',
        'at',
        'actor',
        'action',
        'entity_type',
        'entity_id',
        'workflow_id',
        'before',
        'after',
        'prev_hash',
        'hash',
      ];
      return { format: 'csv' as const, text: stringify([header, ...rows]) };
    }),
} satisfies TRPCRouterRecord;
