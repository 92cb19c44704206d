import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvError, parseEnv } from './env';
import { buildServer } from './server';

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
