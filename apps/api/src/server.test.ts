import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env';
import { MAX_JSON_DEPTH } from './json-limits';
import { DEMO_PASSWORD, seedDemo } from './seed';
import {
  ANONYMOUS_BODY_LIMIT_BYTES,
  buildServer,
  MAX_REST_STRING_LENGTH,
  TRPC_BODY_LIMIT_BYTES,
} from './server';

describe('parseEnv', () => {
  it('applies defaults', () => {
    const env = parseEnv({});
    expect(env.PORT).toBe(3000);
    expect(env.HOST).toBe('127.0.0.1');
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.ACCORD_DATA_DIR).toMatch(/\.data$/);
  });
  it('names each bad variable', () => {
    expect(() => parseEnv({ PORT: 'abc', DATABASE_URL: 'mysql://x' })).toThrow(EnvError);
    expect(() => parseEnv({ PORT: '70000' })).toThrow(/PORT="70000"/);
    expect(() => parseEnv({ DATABASE_URL: 'mysql://x' })).toThrow(
      /DATABASE_URL="mysql:\/\/x": must start with postgres/,
    );
  });
});

describe.each(testBackends())('server on $kind', ({ kind, open }) => {
  let database: AccordDatabase;
  const dist = mkdtempSync(join(tmpdir(), 'accord-dist-'));
  writeFileSync(join(dist, 'index.html'), '<html><div id="root"></div></html>');
  beforeAll(async () => {
    database = await open();
  });
  afterAll(() => database.close());

  it('answers /healthz with the database kind, serves the app and falls back for client routes', async () => {
    const app = await buildServer({
      database,
      env: { ...parseEnv({ LOG_LEVEL: 'silent' }), ACCORD_WEB_DIST: dist },
    });
    const health = await app.inject({ url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok', db: kind });
    const deep = await app.inject({ url: '/workflows/x/editor' });
    expect(deep.statusCode).toBe(200);
    expect(deep.body).toContain('id="root"');
    const unknownApi = await app.inject({ url: '/v1/nothing' });
    expect(unknownApi.statusCode).toBe(404);
    expect(unknownApi.json().error.code).toBe('NOT_FOUND');
    const info = await app.inject({ url: '/trpc/system.info' });
    expect(info.json().result.data).toMatchObject({ name: 'Accord', db: kind, signedIn: false });
    await app.close();
  });
});

describe.each(testBackends())('#18: hostile input over HTTP on $kind', ({ open }) => {
  let database: AccordDatabase;
  let app: Awaited<ReturnType<typeof buildServer>>;
  let cookie: string;
  beforeAll(async () => {
    database = await open();
    await seedDemo(database.db);
    app = await buildServer({ database, env: parseEnv({ LOG_LEVEL: 'silent' }) });
    const signedIn = await app.inject({
      method: 'POST',
      url: '/trpc/auth.signIn',
      headers: { 'content-type': 'application/json' },
      payload: { email: 'admin@acme.test', password: DEMO_PASSWORD },
    });
    cookie = String(signedIn.headers['set-cookie']).split(';')[0]!;
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...headers },
      payload,
    });
  const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

  it('#18: refuses a deeply nested sign-in body before parsing it, naming the cap', async () => {
    const res = await post(
      '/trpc/auth.signIn',
      `{"email":"a@acme.test","password":"x","extra":${deep(30_000)}}`,
    );
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      message: `The request body is nested deeper than ${MAX_JSON_DEPTH} levels.`,
      data: { code: 'BAD_REQUEST', path: 'auth.signIn' },
    });
  });

  it('#18: lets an input of exactly the cap through, also inside a batch envelope', async () => {
    // The input object is level 1, so `extra` holds 63 more.
    const input = `{"email":"a@acme.test","password":"x","extra":${deep(MAX_JSON_DEPTH - 1)}}`;
    const single = await post('/trpc/auth.signIn', input);
    expect(single.json().error.data.code).toBe('UNAUTHORIZED');
    const batch = await post('/trpc/auth.signIn?batch=1', `{"0":${input}}`);
    expect(batch.json()[0].error.data.code).toBe('UNAUTHORIZED');
    const deeper = await post('/trpc/auth.signIn?batch=1', `{"0":{"x":${deep(MAX_JSON_DEPTH)}}}`);
    expect(deeper.statusCode).toBe(400);
  });

  it('#18: refuses a deep `?input=` of a query the same way', async () => {
    const res = await app.inject({
      url: `/trpc/workflows.list?input=${encodeURIComponent(`{"x":${deep(200)}}`)}`,
      headers: { cookie },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      message: `The input in the URL is nested deeper than ${MAX_JSON_DEPTH} levels.`,
      data: { code: 'BAD_REQUEST' },
    });
  });

  it('#18: caps a signed-out tRPC body at 64 KB, also when it is sent chunked', async () => {
    const big = JSON.stringify({ email: 'a@acme.test', password: 'x'.repeat(70_000) });
    const res = await post('/trpc/auth.signIn', big);
    expect(res.statusCode).toBe(413);
    expect(res.json().error.message).toMatch(`at most ${ANONYMOUS_BODY_LIMIT_BYTES} bytes`);
    const chunked = await app.inject({
      method: 'POST',
      url: '/trpc/auth.signIn',
      headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
      payload: Readable.from([Buffer.from(big.slice(0, 40_000)), Buffer.from(big.slice(40_000))]),
    });
    expect(chunked.statusCode).toBe(413);
    // Signed in, the same body reaches the procedure (and its own limits).
    const signedIn = await post(
      '/trpc/workflows.create',
      JSON.stringify({ name: 'x'.repeat(70_000) }),
      {
        cookie,
      },
    );
    expect(signedIn.statusCode).toBe(400);
    expect(signedIn.json().error.data.code).toBe('BAD_REQUEST');
  });

  it('#18: caps a signed-in body by procedure: 1 MB for most, the whole limit for files and documents', async () => {
    const comment = JSON.stringify({
      workflowId: crypto.randomUUID(),
      body: 'x'.repeat(2 * 1024 * 1024),
    });
    const refused = await post('/trpc/comments.add', comment, { cookie });
    expect(refused.statusCode).toBe(413);
    expect(refused.json().error.message).toBe(
      `This request body may have at most ${TRPC_BODY_LIMIT_BYTES} bytes.`,
    );
    // A preview of a 2 MB file reaches its procedure (which answers it).
    const preview = await post(
      '/trpc/leadSets.previewImport',
      JSON.stringify({ format: 'csv', text: `id\n${'L1\n'.repeat(600_000)}` }),
      { cookie },
    );
    expect(preview.statusCode).toBe(200);
    // A batch gets the sum of its calls' limits.
    const batch = await post(
      '/trpc/comments.add,leadSets.previewImport?batch=1',
      JSON.stringify({
        0: { workflowId: crypto.randomUUID(), body: 'x' },
        1: { format: 'csv', text: 'x'.repeat(2 * 1024 * 1024) },
      }),
      { cookie },
    );
    expect(batch.statusCode).not.toBe(413);
  });

  it('#18: checks the session and the role before the input: signed out is UNAUTHORIZED, the wrong role FORBIDDEN', async () => {
    const hostile = JSON.stringify({ name: 'a\u0000b', from: 'blank' });
    const anonymous = await post('/trpc/workflows.create', hostile);
    expect(anonymous.json().error.data.code).toBe('UNAUTHORIZED');
    const auditor = await post(
      '/trpc/auth.signIn',
      JSON.stringify({ email: 'auditor@acme.test', password: DEMO_PASSWORD }),
    );
    const auditorCookie = String(auditor.headers['set-cookie']).split(';')[0]!;
    const forbidden = await post('/trpc/workflows.create', hostile, { cookie: auditorCookie });
    expect(forbidden.json().error.data.code).toBe('FORBIDDEN');
    const allowed = await post('/trpc/workflows.create', hostile, { cookie });
    expect(allowed.json().error.data.code).toBe('BAD_REQUEST');
    expect(allowed.json().error.message).toMatch(/^name contains text that cannot be stored/);
  });

  it('#18: refuses a deep or over-long REST JSON body with 400 naming the cap', async () => {
    const nestedBody = await post('/v1/workflows/x/evaluate', `{"lead":${deep(10_000)}}`);
    expect(nestedBody.statusCode).toBe(400);
    expect(nestedBody.json().error).toMatchObject({ code: 'BAD_REQUEST', path: 'body' });
    expect(nestedBody.json().error.message).toMatch(`nested deeper than ${MAX_JSON_DEPTH} levels`);
    const longText = await post(
      '/v1/workflows/x/evaluate',
      JSON.stringify({ lead: { id: 'x'.repeat(MAX_REST_STRING_LENGTH + 1) } }),
    );
    expect(longText.statusCode).toBe(400);
    expect(longText.json().error.message).toMatch(`limit of ${MAX_REST_STRING_LENGTH} bytes`);
  });
});
