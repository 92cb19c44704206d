/**
 * #22: rolling restarts over PostgreSQL. Two built instances share one database (a fresh schema
 * of TEST_DATABASE_URL); client loops send a bounded loopback load of evaluate calls spread over
 * both. Mid-load one instance gets SIGTERM, exits 0 and is started again; a call that meets a
 * refused or reset connection, or the 503 a closing instance answers, is retried on the other
 * instance, as a load balancer does. In the end every call was answered 200 by one of them.
 */
import { generateLeads } from '@accord/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../e2e/harness';
import { PG_URL, postgresBackend } from './support/backends';
import { demoApiKey, evaluate, type CallOutcome } from './support/evaluate-calls';

const CLIENTS = 6;
const CALLS = 1_500;
const LEADS_PER_CALL = 20;
/** The restart starts once this many calls were answered. */
const RESTART_AFTER = 200;

const retryable = (outcome: CallOutcome) => 'error' in outcome || outcome.status === 503;

describe.skipIf(!PG_URL)(
  '#22 rolling restart of two built instances over PostgreSQL (needs TEST_DATABASE_URL; CI sets it)',
  () => {
    const backend = postgresBackend(PG_URL ?? '', 'rolling');
    const env = { ...backend.env, ACCORD_RATE_LIMIT_PER_KEY: '100000000' };
    const apps: RunningApp[] = [];
    beforeAll(async () => {
      await backend.prepare();
      // One after the other: the first migrates and seeds, the second finds both done.
      apps.push(await startApp(env));
      apps.push(await startApp(env));
    });
    afterAll(async () => {
      await Promise.all(apps.map((app) => app.stop()));
      await backend.cleanup();
    });

    it('answers every call 200 on one instance or the other while one restarts', async () => {
      const key = await demoApiKey(apps[0]!.url);
      const asOf = '2026-11-30T00:00:00Z';
      const leads = generateLeads({ count: LEADS_PER_CALL, seed: 22, asOf });
      const body = JSON.stringify({ leads, asOf });
      /** Where calls go; the restarted instance comes back on a new port. */
      const targets = [apps[0]!.url, apps[1]!.url];
      const answeredBy = new Map<string, number>();
      let started = 0;
      let answered = 0;
      /** Retried calls by what the first instance answered (ECONNREFUSED, 503, …). */
      const retries = new Map<string, number>();
      const failures: string[] = [];

      const call = async (n: number) => {
        let target = n % 2;
        for (let attempt = 0; attempt < 20; attempt++) {
          const url = targets[target]!;
          const outcome = await evaluate(url, key, body);
          if (!retryable(outcome)) {
            if ('status' in outcome && outcome.status === 200) {
              const results = (JSON.parse(outcome.body) as { results: unknown[] }).results;
              if (results.length !== LEADS_PER_CALL) failures.push(`call ${n}: ${results.length}`);
              answeredBy.set(url, (answeredBy.get(url) ?? 0) + 1);
            } else failures.push(`call ${n}: ${JSON.stringify(outcome).slice(0, 300)}`);
            answered++;
            return;
          }
          const reason = 'error' in outcome ? outcome.error : String(outcome.status);
          retries.set(reason, (retries.get(reason) ?? 0) + 1);
          target = 1 - target;
          // Both may be briefly unavailable only if something is wrong; do not spin.
          if (attempt > 0) await new Promise((r) => setTimeout(r, 50));
        }
        failures.push(`call ${n}: no instance answered in 20 attempts`);
      };
      const client = async () => {
        while (started < CALLS) await call(started++);
      };

      const restart = (async () => {
        while (answered < RESTART_AFTER) await new Promise((r) => setTimeout(r, 10));
        const stopping = apps[0]!;
        process.kill(stopping.pid, 'SIGTERM');
        const exit = await stopping.exited;
        expect(exit, stopping.output()).toEqual({ code: 0, signal: null });
        expect(stopping.output()).toMatch(/Accord stopped cleanly in \d+ ms\./);
        const answeredWhileDown = answered;
        const again = await startApp(env);
        apps.push(again);
        targets[0] = again.url;
        return { answeredWhileDown, answeredAtRestart: answered, url: again.url };
      })();

      await Promise.all(Array.from({ length: CLIENTS }, client));
      const { answeredAtRestart, url: restartedUrl } = await restart;
      console.log(
        `rolling restart: ${answered} calls, retried on the other instance: ${JSON.stringify(Object.fromEntries(retries))}; ` +
          `answered by ${JSON.stringify(Object.fromEntries(answeredBy))}; the restarted instance was back after ${answeredAtRestart} calls`,
      );
      expect(failures).toEqual([]);
      expect(answered).toBe(CALLS);
      expect([...answeredBy.values()].reduce((a, b) => a + b, 0)).toBe(CALLS);
      // The restart happened under load and the restarted instance took calls again.
      expect(answeredAtRestart).toBeLessThan(CALLS);
      expect(answeredBy.get(restartedUrl) ?? 0).toBeGreaterThan(0);
    });
  },
);
