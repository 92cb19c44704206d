import { apiKeysRouter } from './router/api-keys';
import { auditRouter } from './router/audit';
import { authRouter } from './router/auth';
import { commentsRouter } from './router/comments';
import { decisionsRouter } from './router/decisions';
import { draftRouter } from './router/draft';
import { fieldsRouter } from './router/fields';
import { leadSetsRouter } from './router/lead-sets';
import { simulationsRouter } from './router/simulations';
import { usersRouter } from './router/users';
import { versionsRouter } from './router/versions';
import { workflowsRouter } from './router/workflows';
import { systemRouter } from './router/system';
import { tuningRouter } from './router/tuning';
import { createCallerFactory, router } from './trpc';

export const appRouter = router({
  system: systemRouter,
  auth: authRouter,
  users: usersRouter,
  workflows: workflowsRouter,
  draft: draftRouter,
  fields: fieldsRouter,
  comments: commentsRouter,
  versions: versionsRouter,
  audit: auditRouter,
  apiKeys: apiKeysRouter,
  leadSets: leadSetsRouter,
  simulations: simulationsRouter,
  decisions: decisionsRouter,
  tuning: tuningRouter,
});

export type AppRouter = typeof appRouter;
export const createCaller = createCallerFactory(appRouter);
