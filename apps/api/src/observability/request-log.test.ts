import { Writable } from 'node:stream';
import type { InjectOptions } from 'fastify';
import type { AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../env';
import { DEMO_PASSWORD } from '../seed';
import { buildServer, type AccordServer } from '../server';
import { demoCallers } from '../testing';

/** A stream that keeps what the logger writes. */
function capture() {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString('utf8'));
      done();
    },
  });
  return { stream, text: () => chunks.join('') };
}

/** Lead data no log line may hold below `debug`. */
const LEAD_EMAIL = 'ann.secretive-7f3a@globex-private.com';
const LEAD_TITLE = 'Chief Confidential Officer';

describe('#22: structured request logs', () => {
  const [memory] = testBackends();
  let database: AccordDatabase;
  let key: string;
  let slug: string;
  beforeAll(async () => {
    database = await memory!.open();
    const app = await buildServer({ database, env: parseEnv({ LOG_LEVEL: 'silent' }) });
    const as = await demoCallers(database, {}, app.caches);
    slug = (await as.admin.workflows.list({})).find((w) => w.publishedVersion)!.slug;
    ({ key } = await as.admin.apiKeys.create({ name: 'CRM' }));
    await app.close();
  });
  afterAll(async () => {
    await database?.close();
  });

  /** Signs in, reads with the session, evaluates a lead with the key, and fails three ways. */
  async function traffic(app: AccordServer) {
    const answers: { requestId: string; status: number; body: string }[] = [];
    const send = async (options: InjectOptions) => {
      const res = await app.inject(options);
      answers.push({
        requestId: String(res.headers['x-request-id']),
        status: res.statusCode,
        body: res.body,
      });
      return res;
    };
    const signIn = await send({
      method: 'POST',
      url: '/trpc/auth.signIn',
      headers: { 'content-type': 'application/json' },
      payload: { email: 'admin@acme.test', password: DEMO_PASSWORD },
    });
    const setCookie = String(signIn.headers['set-cookie']);
    const session = setCookie.split(';')[0]!.split('=')[1]!;
    expect(session.length).toBeGreaterThan(20);
    await send({ url: '/trpc/auth.me', headers: { cookie: `accord_session=${session}` } });
    await send({
      method: 'POST',
      url: `/v1/workflows/${slug}/evaluate?note=${encodeURIComponent(LEAD_EMAIL)}`,
      headers: { authorization: `Bearer ${key}` },
      payload: {
        lead: { id: 'L-1', attributes: { email: LEAD_EMAIL, job_title: LEAD_TITLE }, events: [] },
      },
    });
    const restError = await send({
      method: 'POST',
      url: `/v1/workflows/${slug}/evaluate`,
      headers: { authorization: `Bearer ${key}`, 'x-request-id': 'crm-trace.42:a_b-c' },
      payload: { lead: { id: 'L-2', attributes: { email: 12 } } },
    });
    const trpcError = await send({
      method: 'POST',
      url: '/trpc/auth.signIn',
      headers: { 'content-type': 'application/json', 'x-request-id': 'has spaces in it' },
      payload: { email: 'admin@acme.test', password: 'not-the-password-9f1c' },
    });
    const unknown = await send({
      url: '/v1/nothing',
      headers: { 'x-request-id': 'x'.repeat(65) },
    });
    return { answers, session, restError, trpcError, unknown };
  }

  it('writes one JSON line per request carrying the answer’s request id, and no secret', async () => {
    const log = capture();
    const app = await buildServer({
      database,
      env: parseEnv({ LOG_LEVEL: 'info' }),
      logStream: log.stream,
    });
    let run: Awaited<ReturnType<typeof traffic>>;
    try {
      run = await traffic(app);
    } finally {
      await app.close();
    }
    const { answers, session, restError, trpcError, unknown } = run;

    // A sane id from the caller is kept; others are replaced by a fresh UUID.
    expect(restError.statusCode).toBe(400);
    expect(restError.headers['x-request-id']).toBe('crm-trace.42:a_b-c');
    expect(restError.json().error).toMatchObject({
      code: 'BAD_REQUEST',
      requestId: 'crm-trace.42:a_b-c',
    });
    expect(trpcError.statusCode).toBe(401);
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(trpcError.headers['x-request-id']).toMatch(uuid);
    expect(trpcError.json().error.data.requestId).toBe(trpcError.headers['x-request-id']);
    expect(unknown.statusCode).toBe(404);
    expect(unknown.headers['x-request-id']).toMatch(uuid);
    expect(unknown.json().error.requestId).toBe(unknown.headers['x-request-id']);
    expect(new Set(answers.map((a) => a.requestId)).size).toBe(answers.length);

    const text = log.text();
    const lines = text.trimEnd().split('\n');
    const entries = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = entries.filter((e) => e.msg === 'request');
    expect(requests.map((e) => [e.requestId, e.status])).toEqual(
      answers.map((a) => [a.requestId, a.status]),
    );
    expect(requests[2]).toMatchObject({
      method: 'POST',
      route: '/v1/workflows/:slug/evaluate',
      path: `/v1/workflows/${slug}/evaluate`,
      level: 30,
    });
    expect(typeof requests[2]!.durationMs).toBe('number');
    for (const secret of [
      DEMO_PASSWORD,
      'not-the-password-9f1c',
      session,
      key,
      key.slice(-12),
      LEAD_EMAIL,
      LEAD_TITLE,
      encodeURIComponent(LEAD_EMAIL),
    ])
      expect(text).not.toContain(secret);
  });

  it('logs request bodies at debug, lead data included, passwords and keys still redacted', async () => {
    const log = capture();
    const app = await buildServer({
      database,
      env: parseEnv({ LOG_LEVEL: 'debug' }),
      logStream: log.stream,
    });
    let run: Awaited<ReturnType<typeof traffic>>;
    try {
      run = await traffic(app);
    } finally {
      await app.close();
    }
    const text = log.text();
    for (const line of text.trimEnd().split('\n')) expect(() => JSON.parse(line)).not.toThrow();
    expect(text).toContain(LEAD_EMAIL);
    expect(text).toContain('[redacted]');
    for (const secret of [DEMO_PASSWORD, 'not-the-password-9f1c', run.session, key])
      expect(text).not.toContain(secret);
  });
});
