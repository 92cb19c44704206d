import { recordDecisions, type Db, type NewDecision } from '@accord/db';
import { asOfOrNow, formatPath } from '@accord/engine';
import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import { z } from 'zod';
import { checkLead } from './lead-check';
import {
  reportDecisionsLogged,
  reportEvaluated,
  reportStageCounts,
} from '../observability/activity';
import { leadJsonSchema } from './lead-json-schema';
import type { ApiKeyCache, ApiKeyIdentity } from './api-key-cache';
import type { EvaluatorCache } from './evaluator-cache';
import {
  compactItem,
  decisionOf,
  leadError,
  resultItem,
  unstorableDecision,
  type CompactResultItem,
  type EvaluateResultItem,
  type LeadError,
} from './evaluate-result';
import { NDJSON_TYPE, NdjsonEvaluation, ndjsonAnswer } from './ndjson-evaluation';
import { restErrorBody, sendRestError, type RestErrorCode } from './rest-error';

export {
  compactItem,
  MAX_WARNINGS_PER_LEAD,
  resultItem,
  type CompactResultItem,
  type EvaluateResultItem,
} from './evaluate-result';
export { MAX_NDJSON_LINE_BYTES, NDJSON_TYPE, NdjsonEvaluation } from './ndjson-evaluation';

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

/** A version number in a query string; default: the published version. */
const versionQuery = z.coerce
  .number()
  .int()
  .positive()
  .max(MAX_VERSION)
  .optional()
  .describe('Version number; default: the published one');

/** An evaluation time: an ISO date-time with its offset, in a year a database can store. */
const asOfDateTime = z.iso
  .datetime({ offset: true })
  .refine(storableYear, 'Give a date-time between the years 1 and 9999')
  .optional();

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
    asOf: asOfDateTime.describe('Evaluation time; default: now'),
  })
  .strict()
  .refine((body) => (body.lead === undefined) !== (body.leads === undefined), {
    message: 'Send exactly one of "lead" or "leads"',
    path: ['lead'],
  });

/** The query of GET /v1/workflows/:slug/schema. */
export const schemaQuerySchema = z
  .object({
    version: versionQuery,
  })
  .strict();

const explainSchema = z
  .enum(['true', 'false'])
  .default('true')
  .transform((v) => v === 'true')
  .describe('false: each result carries only leadId, stage and scores (and warnings if any)');

/** The query of POST /v1/workflows/:slug/evaluate with a JSON body. */
export const evaluateQuerySchema = z.object({ explain: explainSchema }).strict();

/**
 * The query of POST /v1/workflows/:slug/evaluate with an NDJSON body (one lead per line): what a
 * JSON body's envelope carries.
 */
export const ndjsonQuerySchema = z
  .object({
    version: versionQuery,
    asOf: asOfDateTime.describe('Evaluation time of every line; default: when the request starts'),
    explain: explainSchema,
  })
  .strict();

/** Whether a request's body is NDJSON (its content type, parameters aside). */
const isNdjson = (req: FastifyRequest) =>
  (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase() === NDJSON_TYPE;

/** The first problem of a query, answered as 400 naming `query.<param>`. */
function sendQueryError(reply: FastifyReply, error: z.ZodError) {
  const issue = error.issues[0]!;
  const at = formatPath(issue.path);
  sendRestError(reply, 'BAD_REQUEST', issue.message, at ? `query.${at}` : 'query');
}

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

    // NDJSON bodies are handed over unread: the route reads them line by line once the key,
    // workflow and version are known (and not at all when they are not).
    scope.addContentTypeParser(NDJSON_TYPE, (_req, payload, done) => done(null, payload));
    // An NDJSON body refused before its end (401, 404, 429, …) is not worth reading to its end,
    // which may be far: the connection closes once the answer is sent.
    scope.addHook('onSend', async (req, reply) => {
      if (reply.statusCode >= 400 && isNdjson(req) && !req.raw.complete)
        reply.header('connection', 'close');
    });

    /**
     * The NDJSON form: one lead per line in, one result line per line out, in order, both
     * streamed. The key, workflow and version are settled before a byte of the body is read; the
     * version (and the decision-log switch) then holds for the whole stream, named once in the
     * `x-accord-workflow`, `x-accord-version` and `x-accord-version-id` headers.
     */
    const evaluateNdjson = async (
      req: FastifyRequest<{ Params: { slug: string } }>,
      reply: FastifyReply,
    ) => {
      let query: z.infer<typeof ndjsonQuerySchema> | undefined;
      const found = await resolve(req, reply, () => {
        const parsed = ndjsonQuerySchema.safeParse(req.query ?? {});
        if (!parsed.success) {
          sendQueryError(reply, parsed.error);
          return { ok: false };
        }
        query = parsed.data;
        return { ok: true, number: parsed.data.version, path: 'query.version' };
      });
      if (!found || query === undefined) return reply;
      const { workflow, version, slug } = found;
      const asOf = asOfOrNow(query.asOf);
      const run = new NdjsonEvaluation({
        version,
        workflow: slug,
        asOf,
        explain: query.explain,
        logDecisions: workflow.decisionLog,
      });
      const log = workflow.decisionLog
        ? (decisions: NewDecision[]) =>
            logDecisions(deps.db, found, asOf, decisions).then(() =>
              reportDecisionsLogged(deps.db, decisions.length),
            )
        : null;
      return reply
        .type(`${NDJSON_TYPE}; charset=utf-8`)
        .header('x-accord-workflow', slug)
        .header('x-accord-version', String(version.number))
        .header('x-accord-version-id', version.versionId)
        .header('x-accord-version-hash', version.hash)
        .header('x-accord-as-of', new Date(asOf).toISOString())
        .send(
          Readable.from(
            countedByStage(
              ndjsonAnswer(req.body as Readable, run, log, (error) =>
                req.log.error(error, 'NDJSON evaluation failed'),
              ),
              () => reportStageCounts(deps.db, slug, version.number, run.takeStageCounts()),
            ),
          ),
        );
    };

    scope.post<{ Params: { slug: string } }>('/v1/workflows/:slug/evaluate', async (req, reply) => {
      if (isNdjson(req)) return evaluateNdjson(req, reply);
      let body: z.infer<typeof evaluateRequestSchema> | undefined;
      let explain = true;
      const found = await resolve(req, reply, () => {
        const query = evaluateQuerySchema.safeParse(req.query ?? {});
        if (!query.success) {
          sendQueryError(reply, query.error);
          return { ok: false };
        }
        explain = query.data.explain;
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
      const { workflow, version, slug } = found;

      const asOf = asOfOrNow(body.asOf);
      const single = body.lead !== undefined;
      const inputs = single ? [body.lead] : body.leads!;
      // A path into the body from one relative to the lead: `leads[3]` + `attributes.email`.
      const at = (i: number, rel: string) => {
        const base = single ? 'lead' : `leads[${i}]`;
        return rel === '' ? base : rel.startsWith('[') ? base + rel : `${base}.${rel}`;
      };
      const results: (EvaluateResultItem | CompactResultItem | LeadError)[] = [];
      const decisions: NewDecision[] = [];
      for (let i = 0; i < inputs.length; i++) {
        const input = inputs[i];
        const check = checkLead(input, version.catalog);
        if (!check.ok) {
          const path = at(i, check.path);
          if (single) return sendRestError(reply, 'BAD_REQUEST', check.message, path);
          results.push(leadError(input, check.message, path));
          continue;
        }
        const { lead, warnings } = check;
        const result = version.evaluate(lead, { asOf });
        if (workflow.decisionLog) {
          // Every value is checked before anything is written (below, in one transaction): a
          // lead whose decision cannot be stored is answered with its own error.
          const decision = decisionOf(lead.id, result);
          const unstorable = unstorableDecision(decision, lead);
          if (unstorable) {
            const path = at(i, unstorable.path);
            if (single) return sendRestError(reply, 'BAD_REQUEST', unstorable.message, path);
            results.push(leadError(lead, unstorable.message, path));
            continue;
          }
          decisions.push(decision);
        }
        results.push(
          explain
            ? resultItem(lead.id, result, slug, version.number, warnings)
            : compactItem(lead.id, result, warnings),
        );
      }
      // All of the request's decisions are written in one transaction: a 200 means all its
      // answered leads are logged, an error that none is.
      if (decisions.length > 0) await logDecisions(deps.db, found, asOf, decisions);
      reportEvaluated(deps.db, slug, version.number, results, decisions.length);
      reply.header('x-accord-version', String(version.number));
      return reply.send({ results });
    });
  });
}

function bearer(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  return match?.[1] ?? null;
}

/** Passes a stream's chunks on, reporting the leads answered so far before each one goes out. */
async function* countedByStage(
  chunks: AsyncIterable<string>,
  report: () => void,
): AsyncGenerator<string> {
  try {
    for await (const chunk of chunks) {
      report();
      yield chunk;
    }
  } finally {
    report();
  }
}

/**
 * Writes one request's (or one NDJSON batch's) decisions in one transaction, attributed to the
 * key, workflow and version that answered them.
 */
function logDecisions(
  db: Db,
  answered: {
    identity: { id: string };
    workflow: { workspaceId: string; workflowId: string };
    version: { versionId: string; number: number };
  },
  asOf: number,
  decisions: NewDecision[],
) {
  const { identity, workflow, version } = answered;
  return db.transaction().execute((trx) =>
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
