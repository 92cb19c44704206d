import { findLeadSet, leadSetIssuePage, MAX_STORED_ISSUES, type AccordDatabase } from '@accord/db';
import { BAD_CELLS, formatPath, importMappingSchema } from '@accord/engine';
import { TRPCError } from '@trpc/server';
import type { FastifyInstance } from 'fastify';
import { Readable } from 'node:stream';
import { z } from 'zod';
import type { SignInThrottle } from '../auth/sign-in-throttle';
import type { Env } from '../env';
import { ROLE_POLICY } from '@accord/access';
import { MappingError } from '../imports/import-leads';
import { ImportRefused } from '../imports/import-refused';
import { importLeadSet } from '../services/lead-sets';
import { mutate } from '../services/audited';
import { runManagerFor } from '../simulation/run-manager';
import { sessionFromRequest } from '../auth/session';
import type { Caches, Context } from '../trpc';
import { sendRestError, type RestErrorCode } from './rest-error';

/** Largest file the upload route takes. */
export const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;

const querySchema = z.object({
  name: z.string().trim().min(1, 'Give the lead set a name').max(120),
  format: z.enum(['csv', 'json']).optional(),
  delimiter: z.enum(['auto', ',', ';', '\t', '|']).default('auto'),
  fileName: z.string().max(255).optional(),
  /** What a cell that does not fit its field costs: the cell (default; the row is kept) or the row. */
  badCells: z.enum(BAD_CELLS).default('skip-cell'),
  /** The mapping as JSON text (see `importMappingSchema`); JSON lead documents need none. */
  mapping: z
    .string()
    .default('{"columns":{}}')
    .transform((text, ctx) => {
      try {
        return JSON.parse(text) as unknown;
      } catch {
        ctx.addIssue({ code: 'custom', message: 'mapping is not JSON' });
        return z.NEVER;
      }
    })
    .pipe(importMappingSchema),
});

const TRPC_TO_REST: Partial<Record<TRPCError['code'], RestErrorCode>> = {
  BAD_REQUEST: 'BAD_REQUEST',
  UNAUTHORIZED: 'UNAUTHORIZED',
  FORBIDDEN: 'FORBIDDEN',
  NOT_FOUND: 'NOT_FOUND',
  CONFLICT: 'CONFLICT',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  TOO_MANY_REQUESTS: 'TOO_MANY_REQUESTS',
};

/**
 * Counts the bytes of an upload and stops it past the limit. A file refused before its end (not
 * text, too wide) leaves the rest of the body unread: it is drained and dropped rather than the
 * request destroyed, which would close the connection before the answer is sent.
 */
async function* limited(body: Readable, limit: number): AsyncGenerator<Uint8Array> {
  let bytes = 0;
  try {
    for await (const chunk of body.iterator({
      destroyOnReturn: false,
    }) as AsyncIterable<Uint8Array>) {
      bytes += chunk.length;
      if (bytes > limit)
        throw new TRPCError({
          code: 'PAYLOAD_TOO_LARGE',
          message: `The file is larger than the limit of ${limit} bytes.`,
        });
      yield chunk;
    }
  } finally {
    if (!body.readableEnded) body.resume();
  }
}

/**
 * `POST /api/lead-sets/import?name=…&format=csv|json&mapping=<JSON>`: imports a file of any
 * size (the raw request body, streamed through the same parser and mapping as
 * `leadSets.import`) for a signed-in user the policy of `leadSets.import` allows. Answers what
 * `leadSets.import` answers. Also stops the simulation runs of this process when the server
 * closes, so no run is left `running`.
 * @example curl -X POST --data-binary @leads.csv -H 'content-type: text/csv' -b accord_session=… '/api/lead-sets/import?name=Q3&mapping=…'
 */
const UPLOAD_TYPES = new Set([
  'text/csv',
  'application/json',
  'application/x-ndjson',
  'application/octet-stream',
]);

export async function registerLeadSetUpload(
  app: FastifyInstance,
  deps: { database: AccordDatabase; env: Env; caches: Caches; signInThrottle: SignInThrottle },
) {
  // A graceful shutdown (shutdown.ts) lets running simulations finish first and ends them itself.
  app.addHook('onClose', async () => {
    if (!app.readiness.shuttingDown) await runManagerFor(deps.database.db).shutdown();
  });
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', (_req, payload, done) => done(null, payload));
    scope.post('/api/lead-sets/import', async (req, reply) => {
      // Only types a cross-site HTML form cannot send (CSRF): text/plain, urlencoded and
      // multipart are refused before anything is read.
      const mediaType = String(req.headers['content-type'] ?? '')
        .split(';')[0]!
        .trim()
        .toLowerCase();
      if (!UPLOAD_TYPES.has(mediaType)) {
        return reply.code(415).send({
          error: {
            code: 'UNSUPPORTED_MEDIA_TYPE',
            message: `Upload leads as ${[...UPLOAD_TYPES].join(', ')}; not ${mediaType || 'without a content type'}.`,
            path: 'headers.content-type',
          },
        });
      }
      const found = await sessionFromRequest(deps.database.db, req);
      if (!found) return sendRestError(reply, 'UNAUTHORIZED', 'Sign in first.');
      const allowed = ROLE_POLICY['leadSets.import'] as readonly string[];
      if (!allowed.includes(found.user.role))
        return sendRestError(
          reply,
          'FORBIDDEN',
          `This needs one of the roles ${allowed.join(', ')}; you are ${found.user.role}.`,
        );
      const query = querySchema.safeParse(req.query);
      if (!query.success) {
        const issue = query.error.issues[0]!;
        return sendRestError(reply, 'BAD_REQUEST', issue.message, formatPath(issue.path));
      }
      const type = String(req.headers['content-type'] ?? '');
      const format = query.data.format ?? (/json/.test(type) ? 'json' : 'csv');
      const ctx: Context & { user: typeof found.user } = {
        db: deps.database.db,
        dbKind: deps.database.kind,
        env: deps.env,
        caches: deps.caches,
        signInThrottle: deps.signInThrottle,
        user: found.user,
        sessionHash: found.sessionHash,
        req,
        res: reply,
      };
      try {
        const result = await importLeadSet(
          ctx,
          (run) => mutate(ctx, run),
          { ...query.data, format },
          limited(req.body as Readable, MAX_UPLOAD_BYTES),
          // Parsed on a thread of its own while this one stores the leads.
          { inThread: true },
        );
        return reply.send(result);
      } catch (error) {
        if (error instanceof TRPCError) {
          const code = TRPC_TO_REST[error.code] ?? 'INTERNAL_SERVER_ERROR';
          if (code === 'INTERNAL_SERVER_ERROR') req.log.error(error);
          const path =
            error.cause instanceof MappingError
              ? (error.cause.issues[0]?.path ?? '')
              : error.cause instanceof ImportRefused
                ? 'body'
                : '';
          // The rest of a refused upload is not worth reading: close once answered.
          if (!(req.body as Readable).readableEnded) reply.header('connection', 'close');
          return sendRestError(reply, code, error.message, path);
        }
        throw error;
      }
    });

    scope.get('/api/lead-sets/:leadSetId/issues.csv', async (req, reply) => {
      const found = await sessionFromRequest(deps.database.db, req);
      if (!found) return sendRestError(reply, 'UNAUTHORIZED', 'Sign in first.');
      const allowed = ROLE_POLICY['leadSets.get'] as readonly string[];
      if (!allowed.includes(found.user.role))
        return sendRestError(
          reply,
          'FORBIDDEN',
          `This needs one of the roles ${allowed.join(', ')}; you are ${found.user.role}.`,
        );
      const params = z.object({ leadSetId: z.uuid() }).safeParse(req.params);
      if (!params.success)
        return sendRestError(reply, 'BAD_REQUEST', 'leadSetId is not a lead set id.', 'leadSetId');
      const set = await findLeadSet(
        deps.database.db,
        found.user.workspace_id,
        params.data.leadSetId,
      );
      if (!set)
        return sendRestError(
          reply,
          'NOT_FOUND',
          `No lead set ${params.data.leadSetId}.`,
          'leadSetId',
        );
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header(
          'content-disposition',
          `attachment; filename="${downloadName(set.name)}-issues.csv"`,
        )
        .header('x-accord-issue-count', String(set.issue_count))
        .header('x-accord-issues-stored', String(set.issues_stored))
        .send(Readable.from(issuesCsv(deps.database.db, set)));
    });
  });
}

/** Issues read per query while the CSV streams out. */
const ISSUE_PAGE = 5_000;

/**
 * The problems of a set's import as CSV (line, column, column_index, value, reason, row_kept), in
 * the order they were found, page by page; when more were found than kept, a last line says so.
 */
async function* issuesCsv(
  db: AccordDatabase['db'],
  set: { id: string; issue_count: number; issues_stored: number },
): AsyncGenerator<string> {
  yield 'line,column,column_index,value,reason,row_kept\r\n';
  for (let from = 0; ; from += ISSUE_PAGE) {
    const page = await leadSetIssuePage(db, set.id, from, ISSUE_PAGE);
    if (page.length === 0) break;
    yield page
      .map(
        (i) =>
          `${i.line},${csvCell(i.column_name)},${i.column_index},${csvCell(i.value)},${csvCell(i.reason)},${i.row_kept ? 'yes' : 'no'}\r\n`,
      )
      .join('');
    if (page.length < ISSUE_PAGE) break;
  }
  if (set.issue_count > set.issues_stored)
    yield `,,,,${csvCell(`${(set.issue_count - set.issues_stored).toLocaleString('en')} more problems were found but not kept: a lead set keeps at most ${MAX_STORED_ISSUES.toLocaleString('en')}.`)},\r\n`;
}

/**
 * A CSV cell, quoted; text a spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets
 * a leading apostrophe, so a hostile file cannot plant one in the report.
 */
function csvCell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return `"${safe.replace(/"/g, '""')}"`;
}

/** A set name as a file name: letters, digits, dot, dash and underscore, at most 60. */
function downloadName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 60) || 'lead-set';
}
