import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createDb, type AccordDatabase } from '@accord/db';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { parseEnv } from './env';
import { buildServer, type AccordServer } from './server';
import { ConnectionTracker, shutDown, shutdownMessage, type ShutdownDeps } from './shutdown';

/** A response larger than the socket buffers: still flushing after the handler ended it. */
const BIG_BYTES = 32 * 1024 * 1024;

const env = { ...parseEnv({ LOG_LEVEL: 'silent' }), ACCORD_WEB_DIST: '/nonexistent' };

/** A server with a `/slow?ms=` route, listening on a free loopback port. */
async function slowServer(database: AccordDatabase): Promise<{ app: AccordServer; port: number }> {
  const app = await buildServer({ database, env });
  app.get('/slow', async (req) => {
    const ms = Number((req.query as { ms?: string }).ms ?? 0);
    await new Promise((resolve) => setTimeout(resolve, ms));
    return { waited: ms };
  });
  app.get('/big', async () => 'x'.repeat(BIG_BYTES));
  await app.listen({ port: 0, host: '127.0.0.1' });
  return { app, port: (app.server.address() as AddressInfo).port };
}

/** One GET on a connection of its own: status and body, or the connection error's code. */
function get(port: number, path: string): Promise<{ status: number; body: string } | string> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    });
    req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
    req.end();
  });
}

const runsIdle = (): ShutdownDeps['runs'] => ({
  idle: async () => undefined,
  pending: 0,
  shutdown: vi.fn(async () => undefined),
});

describe('#22 graceful shutdown', () => {
  let database: AccordDatabase;
  beforeAll(async () => (database = await createDb()));
  afterAll(() => database.close());

  it('finishes in-flight requests, refuses new connections, turns not ready, closes the database', async () => {
    const { app, port } = await slowServer(database);
    const inFlight = [get(port, '/slow?ms=600'), get(port, '/slow?ms=300')];
    await new Promise((r) => setTimeout(r, 100));
    const close = vi.fn(async () => undefined);
    const stopRepairs = vi.fn();
    const runs = runsIdle();
    const stopping = shutDown({ app, database: { close }, runs, stopRepairs, graceMs: 10_000 });
    expect(app.readiness.shuttingDown).toBe(true);
    expect(stopRepairs).toHaveBeenCalled();
    // The listener closes within a few turns of the event loop, while the requests still run.
    let answered = 0;
    for (const call of inFlight) void call.then(() => answered++);
    let probe = await get(port, '/healthz');
    for (let i = 0; i < 50 && probe !== 'ECONNREFUSED'; i++) {
      await new Promise((r) => setTimeout(r, 5));
      probe = await get(port, '/healthz');
    }
    expect(probe).toBe('ECONNREFUSED');
    expect(answered).toBe(0);
    expect(await Promise.all(inFlight)).toEqual([
      { status: 200, body: '{"waited":600}' },
      { status: 200, body: '{"waited":300}' },
    ]);
    const summary = await stopping;
    expect(summary).toMatchObject({ forcedConnections: false, runsStopped: 0 });
    expect(summary.ms).toBeGreaterThanOrEqual(400);
    expect(runs.shutdown).toHaveBeenCalled();
    expect(close).toHaveBeenCalled();
    expect(shutdownMessage(summary)).toMatch(/^Accord stopped cleanly in \d+ ms\.$/);
  });

  it('cuts what is still busy when the grace period ends: connections closed, runs marked failed', async () => {
    const { app, port } = await slowServer(database);
    const stuck = get(port, '/slow?ms=30000');
    await new Promise((r) => setTimeout(r, 100));
    const runs: ShutdownDeps['runs'] = {
      idle: () => new Promise(() => undefined),
      pending: 2,
      shutdown: vi.fn(async () => undefined),
    };
    const summary = await shutDown({
      app,
      database: { close: async () => undefined },
      runs,
      stopRepairs: () => undefined,
      graceMs: 300,
    });
    expect(await stuck).toBe('ECONNRESET');
    expect(summary).toMatchObject({ forcedConnections: true, runsStopped: 2 });
    expect(summary.ms).toBeLessThan(5_000);
    expect(runs.shutdown).toHaveBeenCalled();
    expect(shutdownMessage(summary)).toMatch(
      /after its grace period: closed connections still busy and marked 2 unfinished simulation run\(s\) failed\.$/,
    );
  });

  it('keeps serving, not ready, for the delay before it closes the listener', async () => {
    const { app, port } = await slowServer(database);
    const stopping = shutDown({
      app,
      database: { close: async () => undefined },
      runs: runsIdle(),
      stopRepairs: () => undefined,
      delayMs: 400,
      graceMs: 5_000,
    });
    const ready = await get(port, '/readyz');
    expect(ready).toMatchObject({ status: 503 });
    expect(JSON.parse((ready as { body: string }).body).checks.shutdown.ok).toBe(false);
    expect(await get(port, '/slow?ms=10')).toEqual({ status: 200, body: '{"waited":10}' });
    const summary = await stopping;
    expect(summary.ms).toBeGreaterThanOrEqual(400);
    expect(await get(port, '/healthz')).toBe('ECONNREFUSED');
  });

  it('lets a large response that is still being flushed reach a slow reader in full', async () => {
    const { app, port } = await slowServer(database);
    const connections = new ConnectionTracker(app.server);
    const received = new Promise<number | string>((resolve) => {
      const req = request({ host: '127.0.0.1', port, path: '/big', agent: false }, (res) => {
        res.pause();
        let bytes = 0;
        // The reader waits until shutdown has begun, then reads everything.
        setTimeout(() => {
          res.on('data', (d: Buffer) => (bytes += d.length));
          res.on('end', () => resolve(bytes));
          res.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
          res.resume();
        }, 500);
      });
      req.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
      req.end();
    });
    await new Promise((r) => setTimeout(r, 200));
    const summary = await shutDown({
      app,
      database: { close: async () => undefined },
      runs: runsIdle(),
      stopRepairs: () => undefined,
      connections,
      graceMs: 20_000,
    });
    expect(await received).toBe(BIG_BYTES);
    expect(summary.forcedConnections).toBe(false);
  });
});
