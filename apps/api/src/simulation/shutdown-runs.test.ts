import { leadPageJson, type AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../env';
import { buildServer } from '../server';
import { shutDown } from '../shutdown';
import { demoCallers } from '../testing';
import { RunManager, runManagerFor, setRunManager } from './run-manager';

type Callers = Awaited<ReturnType<typeof demoCallers>>;

/** #22: what a graceful shutdown does with the simulations running in this process. */
describe.each(testBackends())('#22 simulation runs at shutdown on $kind', ({ open }) => {
  let database: AccordDatabase;
  let as: Callers;
  let workflowId: string;
  let versionId: string;
  let leadSetId: string;
  beforeAll(async () => {
    database = await open();
    as = await demoCallers(database);
    workflowId = (await as.ops.workflows.list({}))[0]!.id;
    const versions = await as.ops.versions.list({ workflowId });
    versionId = versions.find((v) => v.status === 'published')!.id;
    leadSetId = (await as.ops.leadSets.generate({ name: 'Drain', count: 2_000, seed: 22 })).id;
  });
  afterAll(() => database.close());

  /** Shuts a server down while a run whose pages each take `pageMs` to read is in progress. */
  async function shutDownDuringRun(pageMs: number, graceMs: number) {
    const runs = new RunManager(database.db, {
      pageSize: 200,
      workersPerRun: 1,
      loadPage: async (db, id, from, limit) => {
        await new Promise((r) => setTimeout(r, pageMs));
        return leadPageJson(db, id, from, limit);
      },
    });
    const previous = runManagerFor(database.db);
    setRunManager(database.db, runs);
    const app = await buildServer({
      database,
      env: { ...parseEnv({ LOG_LEVEL: 'silent' }), ACCORD_WEB_DIST: '/nonexistent' },
    });
    try {
      const { runId } = await as.ops.simulations.start({
        workflowId,
        baseline: 'published',
        candidate: { versionId },
        leadSetId,
      });
      while ((await as.ops.simulations.get({ runId })).status !== 'running')
        await new Promise((r) => setTimeout(r, 10));
      const summary = await shutDown({
        app,
        // The suite's database stays open for the next test.
        database: { close: async () => undefined },
        runs,
        stopRepairs: () => undefined,
        graceMs,
      });
      return { summary, run: await as.ops.simulations.get({ runId }) };
    } finally {
      setRunManager(database.db, previous);
    }
  }

  it('lets a run that ends within the grace period finish and store its result', async () => {
    const { summary, run } = await shutDownDuringRun(30, 30_000);
    expect(summary.runsStopped).toBe(0);
    expect(run.status, run.error ?? '').toBe('done');
    expect(run.result).not.toBeNull();
  });

  it('marks a run still going when the grace period ends failed, saying the server stopped', async () => {
    const { summary, run } = await shutDownDuringRun(1_000, 200);
    expect(summary.runsStopped).toBe(1);
    expect(run).toMatchObject({
      status: 'failed',
      result: null,
      error: 'The server stopped while the run was in progress.',
    });
  });
});
