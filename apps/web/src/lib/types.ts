import type { AppRouter } from '@accord/api';
import type { inferRouterOutputs } from '@trpc/server';

/** Procedure outputs, derived from the API's router: never restated by hand. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type Me = RouterOutputs['auth']['me'];
