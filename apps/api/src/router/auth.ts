import { randomBytes } from 'node:crypto';
import type { TRPCRouterRecord } from '@trpc/server';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { signInAccounts } from '../auth/accounts';
import { hashPassword, verifyPassword } from '../auth/password';
import { createSession, deleteSession } from '@accord/db';
import { hashToken, SESSION_COOKIE } from '../auth/session';
import { ChooseWorkspace, publicProcedure } from '../trpc';

const SESSION_DAYS = 14;

let decoy: Promise<string> | undefined;
/** A hash of a random password, made once, checked against when the account does not exist. */
function decoyHash() {
  decoy ??= hashPassword(randomBytes(16).toString('hex'));
  return decoy;
}

export const authRouter = {
  /**
   * Signs in with email and password; a fresh session token every time (no fixation). An email
   * may have accounts in several workspaces: the password decides which, and when it opens more
   * than one the answer is BAD_REQUEST with `data.workspaces` to choose from (`workspace`).
   */
  signIn: publicProcedure
    .input(
      z.object({
        email: z.string().max(320).trim().toLowerCase().email(),
        password: z.string().min(1).max(1000),
        /** The slug of the workspace to sign in to; needed only when the answer asked for it. */
        workspace: z.string().trim().min(1).max(100).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const now = Date.now();
      const key = `${input.email}|${ctx.req?.ip ?? 'local'}`;
      if (!(await ctx.signInThrottle.begin(key, now))) {
        throw new TRPCError({
          code: 'TOO_MANY_REQUESTS',
          message: 'Too many failed sign-ins; try again in 15 minutes.',
        });
      }
      let opened: Awaited<ReturnType<typeof signInAccounts>>;
      try {
        const accounts = (await signInAccounts(ctx.db, input.email, input.workspace)).filter(
          (a) => !a.disabled_at,
        );
        // Unknown and disabled accounts cost one scrypt too, and several accounts are checked at
        // once, so timing does not reveal which emails exist.
        const checks = await Promise.all(
          accounts.length
            ? accounts.map((a) => verifyPassword(input.password, a.password_hash))
            : [decoyHash().then((hash) => verifyPassword(input.password, hash))],
        );
        opened = accounts.filter((_, i) => checks[i]);
      } catch (error) {
        ctx.signInThrottle.cancel(key);
        throw error;
      }
      const user = opened[0];
      if (!user) {
        await ctx.signInThrottle.fail(key, now);
        throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Wrong email or password.' });
      }
      if (opened.length > 1) {
        await ctx.signInThrottle.succeed(key);
        const choice = new ChooseWorkspace(
          opened
            .map((a) => ({ slug: a.workspace_slug, name: a.workspace_name }))
            .sort((a, b) => a.name.localeCompare(b.name) || a.slug.localeCompare(b.slug)),
        );
        throw new TRPCError({ code: 'BAD_REQUEST', message: choice.message, cause: choice });
      }
      await ctx.signInThrottle.succeed(key);
      if (ctx.sessionHash) await deleteSession(ctx.db, ctx.sessionHash);
      const token = randomBytes(32).toString('base64url');
      const expires = new Date(now + SESSION_DAYS * 86_400_000);
      await createSession(ctx.db, {
        idHash: hashToken(token),
        userId: user.id,
        expiresAt: expires,
      });
      ctx.res?.setCookie(SESSION_COOKIE, token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: ctx.env.ACCORD_SECURE_COOKIES,
        path: '/',
        expires,
      });
      return {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        workspace_id: user.workspace_id,
      };
    }),

  /** Ends the current session. */
  signOut: publicProcedure.mutation(async ({ ctx }) => {
    if (ctx.sessionHash) await deleteSession(ctx.db, ctx.sessionHash);
    ctx.res?.clearCookie(SESSION_COOKIE, { path: '/' });
    return { ok: true };
  }),

  /** The signed-in user, or null. */
  me: publicProcedure.query(({ ctx }) => ctx.user),
} satisfies TRPCRouterRecord;
