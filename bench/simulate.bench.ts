/**
 * npm run bench:simulate — side-by-side simulation at scale.
 *
 * 1. One million generated leads through two versions of the default agreement (the default and
 *    a candidate with a lower MQL threshold and changed points) with every aggregate (funnel,
 *    matrix, histograms, coverage, changed leads, outcome metrics), streamed in batches: once in
 *    one thread, once shared out over worker threads (one lane per core, as the server runs a
 *    simulation) and merged. The generator's own time is measured apart and not counted: a
 *    simulation reads stored leads.
 * 2. A stored set of 100,000 leads through the API path: `simulations.start` → worker thread
 *    reading the set page by page from the database → result and changed leads stored →
 *    `simulations.get` sees `done`. On embedded PGlite and, when DATABASE_URL or
 *    TEST_DATABASE_URL is set, on PostgreSQL. Workers are started ahead, as the server does at
 *    start-up; the first run after start-up and the next one are both reported.
 *
 * Ends with one JSON line: {"sim1MLeadsMs" (worker lanes, next run),"sim1MFirstRunMs","sim1MOneThreadMs","api100kMs","api100kMsPostgres","peakRssMb", …}.
 */
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { createDb, migrateToLatest, sql, type AccordDatabase } from '@accord/db';
import { mergeSimulationResults, type SimulationResult } from '@accord/engine';
import { runManagerFor } from '@accord/api/simulation/run-manager';
import { lowerMqlThreshold } from '@accord/api/simulation/sample-candidate';
import { SIMULATION_WORKER_OPTIONS, typescriptWorker } from '@accord/api/simulation/worker-pool';
import { demoCallers } from '@accord/api/testing';
import { simulateShare, type SimulatedShare } from './simulate-lane';

const SIM_LEADS = 1_000_000;
const API_LEADS = 100_000;

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 20);
const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);

const LANES = Math.min(4, availableParallelism());

function describe(result: SimulationResult) {
  return `${result.changed.total} changed stage; funnel baseline ${JSON.stringify(result.funnel.baseline)}`;
}

/** One million leads in this thread: every lead through both sides, one after the other. */
function simulateMillionInOneThread() {
  const { result, simMs, generateMs } = simulateShare(SIM_LEADS, 7);
  if (result.leads !== SIM_LEADS) throw new Error(`simulated ${result.leads} leads`);
  console.log(
    `1M leads × 2 versions, one thread: ${Math.round(simMs)} ms simulating (evaluate both sides + all aggregates), ` +
      `${Math.round(generateMs)} ms generating the leads (not counted); ${describe(result)}`,
  );
  return Math.round(simMs);
}

/**
 * One million leads shared out over worker threads, as the server runs a simulation (one lane
 * per core, up to 4): each lane simulates its share (its own seed), the results are merged. The
 * time is the slowest lane's simulating time plus the merge; generating is not counted. Run
 * twice in the same workers: the first run in freshly started threads, the next as the
 * server's pooled workers run. Each run compiles its two versions afresh and has no warm-up.
 */
async function simulateMillionInLanes() {
  const share = Math.ceil(SIM_LEADS / LANES);
  const workers = Array.from({ length: LANES }, () =>
    typescriptWorker(new URL('./simulate-lane.ts', import.meta.url), {
      ...SIMULATION_WORKER_OPTIONS,
      workerData: { lane: true },
    }),
  );
  const runLanes = async (run: string) => {
    const wall0 = performance.now();
    const shares = await Promise.all(
      workers.map(
        (worker, lane) =>
          new Promise<SimulatedShare>((resolve, reject) => {
            worker.once('message', resolve);
            worker.once('error', reject);
            worker.postMessage({ count: share, seed: 7 + lane });
          }),
      ),
    );
    const t0 = performance.now();
    const result = mergeSimulationResults(shares.map((s) => s.result));
    const mergeMs = performance.now() - t0;
    if (result.leads !== share * LANES) throw new Error(`simulated ${result.leads} leads`);
    const slowest = Math.max(...shares.map((s) => s.simMs));
    console.log(
      `1M leads × 2 versions, ${LANES} worker lanes, ${run}: ${Math.round(slowest + mergeMs)} ms (slowest lane ${Math.round(slowest)} ms simulating ` +
        `its ${share} leads + ${Math.round(mergeMs)} ms merging), ${Math.round(performance.now() - wall0)} ms wall with generating; ${describe(result)}`,
    );
    return Math.round(slowest + mergeMs);
  };
  const first = await runLanes('first run in new threads');
  const next = await runLanes('next run');
  await Promise.all(workers.map((worker) => worker.terminate()));
  return { first, next };
}

async function openPostgres(url: string): Promise<AccordDatabase> {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  const admin = await createDb({ databaseUrl: url, maxConnections: 1 });
  await sql`create schema ${sql.id(schema)}`.execute(admin.db);
  const database = await createDb({ databaseUrl: url, schema, maxConnections: 10 });
  return {
    ...database,
    async close() {
      await database.close();
      await sql`drop schema ${sql.id(schema)} cascade`.execute(admin.db);
      await admin.close();
    },
  };
}

async function apiPath(kind: string, database: AccordDatabase) {
  await migrateToLatest(database.db);
  // As the server does at start-up: simulation workers boot ahead of the first run.
  runManagerFor(database.db).warm();
  const as = await demoCallers(database);
  const workflowId = (await as.ops.workflows.list({}))[0]!.id;
  const draft = await as.marketing.draft.get({ workflowId });
  await as.marketing.draft.save({
    workflowId,
    baseRevision: draft.revision,
    document: lowerMqlThreshold(draft.document),
  });
  const candidate = await as.marketing.versions.propose({ workflowId, changeNote: 'bench' });

  let t0 = performance.now();
  const set = await as.ops.leadSets.generate({ name: 'Bench 100k', count: API_LEADS, seed: 3 });
  console.log(
    `${kind}: stored ${API_LEADS} generated leads in ${Math.round(performance.now() - t0)} ms (not part of the API path)`,
  );

  const run = async () => {
    const start = performance.now();
    const { runId } = await as.ops.simulations.start({
      workflowId,
      baseline: 'published',
      candidate: { versionId: candidate.id },
      leadSetId: set.id,
    });
    await runManagerFor(database.db).settled(runId);
    const result = await as.ops.simulations.get({ runId });
    const ms = performance.now() - start;
    if (result.status !== 'done' || result.result?.leads !== API_LEADS)
      throw new Error(`${kind} run ended ${result.status}: ${result.error}`);
    return { ms: Math.round(ms), changed: result.result.changed.total };
  };
  const cold = await run();
  const warm = await run();
  t0 = performance.now();
  console.log(
    `${kind}: 100k stored leads through the API path: ${cold.ms} ms first run after start-up, ` +
      `${warm.ms} ms the next; ${warm.changed} changed leads stored`,
  );
  await runManagerFor(database.db).shutdown();
  await database.close();
  return { cold: cold.ms, warm: warm.ms };
}

const sim1MOneThreadMs = simulateMillionInOneThread();
const lanes = await simulateMillionInLanes();
const sim1MLeadsMs = lanes.next;
const pglite = await apiPath('PGlite', await createDb());
const url = process.env.DATABASE_URL || process.env.TEST_DATABASE_URL;
const postgres = url ? await apiPath('PostgreSQL', await openPostgres(url)) : null;
if (!postgres) console.log('PostgreSQL: skipped (set DATABASE_URL or TEST_DATABASE_URL to run it)');
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);
console.log(
  `targets: 1M × 2 versions < 2000 ms (${sim1MLeadsMs} on ${LANES} lanes, ${lanes.first} in new threads, ${sim1MOneThreadMs} in one thread); 100k API path < 3000 ms (PGlite ${pglite.warm} warm / ${pglite.cold} first` +
    (postgres ? `, PostgreSQL ${postgres.warm} warm / ${postgres.cold} first)` : ')') +
    `; peak RSS ${mb(peakRss)} MB`,
);
console.log(
  JSON.stringify({
    sim1MLeadsMs,
    sim1MFirstRunMs: lanes.first,
    sim1MOneThreadMs,
    api100kMs: pglite.warm,
    api100kColdMs: pglite.cold,
    api100kMsPostgres: postgres?.warm ?? null,
    api100kColdMsPostgres: postgres?.cold ?? null,
    peakRssMb: mb(peakRss),
  }),
);
