import { availableParallelism } from 'node:os';
import type { Worker } from 'node:worker_threads';
import {
  claimRun,
  completeRun,
  failRun,
  heartbeatRuns,
  leadPageJson,
  setRunProgress,
  typeLeadSet,
  type Db,
} from '@accord/db';
import {
  mergeSimulationResults,
  type FieldCatalog,
  type SimulationResult,
  type TypedCatalog,
} from '@accord/engine';
import type { FromWorker, ToWorker } from './protocol';
import { simulateInDatabase, TYPE_FROM_LEADS } from './sql-path';
import { WorkerPool } from './worker-pool';
import { reportRunEnded } from '../observability/activity';

/** What a run needs once it is recorded: its lead set and the two documents to compare. */
export interface RunSpec {
  runId: string;
  leadSetId: string;
  leadCount: number;
  asOf: Date;
  baseline: unknown;
  candidate: unknown;
  /** The catalogs the two documents are compiled with (a version's pinned one, or the live one). */
  baselineCatalog: FieldCatalog;
  candidateCatalog: FieldCatalog;
  /**
   * `sql`: inside PostgreSQL (sql-path.ts); `workers` (default): pages streamed to worker
   * threads. With `fallbackToWorkers` a run SQL cannot do goes to the workers instead of failing.
   */
  path?: 'sql' | 'workers';
  fallbackToWorkers?: boolean;
}

/** Reads leads `fromSeq … fromSeq + limit - 1` of a set as one JSON array text. */
export type PageLoader = (
  db: Db,
  leadSetId: string,
  fromSeq: number,
  limit: number,
) => Promise<{ count: number; json: string }>;

export interface RunManagerOptions {
  /** Leads per page read from the database and sent to the worker. */
  pageSize?: number;
  /** Runs at once; more wait `queued`. */
  concurrency?: number;
  /**
   * Worker threads one run shares its pages among (default: one per core, at most 4); a run
   * inside PostgreSQL reads the set in as many slices at once.
   */
  workersPerRun?: number;
  /** Least time between two progress writes. */
  progressIntervalMs?: number;
  /** How often live runs tell the database they are alive. */
  heartbeatMs?: number;
  /** Changed leads stored per run (the rest are counted). */
  keepChanged?: number;
  loadPage?: PageLoader;
}

/** The result as stored: everything but the changed leads, which get a table of their own. */
export type StoredResult = Omit<SimulationResult, 'changed'> & {
  changed: { total: number; stored: number; truncated: boolean };
  /** Where the leads were evaluated (absent on runs from before the database path). */
  ranIn?: 'database' | 'workers';
};

/** Page reads in flight at once. */
const READ_AHEAD = 2;

class Cancelled extends Error {
  constructor() {
    super('cancelled');
  }
}

interface Active {
  spec: RunSpec;
  abort: (reason: Error) => void;
  aborted: boolean;
}

/**
 * Runs simulations off the request path: each run gets a worker thread (node:worker_threads)
 * from a warm pool; this side reads the lead set page by page (keyset on seq) and streams each
 * page, as one JSON text, to the worker, keeping at most two pages in flight. The worker posts
 * progress per page; progress reaches the table at most every `progressIntervalMs`. At the end
 * the result and the changed leads are written in one transaction together with status `done`;
 * a cancelled or failed run writes no result at all.
 */
export class RunManager {
  readonly #db: Db;
  readonly #pool: WorkerPool;
  readonly #options: Required<RunManagerOptions>;
  readonly #queue: RunSpec[] = [];
  readonly #active = new Map<string, Active>();
  readonly #settled = new Map<string, { promise: Promise<void>; resolve: () => void }>();
  readonly #typing = new Map<string, { done: Promise<void>; stop: AbortController }>();
  #heartbeat: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(db: Db, options: RunManagerOptions = {}) {
    this.#db = db;
    this.#options = {
      pageSize: options.pageSize ?? 5_000,
      concurrency: options.concurrency ?? Math.max(2, availableParallelism()),
      workersPerRun: options.workersPerRun ?? Math.min(4, availableParallelism()),
      progressIntervalMs: options.progressIntervalMs ?? 250,
      heartbeatMs: options.heartbeatMs ?? 5_000,
      keepChanged: options.keepChanged ?? 100_000,
      loadPage: options.loadPage ?? leadPageJson,
    };
    // Enough idle workers kept for a whole run's lanes.
    this.#pool = new WorkerPool(this.#options.workersPerRun);
  }

  /**
   * Starts the workers one run uses ahead of the first run (the server does this at start-up),
   * so that run does not wait for threads to boot and load the engine.
   */
  warm() {
    this.#pool.warm(this.#options.workersPerRun);
  }

  /** Queues a recorded run (status `queued`); it starts as soon as a slot is free. */
  enqueue(spec: RunSpec) {
    if (this.#closed) throw new Error('The simulation runner is shut down.');
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    this.#settled.set(spec.runId, { promise, resolve });
    this.#queue.push(spec);
    this.#startHeartbeat();
    this.#pump();
  }

  /** Resolves when the run has ended here (done, failed or cancelled); at once if unknown. */
  settled(runId: string): Promise<void> {
    return this.#settled.get(runId)?.promise ?? Promise.resolve();
  }

  /** Whether this process is working on (or queued) the run. */
  has(runId: string) {
    return this.#active.has(runId) || this.#queue.some((s) => s.runId === runId);
  }

  /**
   * Stops a run here after the database has marked it cancelled: drops it from the queue or
   * ends its worker at once.
   */
  abort(runId: string) {
    const queued = this.#queue.findIndex((s) => s.runId === runId);
    if (queued >= 0) {
      this.#queue.splice(queued, 1);
      this.#settle(runId);
      return;
    }
    this.#active.get(runId)?.abort(new Cancelled());
  }

  /** Runs queued or running here. */
  get pending(): number {
    return this.#settled.size;
  }

  /** Resolves once no run is queued or running here (graceful shutdown waits for it). */
  async idle(): Promise<void> {
    while (this.#settled.size) await Promise.all([...this.#settled.values()].map((s) => s.promise));
  }

  /** Ends every run of this process (marked failed: the server stopped) and every worker. */
  async shutdown() {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    const ids = [...this.#queue.map((s) => s.runId), ...this.#active.keys()];
    this.#queue.length = 0;
    for (const active of this.#active.values()) active.abort(new Cancelled());
    await Promise.all(
      ids.map((id) =>
        failRun(this.#db, id, 'The server stopped while the run was in progress.').catch(
          () => undefined,
        ),
      ),
    );
    await Promise.all(ids.map((id) => this.settled(id)));
    // A typing of millions of leads takes about a minute: stopped, not waited for (the next
    // load or run types the set again).
    for (const { stop } of this.#typing.values()) stop.abort();
    await this.typingSettled();
    await this.#pool.close();
  }

  /**
   * Makes a set's typed copy in the background (PostgreSQL; see `typeLeadSet`), so later runs
   * inside the database read typed columns instead of the leads' JSON: after a set `auto` would
   * run in the database loads (`typeAtLoad`), and after a run inside the database of at least
   * `TYPE_FROM_LEADS` leads that found no copy for its catalogs. One at a time per set; a failure is logged and leaves runs reading the JSON.
   */
  typeLeadSet(input: {
    leadSetId: string;
    leadCount: number;
    catalogs: () => Promise<readonly TypedCatalog[]>;
  }) {
    if (this.#closed || this.#typing.has(input.leadSetId)) return;
    const stop = new AbortController();
    const done = (async () => {
      await typeLeadSet(this.#db, {
        leadSetId: input.leadSetId,
        leadCount: input.leadCount,
        catalogs: await input.catalogs(),
        slices: this.#options.workersPerRun,
        signal: stop.signal,
      });
    })()
      .catch((error: unknown) => {
        if (!this.#closed)
          console.error(`Typing lead set ${input.leadSetId} for the database failed:`, error);
      })
      .finally(() => this.#typing.delete(input.leadSetId));
    this.#typing.set(input.leadSetId, { done, stop });
  }

  /** Resolves once no typed copy is being made. */
  async typingSettled() {
    while (this.#typing.size) await Promise.all([...this.#typing.values()].map((t) => t.done));
  }

  #startHeartbeat() {
    if (this.#heartbeat) return;
    this.#heartbeat = setInterval(() => {
      const ids = [...this.#queue.map((s) => s.runId), ...this.#active.keys()];
      if (ids.length === 0) {
        clearInterval(this.#heartbeat);
        this.#heartbeat = undefined;
        return;
      }
      heartbeatRuns(this.#db, ids).catch(() => undefined);
    }, this.#options.heartbeatMs);
    this.#heartbeat.unref();
  }

  #pump() {
    while (this.#active.size < this.#options.concurrency && this.#queue.length) {
      const spec = this.#queue.shift()!;
      void this.#execute(spec).finally(() => {
        this.#active.delete(spec.runId);
        this.#settle(spec.runId);
        reportRunEnded(this.#db, spec.runId);
        this.#pump();
      });
    }
  }

  #settle(runId: string) {
    this.#settled.get(runId)?.resolve();
    this.#settled.delete(runId);
  }

  async #execute(spec: RunSpec): Promise<void> {
    let abortWith: (reason: Error) => void = () => undefined;
    const aborted = new Promise<never>((_, reject) => (abortWith = reject));
    aborted.catch(() => undefined);
    const active: Active = {
      spec,
      aborted: false,
      abort: (reason) => {
        active.aborted = true;
        abortWith(reason);
      },
    };
    this.#active.set(spec.runId, active);
    const workers: Worker[] = [];
    let clean = false;
    try {
      if (!(await claimRun(this.#db, spec.runId))) return;
      const inWorkers = async () => {
        const pages = Math.ceil(spec.leadCount / this.#options.pageSize);
        const lanes = Math.max(1, Math.min(this.#options.workersPerRun, pages));
        for (let i = 0; i < lanes; i++) workers.push(this.#pool.acquire());
        return Promise.race([this.#drive(spec, workers, active), aborted]);
      };
      let ranIn: StoredResult['ranIn'] = 'workers';
      let result: SimulationResult;
      if (spec.path === 'sql') {
        const inDatabase = simulateInDatabase(this.#db, {
          ...spec,
          keepChanged: this.#options.keepChanged,
          slices: this.#options.workersPerRun,
        });
        try {
          const ran = await Promise.race([inDatabase, aborted]);
          result = ran.result;
          ranIn = 'database';
          if (!ran.typed && spec.leadCount >= TYPE_FROM_LEADS)
            this.typeLeadSet({
              leadSetId: spec.leadSetId,
              leadCount: spec.leadCount,
              catalogs: async () => [spec.baselineCatalog, spec.candidateCatalog],
            });
        } catch (error) {
          if (!spec.fallbackToWorkers || error instanceof Cancelled || active.aborted) throw error;
          result = await inWorkers();
        }
      } else result = await inWorkers();
      clean = true;
      const changed = result.changed.kept;
      const stored: StoredResult = {
        ...result,
        changed: {
          total: result.changed.total,
          stored: changed.length,
          truncated: result.changed.truncated,
        },
        ranIn,
      };
      if (active.aborted) return;
      await this.#db.transaction().execute(async (trx) => {
        // False when the run was cancelled meanwhile: nothing was written.
        await completeRun(trx, spec.runId, { result: stored, changed });
      });
    } catch (error) {
      if (error instanceof Cancelled || active.aborted) return;
      const message = error instanceof Error ? error.message : String(error);
      await failRun(this.#db, spec.runId, message).catch(() => undefined);
    } finally {
      for (const worker of workers) {
        if (clean) this.#pool.release(worker);
        else await this.#pool.discard(worker);
      }
    }
  }

  /**
   * Streams the pages to the workers (page k to worker k mod n, each page with the position of
   * its first lead) and resolves with their merged result.
   */
  async #drive(spec: RunSpec, workers: Worker[], active: Active): Promise<SimulationResult> {
    const { pageSize, progressIntervalMs, loadPage, keepChanged } = this.#options;
    let lastWrite = 0;
    let writing: Promise<void> = Promise.resolve();
    let waiting: (() => void) | undefined;
    let failed: ((error: Error) => void) | undefined;
    const failure = new Promise<never>((_, reject) => (failed = reject));
    failure.catch(() => undefined);

    const lanes = workers.map((worker) => {
      let resolveResult!: (result: SimulationResult) => void;
      const result = new Promise<SimulationResult>((resolve) => (resolveResult = resolve));
      const lane = {
        worker,
        sent: 0,
        processed: 0,
        result: Promise.race([result, failure]),
        onMessage: (message: FromWorker) => {
          if (message.type === 'progress') {
            lane.processed = message.leads;
            waiting?.();
            onProgress();
          } else if (message.type === 'result') resolveResult(message.result);
          else failed!(new Error(`The simulation stopped: ${message.message}`));
        },
        onError: (error: Error) =>
          failed!(new Error(`The simulation worker failed: ${error.message}`)),
        onExit: (code: number) =>
          failed!(new Error(`The simulation worker stopped (exit code ${code}).`)),
      };
      lane.result.catch(() => undefined);
      worker.on('message', lane.onMessage);
      worker.on('error', lane.onError);
      worker.on('exit', lane.onExit);
      return lane;
    });

    const onProgress = () => {
      const now = Date.now();
      const processed = lanes.reduce((n, lane) => n + lane.processed, 0);
      if (now - lastWrite < progressIntervalMs || processed >= spec.leadCount) return;
      lastWrite = now;
      const progress = spec.leadCount ? processed / spec.leadCount : 1;
      writing = writing.then(async () => {
        if (active.aborted) return;
        // Another process (or this one) cancelled the run: stop working on it.
        const running = await setRunProgress(this.#db, spec.runId, progress).catch(() => true);
        if (!running) active.abort(new Cancelled());
      });
    };

    const post = (worker: Worker, message: ToWorker) => worker.postMessage(message);
    try {
      for (const lane of lanes)
        post(lane.worker, {
          type: 'start',
          baseline: spec.baseline,
          candidate: spec.candidate,
          baselineCatalog: spec.baselineCatalog,
          candidateCatalog: spec.candidateCatalog,
          asOf: spec.asOf.getTime(),
          keepChanged,
        });
      // Pages are read ahead (two queries in flight: on PostgreSQL they run in parallel on the
      // server) and posted in order; at most two pages wait in each worker.
      let sent = 0;
      let nextFrom = 0;
      let pageNumber = 0;
      const reads: { from: number; read: Promise<{ count: number; json: string }> }[] = [];
      const readAhead = () => {
        while (reads.length < READ_AHEAD && nextFrom < spec.leadCount) {
          const read = loadPage(this.#db, spec.leadSetId, nextFrom, pageSize);
          read.catch(() => undefined);
          reads.push({ from: nextFrom, read });
          nextFrom += pageSize;
        }
      };
      readAhead();
      while (reads.length) {
        const { from, read } = reads.shift()!;
        const page = await read;
        if (active.aborted) throw new Cancelled();
        readAhead();
        if (page.count === 0) break;
        const lane = lanes[pageNumber++ % lanes.length]!;
        post(lane.worker, { type: 'page', json: page.json, firstIndex: from });
        lane.sent += page.count;
        sent += page.count;
        while (lane.sent - lane.processed > pageSize && !active.aborted)
          await Promise.race([new Promise<void>((resolve) => (waiting = resolve)), failure]);
      }
      if (sent !== spec.leadCount)
        throw new Error(`The lead set has ${sent} leads; ${spec.leadCount} were expected.`);
      for (const lane of lanes) post(lane.worker, { type: 'finish' });
      const results = await Promise.all(lanes.map((lane) => lane.result));
      await writing;
      return results.length === 1 ? results[0]! : mergeSimulationResults(results, { keepChanged });
    } finally {
      for (const lane of lanes) {
        lane.worker.off('message', lane.onMessage);
        lane.worker.off('error', lane.onError);
        lane.worker.off('exit', lane.onExit);
      }
    }
  }
}

const managers = new WeakMap<Db, RunManager>();

/**
 * The run manager of a database handle: one per process and database, made on first use.
 * @example runManagerFor(ctx.db).enqueue(spec);
 */
export function runManagerFor(db: Db): RunManager {
  let manager = managers.get(db);
  if (!manager) managers.set(db, (manager = new RunManager(db)));
  return manager;
}

/** Installs a run manager for a database handle (tests use one with a slow or failing loader). */
export function setRunManager(db: Db, manager: RunManager) {
  managers.set(db, manager);
}
