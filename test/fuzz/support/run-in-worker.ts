/**
 * Runs an engine fuzz suite in a worker thread under a watchdog: a case that runs longer than
 * `hangMs` (an endless loop in generated code, a catastrophic regex) is stopped and reported with
 * its index and seed instead of hanging the test run.
 */
import { Worker } from 'node:worker_threads';
import type { FuzzStats } from './engine-checks';

export type FuzzSuite = 'documents' | 'leads';

export interface WorkerInput {
  suite: FuzzSuite;
  seed: number;
  numRuns: number;
  caseBudgetMs: number;
  /** fast-check replay path, to rerun one case. */
  path?: string;
  /** Int32Array[1]: cases started so far. */
  progress: SharedArrayBuffer;
}

export interface WorkerOutput {
  stats: FuzzStats;
  failure: string | null;
}

export interface FuzzRun {
  suite: FuzzSuite;
  seed: number;
  numRuns: number;
  /** A single case slower than this fails the property. */
  caseBudgetMs: number;
  /** No progress for this long stops the worker: a hang. */
  hangMs: number;
}

/**
 * Splits a run over `shards` worker threads (seed, seed+1, …), so a two-core machine fuzzes on
 * both cores; the stats add up and the first failure is reported.
 */
export async function runSharded(run: FuzzRun, shards: number): Promise<WorkerOutput> {
  const outputs = await Promise.all(
    Array.from({ length: shards }, (_, i) =>
      runInWorker({
        ...run,
        seed: run.seed + i,
        numRuns: Math.ceil(run.numRuns / shards),
      }),
    ),
  );
  const stats = outputs.map((o) => o.stats);
  return {
    stats: {
      cases: stats.reduce((n, s) => n + s.cases, 0),
      parsed: stats.reduce((n, s) => n + s.parsed, 0),
      valid: stats.reduce((n, s) => n + s.valid, 0),
      compiled: stats.reduce((n, s) => n + s.compiled, 0),
      evaluations: stats.reduce((n, s) => n + s.evaluations, 0),
      maxCaseMs: Math.max(...stats.map((s) => s.maxCaseMs)),
    },
    failure: outputs.find((o) => o.failure)?.failure ?? null,
  };
}

const WORKER = new URL('./fuzz-worker.ts', import.meta.url).href;
// Worker threads do not inherit tsx's loader; register it before importing the TypeScript entry.
const BOOT = `import('tsx/esm/api').then(({ register }) => { register(); return import(${JSON.stringify(WORKER)}); })`;

/** The fuzz seed: FUZZ_SEED when set (to replay or explore), else the fixed default. */
export function fuzzSeed(fallback: number): number {
  const fromEnv = Number(process.env.FUZZ_SEED);
  return Number.isInteger(fromEnv) && process.env.FUZZ_SEED ? fromEnv : fallback;
}

export function runInWorker(run: FuzzRun): Promise<WorkerOutput> {
  const progress = new SharedArrayBuffer(4);
  const counter = new Int32Array(progress);
  const input: WorkerInput = {
    suite: run.suite,
    seed: run.seed,
    numRuns: run.numRuns,
    caseBudgetMs: run.caseBudgetMs,
    progress,
    ...(process.env.FUZZ_PATH ? { path: process.env.FUZZ_PATH } : {}),
  };
  const worker = new Worker(BOOT, { eval: true, workerData: input });
  return new Promise<WorkerOutput>((resolve, reject) => {
    let last = -1;
    let lastChange = Date.now();
    const watchdog = setInterval(() => {
      const seen = Atomics.load(counter, 0);
      if (seen !== last) {
        last = seen;
        lastChange = Date.now();
        return;
      }
      if (seen > 0 && Date.now() - lastChange > run.hangMs) {
        clearInterval(watchdog);
        void worker.terminate();
        reject(
          new Error(
            `${run.suite} fuzz case #${seen} did not finish in ${run.hangMs} ms (a hang). ` +
              `Replay: FUZZ_SEED=${run.seed} FUZZ_PATH=${seen - 1}`,
          ),
        );
      }
    }, 250);
    worker.once('message', (output: WorkerOutput) => {
      clearInterval(watchdog);
      void worker.terminate();
      resolve(output);
    });
    worker.once('error', (error) => {
      clearInterval(watchdog);
      reject(error);
    });
    worker.once('exit', (code) => {
      clearInterval(watchdog);
      // A payload that calls process.exit() ends the worker before it reports.
      reject(
        new Error(`the fuzz worker exited (code ${code}) before reporting: data ran as code?`),
      );
    });
  });
}
