import { createDb, migrateDown, migrateToLatest, type AccordDatabase, type Db } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from './env';
import { Readiness, type ReadinessReport } from './health';
import { buildServer, type AccordServer } from './server';

const env = { ...parseEnv({ LOG_LEVEL: 'silent' }), ACCORD_WEB_DIST: '/nonexistent' };

describe.each(testBackends())('#22 /healthz and /readyz on $kind', ({ kind, open }) => {
  let database: AccordDatabase;
  let app: AccordServer;
  beforeAll(async () => {
    database = await open();
    app = await buildServer({ database, env });
  });
  afterAll(async () => {
    await app.close();
    await database.close();
  });

  it('is ready when the database answers and is migrated', async () => {
    const res = await app.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.json()).toEqual({
      status: 'ready',
      checks: { database: { ok: true }, migrations: { ok: true }, shutdown: { ok: true } },
    });
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok', db: kind });
  });

  it('answers 503 naming the migration that is missing, and 200 again once it is applied', async () => {
    const [undone] = await migrateDown(database.db);
    try {
      const res = await app.inject({ url: '/readyz' });
      expect(res.statusCode).toBe(503);
      const body = res.json() as ReadinessReport;
      expect(body.status).toBe('not ready');
      expect(body.checks.database).toEqual({ ok: true });
      expect(body.checks.migrations).toEqual({
        ok: false,
        message: `1 migration(s) not applied: ${undone}.`,
      });
    } finally {
      await migrateToLatest(database.db);
    }
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
  });

  it('turns 503 at once when shutdown begins while /healthz stays 200', async () => {
    const readiness = new Readiness(database);
    const own = await buildServer({ database, env, readiness });
    try {
      expect((await own.inject({ url: '/readyz' })).statusCode).toBe(200);
      readiness.beginShutdown();
      const res = await own.inject({ url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect((res.json() as ReadinessReport).checks.shutdown).toEqual({
        ok: false,
        message: 'The server is shutting down.',
      });
      expect((await own.inject({ url: '/healthz' })).statusCode).toBe(200);
    } finally {
      await own.close();
    }
  });
});

/** A database handle whose every query ends with `result` (a plugin stands in for the network). */
function databaseThat(db: Db, result: () => Promise<never>): Pick<AccordDatabase, 'db'> {
  return { db: db.withPlugin({ transformQuery: (args) => args.node, transformResult: result }) };
}

describe('#22 /readyz when the database is gone', () => {
  let database: AccordDatabase;
  beforeAll(async () => (database = await createDb()));
  afterAll(() => database.close());

  it('answers 503 naming the database error', async () => {
    const down = databaseThat(database.db, () => Promise.reject(new Error('connection refused')));
    const app = await buildServer({ database, env, readiness: new Readiness(down) });
    try {
      const res = await app.inject({ url: '/readyz' });
      expect(res.statusCode).toBe(503);
      expect(res.json()).toEqual({
        status: 'not ready',
        checks: {
          database: { ok: false, message: 'The database did not answer: connection refused' },
          migrations: { ok: false, message: 'Not checked: the database did not answer.' },
          shutdown: { ok: true },
        },
      });
    } finally {
      await app.close();
    }
  });

  it('answers not ready when the database hangs, and probes meanwhile share one check', async () => {
    const readiness = new Readiness(
      databaseThat(database.db, () => new Promise<never>(() => undefined)),
      50,
    );
    const first = readiness.check();
    expect(readiness.check()).toBe(first);
    expect((await first).checks.database).toEqual({
      ok: false,
      message: 'The database did not answer within 50 ms.',
    });
    expect(readiness.check()).not.toBe(first);
  });
});
