import type { TRPCRouterRecord } from '@trpc/server';
import { publicProcedure } from '../trpc';

export const systemRouter = {
  /** What the web app shows before sign-in: product name and which database is in use. */
  info: publicProcedure.query(({ ctx }) => ({
    name: 'Accord',
    db: ctx.dbKind,
    signedIn: ctx.user !== null,
  })),
} satisfies TRPCRouterRecord;
