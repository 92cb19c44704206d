import {
  hasUnstorableText,
  recordDecisions,
  unstorableDecisionPart,
  type Db,
  type NewDecision,
} from '@accord/db';
import {
  asOfOrNow,
  checkLeadValues,
  leadSchema,
  type Lead,
  type LeadInput,
  type LeadValueIssue,
  formatPath,
  type Result,
} from '@accord/engine';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { isValidLead } from './lead-check';
import { leadJsonSchema } from './lead-json-schema';
import type { ApiKeyCache, ApiKeyIdentity } from './api-key-cache';
import type { EvaluatorCache } from './evaluator-cache';
import { restErrorBody, sendRestError, type RestErrorBody, type RestErrorCode } from './rest-error';

/** Most leads one request may carry. */
export const MAX_BATCH = 10_000;
/**
 * Requests per minute one API key may make (each may carry a batch of up to `MAX_BATCH` leads):
 * room for a CRM's burst of single-lead calls (100 a second for a whole minute), not for a flood.
 */
export const REQUESTS_PER_KEY_PER_MINUTE = 6_000;
/** Requests per minute one address may make without a known key (missing, unknown or revoked). */
export const UNKNOWN_KEY_REQUESTS_PER_MINUTE = 30;
/** Largest version number (PostgreSQL `integer`). */
export const MAX_VERSION = 2_147_483_647;

/** A date-time PostgreSQL can store (years 1 to 9999), as the decision log stores `asOf`. */
const storableYear = (iso: string) => {
  const year = new Date(iso).getUTCFullYear();
  return year >= 1 && year <= 9999;
};

export const evaluateRequestSchema = z
  .object({
    lead: z.unknown().optional().describe('One lead: {id, attributes, events, outcome?}'),
    leads: z.array(z.unknown()).max(MAX_BATCH).optional().describe(`Up to ${MAX_BATCH} leads`),
    version: z
      .number()
      .int()
      .positive()
      .max(MAX_VERSION)
      .optional()
      .describe('Version number; default: the published one'),
    asOf: z.iso
      .datetime({ offset: true })
      .refine(storableYear, 'Give a date-time between the years 1 and 9999')
      .optional()
      .describe('Evaluation time; default: now'),
  })
  .strict()
  .refine((body) => (body.lead === undefined) !== (body.leads === undefined), {
    message: 'Send exactly one of "lead" or "leads"',
    path: ['lead'],
  });

/** The query of GET /v1/workflows/:slug/schema. */
export const schemaQuerySchema = z
  .object({
    version: z.coerce
      .number()
      .int()
      .positive()
      .max(MAX_VERSION)
      .optional()
      .describe('Version number; default: the published one'),
  })
  .strict();

export interface EvaluateResultItem {
  leadId: string;
  stage: string;
  scores: Result['scores'];
  tags: Result['tags'];
  reasons: Result['reasons'];
  checklist: Result['checklist'] | null;
  workflow: string;
  version: number;
  /**
   * What the version's catalog ignores in this lead: attributes and event properties it does not
   * know, enum values outside its options (paths relative to the lead, e.g. `attributes.shoe_size`).
   */
  warnings: readonly LeadValueIssue[];
}

/** Most warnings listed per lead; past it, one last entry says how many more there were. */
export const MAX_WARNINGS_PER_LEAD = 20;

const NO_WARNINGS: readonly LeadValueIssue[] = Object.freeze([]);

/** A lead's warnings, at most `MAX_WARNINGS_PER_LEAD` of them plus a count of the rest. */
function cappedWarnings(warnings: readonly LeadValueIssue[]): readonly LeadValueIssue[] {
  if (warnings.length === 0) return NO_WARNINGS;
  if (warnings.length <= MAX_WARNINGS_PER_LEAD) return warnings;
  const more = warnings.length - MAX_WARNINGS_PER_LEAD;
  return [
    ...warnings.slice(0, MAX_WARNINGS_PER_LEAD),
    { path: '', message: `and ${more} more warning${more === 1 ? '' : 's'}` },
  ];
}

/**
 * One lead's entry in the answer.
 * @example resultItem('L-1', version.evaluate(lead, { asOf }), 'inbound', 3, check.warnings)
 */
export function resultItem(
  leadId: string,
  result: Result,
  workflow: string,
  version: number,
  warnings: readonly LeadValueIssue[] = NO_WARNINGS,
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
    warnings: cappedWarnings(warnings),
  };
}

type LeadError = RestErrorBody & { leadId: string | null };

/** The identity of each request's key, looked up once by the rate limiter (null: none or unknown). */
const identities = new WeakMap<FastifyRequest, ApiKeyIdentity | null>();

/**
 * POST /v1/workflows/:slug/evaluate — evaluates one lead or a batch with the published version
 * (or the one named) for the workspace of the bearer key. Each lead is checked against the
 * catalog that version pinned: a value of the wrong type is an error naming its path, an attribute
 * the catalog does not know is ignored and listed in the lead's `warnings`. A bad lead in a batch
 * is answered with its own error; the good ones are evaluated. Rate limited per API key (after looking it up), and
 * per address for requests without a known key.
 */
export async function registerEvaluateRoute(
  app: FastifyInstance,
  deps: {
    db: Db;
    evaluators: EvaluatorCache;
    apiKeys: ApiKeyCache;
    /** Requests per minute; defaults `REQUESTS_PER_KEY_PER_MINUTE`, `UNKNOWN_KEY_REQUESTS_PER_MINUTE`. */
    rateLimits?: { perKey?: number; perAddress?: number };
  },
) {
  const perKey = deps.rateLimits?.perKey ?? REQUESTS_PER_KEY_PER_MINUTE;
  const perAddress = deps.rateLimits?.perAddress ?? UNKNOWN_KEY_REQUESTS_PER_MINUTE;
  await app.register(async (scope) => {
    await scope.register(rateLimit, {
      // A made-up key gets no bucket of its own: it counts against its address.
      keyGenerator: async (req) => {
        const key = bearer(req.headers.authorization);
        const identity = key ? await deps.apiKeys.identify(key) : null;
        identities.set(req, identity);
        return identity ? `key:${identity.id}` : `address:${req.ip}`;
      },
      max: (_req, bucket) => (bucket.startsWith('key:') ? perKey : perAddress),
      timeWindow: 60_000,
      errorResponseBuilder: (_req, context) => ({
        statusCode: 429,
        ...restErrorBody(
          'TOO_MANY_REQUESTS',
          `Rate limit of ${context.max} requests per minute reached; retry in ${context.after}.`,
        ),
      }),
    });

    /**
     * The key's identity, the workflow `slug` of its workspace and the version asked for (the
     * published one by default); null once an error is sent.
     */
    const resolve = async (
      req: FastifyRequest<{ Params: { slug: string } }>,
      reply: FastifyReply,
      versionOf: () => { ok: true; number: number | undefined; path: string } | { ok: false },
    ) => {
      const refuse = (code: RestErrorCode, message: string, path: string) => {
        sendRestError(reply, code, message, path);
        return null;
      };
      const key = bearer(req.headers.authorization);
      if (!key)
        return refuse(
          'UNAUTHORIZED',
          'Send an API key as "Authorization: Bearer <key>".',
          'headers.authorization',
        );
      const identity = identities.has(req) ? identities.get(req) : await deps.apiKeys.identify(key);
      if (!identity)
        return refuse(
          'UNAUTHORIZED',
          'This API key is unknown or revoked.',
          'headers.authorization',
        );
      const asked = versionOf();
      if (!asked.ok) return null;

      const { slug } = req.params;
      if (!/^[\w-]{1,120}$/.test(slug)) {
        return refuse('NOT_FOUND', 'No such workflow.', 'params.slug');
      }
      // Another workspace's workflow answers as one that does not exist: a key learns nothing
      // about other workspaces.
      const workflow = await deps.evaluators.workflow(identity.workspaceId, slug);
      if (!workflow) return refuse('NOT_FOUND', `No workflow "${slug}".`, 'params.slug');
      let version = workflow.published;
      if (asked.number !== undefined) {
        version = await deps.evaluators.version(workflow, asked.number);
        if (!version)
          return refuse(
            'NOT_FOUND',
            `Workflow "${slug}" has no version ${asked.number}.`,
            asked.path,
          );
      } else if (!version) {
        return refuse(
          'CONFLICT',
          `Workflow "${slug}" has no published version yet.`,
          'params.slug',
        );
      }
      return { identity, workflow, version, slug };
    };

    scope.get<{ Params: { slug: string }; Querystring: Record<string, unknown> }>(
      '/v1/workflows/:slug/schema',
      async (req, reply) => {
        const found = await resolve(req, reply, () => {
          const query = schemaQuerySchema.safeParse(req.query);
          if (query.success) return { ok: true, number: query.data.version, path: 'query.version' };
          const issue = query.error.issues[0]!;
          const at = formatPath(issue.path);
          sendRestError(reply, 'BAD_REQUEST', issue.message, at ? `query.${at}` : 'query');
          return { ok: false };
        });
        if (!found) return reply;
        return reply.send(leadJsonSchema(found.version));
      },
    );

    scope.post<{ Params: { slug: string } }>('/v1/workflows/:slug/evaluate', async (req, reply) => {
      let body: z.infer<typeof evaluateRequestSchema> | undefined;
      const found = await resolve(req, reply, () => {
        const parsed = evaluateRequestSchema.safeParse(req.body);
        if (parsed.success) {
          body = parsed.data;
          return { ok: true, number: parsed.data.version, path: 'body.version' };
        }
        const issue = parsed.error.issues[0]!;
        sendRestError(reply, 'BAD_REQUEST', issue.message, formatPath(issue.path));
        return { ok: false };
      });
      if (!found || body === undefined) return reply;
      const { identity, workflow, version, slug } = found;

      const asOf = asOfOrNow(body.asOf);
      const single = body.lead !== undefined;
      const inputs = single ? [body.lead] : body.leads!;
      // A path into the body from one relative to the lead: `leads[3]` + `attributes.email`.
      const at = (i: number, rel: string) => {
        const base = single ? 'lead' : `leads[${i}]`;
        return rel === '' ? base : rel.startsWith('[') ? base + rel : `${base}.${rel}`;
      };
      const results: (EvaluateResultItem | LeadError)[] = [];
      // Leads as sent (the fast check skips zod, so `events` may be missing).
      const leads: LeadInput[] = [];
      for (let i = 0; i < inputs.length; i++) {
        const input = inputs[i];
        let problem: { message: string; path: string } | undefined;
        let warnings = NO_WARNINGS;
        if (!isValidLead(input)) {
          const issue = leadSchema.safeParse(input).error?.issues[0];
          problem = {
            message: issue?.message ?? 'Invalid lead',
            path: at(i, formatPath(issue?.path ?? [])),
          };
        } else {
          const check = checkLeadValues(input, version.catalog);
          const errors = check.errors;
          warnings = check.warnings;
          if (errors.length > 0)
            problem = {
              message:
                errors.length === 1
                  ? errors[0]!.message
                  : `${errors[0]!.message} (and ${errors.length - 1} more problem${errors.length === 2 ? '' : 's'})`,
              path: at(i, errors[0]!.path),
            };
        }
        if (problem) {
          if (single) return sendRestError(reply, 'BAD_REQUEST', problem.message, problem.path);
          results.push(leadError(input, problem.message, problem.path));
          continue;
        }
        const lead = input as Lead;
        leads[i] = lead;
        results.push(
          resultItem(lead.id, version.evaluate(lead, { asOf }), slug, version.number, warnings),
        );
      }
      if (workflow.decisionLog) {
        // Every value is checked before anything is written, and all of the request's decisions
        // are written in one transaction: a 200 means all its answered leads are logged, an error
        // that none is.
        const decisions: NewDecision[] = [];
        for (let i = 0; i < results.length; i++) {
          const r = results[i]!;
          if (!('stage' in r)) continue;
          const decision = {
            leadId: r.leadId,
            stage: r.stage,
            scores: r.scores,
            tags: r.tags,
            reasons: r.reasons,
          };
          const part = unstorableDecisionPart(decision);
          if (part === undefined) {
            decisions.push(decision);
            continue;
          }
          const message = `The decision log cannot store ${part === 'leadId' ? 'this lead id' : `this lead's ${part}`}: text with a NUL character or half of a surrogate pair.`;
          const path = at(i, part === 'leadId' ? 'id' : unstorableValuePath(leads[i]!));
          if (single) return sendRestError(reply, 'BAD_REQUEST', message, path);
          results[i] = leadError(leads[i], message, path);
        }
        if (decisions.length > 0)
          await deps.db.transaction().execute((trx) =>
            recordDecisions(
              trx,
              {
                workspaceId: workflow.workspaceId,
                workflowId: workflow.workflowId,
                versionId: version.versionId,
                versionNumber: version.number,
                apiKeyId: identity.id,
                asOf: new Date(asOf),
              },
              decisions,
            ),
          );
      }
      return reply.send({ results });
    });
  });
}

function leadError(input: unknown, message: string, path: string): LeadError {
  const raw = input as { id?: unknown } | null;
  return {
    leadId: typeof raw?.id === 'string' ? raw.id : null,
    ...restErrorBody('BAD_REQUEST', message, path),
  };
}

/** Where in a lead the text is that the decision log cannot store (an attribute or event property). */
function unstorableValuePath(lead: LeadInput): string {
  for (const key in lead.attributes)
    if (hasUnstorableText(key) || hasUnstorableText(lead.attributes[key]))
      return formatPath(['attributes', key]);
  const events = lead.events ?? [];
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (hasUnstorableText(event.type)) return `events[${i}].type`;
    for (const key in event.props ?? {})
      if (hasUnstorableText(key) || hasUnstorableText(event.props![key]))
        return formatPath(['events', i, 'props', key]);
  }
  return '';
}

function bearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1] ?? null;
}
