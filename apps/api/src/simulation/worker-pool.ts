import { createRequire } from 'node:module';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * A worker thread running a TypeScript module. The sources run through tsx in the API process;
 * a worker thread does not inherit its loader, so the worker registers tsx before importing.
 * @example typescriptWorker(new URL('./simulation-worker.ts', import.meta.url))
 */
export function typescriptWorker(entry: URL, options: WorkerOptions = {}): Worker {
  const require = createRequire(import.meta.url);
  const tsxApi = pathToFileURL(require.resolve('tsx/esm/api').replace(/\.cjs$/, '.mjs')).href;
  const code = `import(${JSON.stringify(tsxApi)}).then((tsx) => { tsx.register(); return import(${JSON.stringify(entry.href)}); });`;
  return new Worker(code, { ...options, eval: true, execArgv: [] });
}

/**
 * Whether this module runs from the built bundle (apps/api/dist/*.js, see build.ts) rather than
 * from its TypeScript source through tsx.
 */
const BUILT = !import.meta.url.endsWith('.ts');

/**
 * A worker thread of the app from its TypeScript entry (`new URL('./x-worker.ts', import.meta.url)`):
 * the bundled dist/x-worker.js with plain node in the built server (every entry of dist/ sits in
 * one folder, see build.ts), the TypeScript source through tsx otherwise.
 * @example appWorker(new URL('./import-worker.ts', import.meta.url), { workerData })
 */
export function appWorker(entry: URL, options: WorkerOptions = {}): Worker {
  if (!BUILT) return typescriptWorker(entry, options);
  const bundled = basename(entry.pathname).replace(/\.ts$/, '.js');
  return new Worker(new URL(`./${bundled}`, import.meta.url), { ...options, execArgv: [] });
}

/** A simulation worker thread (`appWorker` of simulation-worker.ts). */
export function simulationWorker(options: WorkerOptions = {}): Worker {
  return appWorker(new URL('./simulation-worker.ts', import.meta.url), options);
}

/**
 * A simulation worker keeps a page or two of freshly parsed leads alive while it allocates
 * results for them; with V8's default young generation every scavenge copies those leads, which
 * cost a third of a run's time. A young generation of 384 MB (semi-spaces of 128 MB, grown only
 * as needed) brought a million-lead run from 6.9 to 4.5 µs a lead.
 */
export const SIMULATION_WORKER_OPTIONS: WorkerOptions = {
  resourceLimits: { maxYoungGenerationSizeMb: 384 },
};

/**
 * Simulation worker threads, kept warm between runs: starting one (loading the engine) costs
 * a few hundred milliseconds, so finished runs hand their worker back for the next one. Idle
 * workers do not keep the process alive.
 */
export class WorkerPool {
  readonly #idle: Worker[] = [];
  readonly #all = new Set<Worker>();

  constructor(private readonly maxIdle = 2) {}

  /** A worker for one run; give it back with `release` or end it with `discard`. */
  acquire(): Worker {
    const idle = this.#idle.pop();
    if (idle) {
      idle.ref();
      return idle;
    }
    const worker = simulationWorker(SIMULATION_WORKER_OPTIONS);
    this.#all.add(worker);
    worker.once('exit', () => {
      this.#all.delete(worker);
      const i = this.#idle.indexOf(worker);
      if (i >= 0) this.#idle.splice(i, 1);
    });
    return worker;
  }

  /** Keeps a worker that finished a run cleanly for the next run. */
  release(worker: Worker) {
    if (this.#idle.length >= this.maxIdle) {
      void this.discard(worker);
      return;
    }
    worker.unref();
    this.#idle.push(worker);
  }

  /** Ends a worker (cancelled or failed run). */
  async discard(worker: Worker) {
    this.#all.delete(worker);
    await worker.terminate();
  }

  /** Starts workers ahead of need (up to `count` idle ones), so the first run does not wait. */
  warm(count = 1) {
    const wanted = Math.min(count, this.maxIdle) - this.#idle.length;
    const started = Array.from({ length: Math.max(0, wanted) }, () => this.acquire());
    for (const worker of started) this.release(worker);
  }

  async close() {
    await Promise.all([...this.#all].map((w) => w.terminate()));
    this.#all.clear();
    this.#idle.length = 0;
  }
}
