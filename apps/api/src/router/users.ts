import {
  deleteSessionsOfUser,
  findUserInWorkspace,
  listUsers,
  ROLES,
  updateUser,
} from '@accord/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { hashPassword } from '../auth/password';
import { protectedProcedure } from '../trpc';
import { createUser, EmailTaken } from '../auth/accounts';
import { mutate } from '../services/audited';

export const usersRouter = {
  list: protectedProcedure('users.list').query(({ ctx }) =>
    listUsers(ctx.db, ctx.user.workspace_id),
  ),

  create: protectedProcedure('users.create')
    .input(
      z.object({
        email: z.string().trim().toLowerCase().email(),
        name: z.string().trim().min(1).max(200),
        role: z.enum(ROLES),
        password: z.string().min(10, 'Passwords need at least 10 characters').max(1000),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const passwordHash = await hashPassword(input.password);
      return mutate(ctx, (trx, audit) =>
        createUser(
          trx,
          {
            workspaceId: ctx.user.workspace_id,
            email: input.email,
            name: input.name,
            role: input.role,
            passwordHash,
          },
          audit,
        ),
      ).catch((error: unknown) => {
        // Two admins creating the same email at once: the unique index decides, the loser hears why.
        if (error instanceof EmailTaken || (error as { code?: string }).code === '23505')
          throw new TRPCError({
            code: 'CONFLICT',
            message: `${input.email} already has an account.`,
          });
        throw error;
      });
    }),

  /** Changes name or role, or disables the account (which ends its sessions). */
  update: protectedProcedure('users.update')
    .input(
      z.object({
        id: z.uuid(),
        name: z.string().trim().min(1).max(200).optional(),
        role: z.enum(ROLES).optional(),
        disabled: z.boolean().optional(),
      }),
    )
    .mutation(({ ctx, input }) =>
      mutate(ctx, async (trx, audit) => {
        const before = await findUserInWorkspace(trx, ctx.user.workspace_id, input.id);
        if (!before) throw new TRPCError({ code: 'NOT_FOUND', message: `No user ${input.id}.` });
        if (
          input.id === ctx.user.id &&
          (input.disabled || (input.role && input.role !== 'admin'))
        ) {
          throw new TRPCError({
            code: 'BAD_REQUEST',
            message: 'You cannot disable yourself or drop your own admin role.',
          });
        }
        const disabledAt =
          input.disabled === undefined
            ? before.disabled_at
            : input.disabled
              ? (before.disabled_at ?? new Date())
              : null;
        await updateUser(trx, input.id, {
          name: input.name ?? before.name,
          role: input.role ?? before.role,
          disabled_at: disabledAt,
        });
        if (disabledAt) await deleteSessionsOfUser(trx, input.id);
        await audit({
          action: 'user.update',
          entityType: 'user',
          entityId: input.id,
          before: { name: before.name, role: before.role, disabled: !!before.disabled_at },
          after: {
            name: input.name ?? before.name,
            role: input.role ?? before.role,
            disabled: !!disabledAt,
          },
        });
        return { id: input.id };
      }),
    ),
} satisfies TRPCRouterRecord;
