import { recordDecisions, type Db, type NewDecision } from '@accord/db';
import { leadSchema, type Result } from '@accord/engine';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { formatPath } from '../trpc';
import { isValidLead } from './lead-check';
import type { ApiKeyCache } from './api-key-cache';
import type { EvaluatorCache } from './evaluator-cache';
import { restErrorBody, sendRestError, type RestErrorBody } from './rest-error';

/** Most leads one request may carry. */
export const MAX_BATCH = 10_000;
/** Requests per minute one API key may make (each may carry a batch). */
export const REQUESTS_PER_MINUTE = 600_000;

export const evaluateRequestSchema = z
  .object({
    lead: z.unknown().optional().describe('One lead: {id, attributes, events, outcome?}'),
    leads: z.array(z.unknown()).max(MAX_BATCH).optional().describe(`Up to ${MAX_BATCH} leads`),
    version: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Version number; default: the published one'),
    asOf: z.iso.datetime({ offset: true }).optional().describe('Evaluation time; default: now'),
  })
  .strict()
  .refine((body) => (body.lead === undefined) !== (body.leads === undefined), {
    message: 'Send exactly one of "lead" or "leads"',
    path: ['lead'],
  });

export interface EvaluateResultItem {
  leadId: string;
  stage: string;
  scores: Result['scores'];
  tags: Result['tags'];
  reasons: Result['reasons'];
  checklist: Result['checklist'] | null;
  workflow: string;
  version: number;
}

/**
 * One lead's entry in the answer.
 * @example resultItem('L-1', version.evaluate(lead, { asOf }), 'inbound', 3)
 */
export function resultItem(
  leadId: string,
  result: Result,
  workflow: string,
  version: number,
): EvaluateResultItem {
  return {
    leadId,
    stage: result.stage,
    scores: result.scores,
    tags: result.tags,
    reasons: result.reasons,
    checklist: result.checklist ?? null,
    workflow,
    version,
  };
}

/**
 * POST /v1/workflows/:slug/evaluate — evaluates one lead or a batch with the published version
 * (or the one named) for the workspace of the bearer key. A bad lead in a batch is answered with
 * its own error; the good ones are evaluated.
 */
export async function registerEvaluateRoute(
  app: FastifyInstance,
  deps: { db: Db; evaluators: EvaluatorCache; apiKeys: ApiKeyCache },
) {
  await app.register(async (scope) => {
    await scope.register(rateLimit, {
      max: REQUESTS_PER_MINUTE,
      timeWindow: 60_000,
      keyGenerator: (req) => req.headers.authorization ?? req.ip,
      errorResponseBuilder: (_req, context) => ({
        statusCode: 429,
        ...restErrorBody(
          'TOO_MANY_REQUESTS',
          `Rate limit of ${context.max} requests per minute reached; retry in ${context.after}.`,
        ),
      }),
    });

    scope.post<{ Params: { slug: string } }>('/v1/workflows/:slug/evaluate', async (req, reply) => {
      const key = bearer(req.headers.authorization);
      if (!key)
        return sendRestError(
          reply,
          'UNAUTHORIZED',
          'Send an API key as "Authorization: Bearer <key>".',
          'headers.authorization',
        );
      const identity = await deps.apiKeys.identify(key);
      if (!identity)
        return sendRestError(
          reply,
          'UNAUTHORIZED',
          'This API key is unknown or revoked.',
          'headers.authorization',
        );

      const body = evaluateRequestSchema.safeParse(req.body);
      if (!body.success) {
        const issue = body.error.issues[0]!;
        return sendRestError(reply, 'BAD_REQUEST', issue.message, formatPath(issue.path));
      }

      const { slug } = req.params;
      if (!/^[\w-]{1,120}$/.test(slug)) {
        return sendRestError(reply, 'NOT_FOUND', 'No such workflow.', 'params.slug');
      }
      const workflow = await deps.evaluators.workflow(identity.workspaceId, slug);
      if (!workflow) {
        const elsewhere = await deps.evaluators.existsInOtherWorkspace(identity.workspaceId, slug);
        return elsewhere
          ? sendRestError(
              reply,
              'FORBIDDEN',
              `This API key belongs to another workspace than workflow "${slug}".`,
              'params.slug',
            )
          : sendRestError(reply, 'NOT_FOUND', `No workflow "${slug}".`, 'params.slug');
      }
      let version = workflow.published;
      if (body.data.version !== undefined) {
        version = await deps.evaluators.version(workflow, body.data.version);
        if (!version)
          return sendRestError(
            reply,
            'NOT_FOUND',
            `Workflow "${slug}" has no version ${body.data.version}.`,
            'body.version',
          );
      } else if (!version) {
        return sendRestError(
          reply,
          'CONFLICT',
          `Workflow "${slug}" has no published version yet.`,
          'params.slug',
        );
      }

      const asOf = body.data.asOf ? Date.parse(body.data.asOf) : Date.now();
      const single = body.data.lead !== undefined;
      const inputs = single ? [body.data.lead] : body.data.leads!;
      const results: (EvaluateResultItem | (RestErrorBody & { leadId: string | null }))[] = [];
      for (let i = 0; i < inputs.length; i++) {
        const input = inputs[i];
        if (!isValidLead(input)) {
          const issue = leadSchema.safeParse(input).error?.issues[0];
          const path = formatPath([...(single ? ['lead'] : ['leads', i]), ...(issue?.path ?? [])]);
          const message = issue?.message ?? 'Invalid lead';
          if (single) return sendRestError(reply, 'BAD_REQUEST', message, path);
          const raw = input as { id?: unknown } | null;
          results.push({
            leadId: typeof raw?.id === 'string' ? raw.id : null,
            ...restErrorBody('BAD_REQUEST', message, path),
          });
          continue;
        }
        results.push(resultItem(input.id, version.evaluate(input, { asOf }), slug, version.number));
      }
      if (workflow.decisionLog) {
        // Logged before the answer goes out: a 200 means its decisions are stored.
        const decisions: NewDecision[] = [];
        for (const r of results)
          if ('stage' in r)
            decisions.push({
              leadId: r.leadId,
              stage: r.stage,
              scores: r.scores,
              tags: r.tags,
              reasons: r.reasons,
            });
        await recordDecisions(
          deps.db,
          {
            workspaceId: workflow.workspaceId,
            workflowId: workflow.workflowId,
            versionId: version.versionId,
            versionNumber: version.number,
            apiKeyId: identity.id,
            asOf: new Date(asOf),
          },
          decisions,
        );
      }
      return reply.send({ results });
    });
  });
}

function bearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1] ?? null;
}
