/**
 * #22: SIGTERM with requests in flight loses none. The built server (as `npm start` and the
 * container run it) gets several large batch evaluations at once; SIGTERM arrives while they
 * run. Every one of them is answered in full, new connections are refused meanwhile, /readyz
 * never says ready again, and the process exits 0 saying it stopped cleanly.
 */
import { connect } from 'node:net';
import { generateLeads } from '@accord/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../e2e/harness';
import { demoApiKey, evaluate, type CallOutcome } from './support/evaluate-calls';

const BATCHES = 6;
const LEADS_PER_BATCH = 10_000;
const DELAY_MS = 0;

/** Whether a new TCP connection to the app is refused. */
function refused(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

async function until(condition: () => boolean | Promise<boolean>, ms: number, what: string) {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`Timed out after ${ms} ms waiting for ${what}.`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('#22 graceful shutdown of the built server', () => {
  let app: RunningApp;
  let key: string;
  beforeAll(async () => {
    // No drain delay (ACCORD_SHUTDOWN_DELAY_MS): the listener closes as soon as the requests
    // already sent have been read.
    app = await startApp({
      ACCORD_RATE_LIMIT_PER_KEY: '1000000',
      ACCORD_SHUTDOWN_DELAY_MS: String(DELAY_MS),
      LOG_LEVEL: 'warn',
    });
    key = await demoApiKey(app.url);
  });
  afterAll(() => app.stop());

  it('answers every in-flight request in full, refuses new connections and exits 0', async () => {
    const asOf = '2026-11-30T00:00:00Z';
    const leads = generateLeads({ count: LEADS_PER_BATCH, seed: 22, asOf });
    const body = JSON.stringify({ leads, asOf });
    expect((await fetch(`${app.url}/readyz`)).status).toBe(200);

    let sent = 0;
    let answered = 0;
    const calls: Promise<CallOutcome>[] = Array.from({ length: BATCHES }, () =>
      evaluate(app.url, key, body, () => sent++).then((outcome) => {
        answered++;
        return outcome;
      }),
    );
    // Every body is on the wire (the server reads and works on them) before the signal.
    await until(() => sent === BATCHES, 30_000, 'the request bodies to be sent');
    await new Promise((r) => setTimeout(r, 50));
    process.kill(app.pid, 'SIGTERM');
    const signalled = Date.now();
    // The signal came while batches were still being worked on.
    expect(answered).toBeLessThan(BATCHES);

    await until(() => refused(app.url), 10_000, 'new connections to be refused');
    expect(Date.now() - signalled).toBeGreaterThanOrEqual(DELAY_MS);
    const outcomes = await Promise.all(calls);
    const statuses = outcomes.map((o) => ('status' in o ? o.status : o.error));
    expect(statuses, app.output()).toEqual(Array(BATCHES).fill(200));
    for (const outcome of outcomes) {
      expect(outcome).toMatchObject({ status: 200 });
      const answer = JSON.parse((outcome as { body: string }).body) as {
        results: { leadId: string; stage?: string; version?: number }[];
      };
      expect(answer.results).toHaveLength(LEADS_PER_BATCH);
      expect(answer.results.every((r) => typeof r.stage === 'string' && r.version === 1)).toBe(
        true,
      );
    }

    const exit = await app.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(app.output()).toMatch(/SIGTERM: stopping \(grace period \d+ ms\)/);
    expect(app.output()).toMatch(/Accord stopped cleanly in \d+ ms\./);
    expect(app.output()).toMatch(/started in \d+ ms\)/);
  });
});
