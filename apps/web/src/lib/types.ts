import type { AppRouter } from '@accord/api';
import type { inferRouterInputs, inferRouterOutputs } from '@trpc/server';

/** Procedure outputs, derived from the API's router: never restated by hand. */
export type RouterOutputs = inferRouterOutputs<AppRouter>;
export type RouterInputs = inferRouterInputs<AppRouter>;
export type Me = RouterOutputs['auth']['me'];
