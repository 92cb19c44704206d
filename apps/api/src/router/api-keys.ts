import { listApiKeys } from '@accord/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createApiKey, revokeKey } from '../auth/accounts';
import { protectedProcedure } from '../trpc';
import { mutate } from '../services/audited';

export const apiKeysRouter = {
  list: protectedProcedure('apiKeys.list').query(({ ctx }) =>
    listApiKeys(ctx.db, ctx.user.workspace_id),
  ),

  /** Creates a key and shows it once; only its SHA-256 is stored. */
  create: protectedProcedure('apiKeys.create')
    .input(z.object({ name: z.string().trim().min(1).max(100) }))
    .mutation(({ ctx, input }) =>
      mutate(ctx, (trx, audit) =>
        createApiKey(
          trx,
          { workspaceId: ctx.user.workspace_id, name: input.name, createdBy: ctx.user.id },
          audit,
        ),
      ),
    ),

  /** Revokes a key; the very next request with it is refused. */
  revoke: protectedProcedure('apiKeys.revoke')
    .input(z.object({ id: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const result = await mutate(ctx, async (trx, audit) => {
        const row = await revokeKey(
          trx,
          { workspaceId: ctx.user.workspace_id, keyId: input.id },
          audit,
        );
        if (!row)
          throw new TRPCError({ code: 'NOT_FOUND', message: `No active API key ${input.id}.` });
        return row;
      });
      ctx.caches.apiKeys.invalidate();
      return result;
    }),
} satisfies TRPCRouterRecord;
