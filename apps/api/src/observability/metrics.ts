import { createHash, timingSafeEqual } from 'node:crypto';
import type { AccordDatabase } from '@accord/db';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Env } from '../env';
import { sendRestError } from '../rest/rest-error';
import { appRouter } from '../root';
import { activityOf, type Activity } from './activity';

/** Metric names, once: the README lists them. */
export const METRIC_NAMES = {
  httpDuration: 'accord_http_request_duration_seconds',
  evaluations: 'accord_evaluations_total',
  decisionLogWrites: 'accord_decision_log_writes_total',
  simulationRuns: 'accord_simulation_runs_total',
  simulationDuration: 'accord_simulation_duration_seconds',
  importRows: 'accord_import_rows_total',
  poolConnections: 'accord_db_pool_connections',
  poolWaiting: 'accord_db_pool_waiting_clients',
  collabRooms: 'accord_collab_rooms',
  collabConnections: 'accord_collab_connections',
  collabRefused: 'accord_collab_refused_messages_total',
} as const;

const PROCEDURES: ReadonlySet<string> = new Set(Object.keys(appRouter._def.procedures));

/**
 * Process-wide metrics (event-loop lag, memory, CPU, GC, handles) of prom-client's default
 * collector, on a registry of their own made once: they describe the process, not one server,
 * and the collector's observers cannot be stopped, so each server reuses them.
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** The route a request took, as a label: its pattern (tRPC: the procedure when it is one). */
function routeLabel(req: FastifyRequest): string {
  const url = req.routeOptions.url;
  if (url === undefined) return '(unmatched)';
  if (url.startsWith('/trpc/')) {
    const path = (req.params as { path?: string } | undefined)?.path ?? '';
    return PROCEDURES.has(path) ? `/trpc/${path}` : url;
  }
  return url;
}

/** The metrics of one server: its own registry, fed by its requests and its database's activity. */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly #http = new Histogram({
    name: METRIC_NAMES.httpDuration,
    help: 'HTTP requests by method, route pattern and status, with their latency (_count counts them)',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });
  readonly #evaluations = new Counter({
    name: METRIC_NAMES.evaluations,
    help: 'Leads evaluated through the REST API, by workflow slug, version number and stage',
    labelNames: ['workflow', 'version', 'stage'],
    registers: [this.registry],
  });
  readonly #decisions = new Counter({
    name: METRIC_NAMES.decisionLogWrites,
    help: 'Decisions written to the decision log',
    registers: [this.registry],
  });
  readonly #runs = new Counter({
    name: METRIC_NAMES.simulationRuns,
    help: 'Simulation runs ended in this process, by outcome (done, failed, cancelled)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly #runSeconds = new Histogram({
    name: METRIC_NAMES.simulationDuration,
    help: 'How long simulation runs took, by outcome',
    labelNames: ['outcome'],
    buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
    registers: [this.registry],
  });
  readonly #importRows = new Counter({
    name: METRIC_NAMES.importRows,
    help: 'Rows of lead imports, by outcome (imported, rejected)',
    labelNames: ['outcome'],
    registers: [this.registry],
  });
  readonly #collabRefused = new Counter({
    name: METRIC_NAMES.collabRefused,
    help: 'Shared-draft messages refused, by reason (read-only, not-yours, too-many, too-large)',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly #stopListening: () => void;

  constructor(database: AccordDatabase) {
    const pool = database.pool;
    if (pool) {
      new Gauge({
        name: METRIC_NAMES.poolConnections,
        help: 'PostgreSQL pool connections, by state (total, idle)',
        labelNames: ['state'],
        registers: [this.registry],
        collect() {
          this.set({ state: 'total' }, pool.totalCount);
          this.set({ state: 'idle' }, pool.idleCount);
        },
      });
      new Gauge({
        name: METRIC_NAMES.poolWaiting,
        help: 'Queries waiting for a PostgreSQL pool connection',
        registers: [this.registry],
        collect() {
          this.set(pool.waitingCount);
        },
      });
    }
    // Zero series, so a scrape shows every metric before anything happened.
    for (const outcome of ['imported', 'rejected']) this.#importRows.inc({ outcome }, 0);
    for (const outcome of ['done', 'failed', 'cancelled']) this.#runs.inc({ outcome }, 0);
    this.#stopListening = activityOf(database.db).listen((activity) => this.#count(activity));
  }

  #count(activity: Activity) {
    switch (activity.kind) {
      case 'evaluated': {
        const version = String(activity.version);
        for (const [stage, n] of activity.byStage)
          this.#evaluations.inc({ workflow: activity.workflow, version, stage }, n);
        return;
      }
      case 'decisionsLogged':
        return this.#decisions.inc(activity.count);
      case 'simulationEnded':
        this.#runs.inc({ outcome: activity.outcome });
        return this.#runSeconds.observe({ outcome: activity.outcome }, activity.seconds);
      case 'importedRows':
        this.#importRows.inc({ outcome: 'imported' }, activity.imported);
        return this.#importRows.inc({ outcome: 'rejected' }, activity.rejected);
      default:
        return assertNever(activity);
    }
  }

  /** Reports the shared drafts held in memory and the sockets connected to them. */
  observeCollab(read: () => { rooms: number; connections: number }) {
    new Gauge({
      name: METRIC_NAMES.collabRooms,
      help: 'Shared drafts held in memory by this instance',
      registers: [this.registry],
      collect() {
        this.set(read().rooms);
      },
    });
    new Gauge({
      name: METRIC_NAMES.collabConnections,
      help: 'People connected to shared drafts on this instance',
      registers: [this.registry],
      collect() {
        this.set(read().connections);
      },
    });
    for (const reason of ['read-only', 'not-yours', 'too-many', 'too-large'])
      this.#collabRefused.inc({ reason }, 0);
  }

  /** Counts a shared-draft message refused. */
  countCollabRefused(reason: 'read-only' | 'not-yours' | 'too-many' | 'too-large') {
    this.#collabRefused.inc({ reason });
  }

  /** Counts a finished request. */
  observeRequest(req: FastifyRequest, reply: FastifyReply) {
    this.#http.observe(
      { method: req.method, route: routeLabel(req), status_code: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  }

  /** The Prometheus text of this server's metrics and the process's. */
  async text(): Promise<string> {
    return `${await this.registry.metrics()}\n${await processMetrics().metrics()}`;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  stop() {
    this.#stopListening();
  }
}

function assertNever(value: never): never {
  throw new Error(`Unhandled activity ${JSON.stringify(value)}`);
}

const digest = (text: string) => createHash('sha256').update(text).digest();

/** Whether the request carries `Authorization: Bearer <token>` (compared in constant time). */
function bearerMatches(req: FastifyRequest, token: string): boolean {
  const match = /^Bearer +(\S+)$/i.exec(req.headers.authorization ?? '');
  return match !== null && timingSafeEqual(digest(match[1]!), digest(token));
}

declare module 'fastify' {
  interface FastifyInstance {
    /** The server's metrics; `metricsPort()` is the port of their own listener, if any. */
    metrics: ServerMetrics;
    metricsPort: () => number | undefined;
  }
}

/**
 * Counts every request of `app` and serves `/metrics` (Prometheus text format): on the app's port,
 * or, when METRICS_PORT is set, on a listener of its own on that port (started when the app is
 * ready, closed with it; the app's port then answers 404 for it). With METRICS_TOKEN set, a scrape needs
 * `Authorization: Bearer <token>`.
 * @example await registerMetrics(app, { database, env });
 */
export async function registerMetrics(
  app: FastifyInstance,
  { database, env }: { database: AccordDatabase; env: Env },
) {
  const metrics = new ServerMetrics(database);
  app.decorate('metrics', metrics);
  app.addHook('onResponse', async (req, reply) => metrics.observeRequest(req, reply));

  const serve = async (req: FastifyRequest, reply: FastifyReply) => {
    if (env.METRICS_TOKEN !== undefined && !bearerMatches(req, env.METRICS_TOKEN)) {
      void reply.header('www-authenticate', 'Bearer');
      return sendRestError(
        reply,
        'UNAUTHORIZED',
        'The metrics need Authorization: Bearer <METRICS_TOKEN>.',
        'headers.authorization',
      );
    }
    return reply.type(metrics.contentType).send(await metrics.text());
  };

  if (env.METRICS_PORT === undefined) {
    app.get('/metrics', serve);
    app.decorate('metricsPort', () => undefined);
    app.addHook('onClose', async () => metrics.stop());
    return;
  }
  app.get('/metrics', (_req, reply) =>
    sendRestError(reply, 'NOT_FOUND', 'The metrics are served on METRICS_PORT.', 'url'),
  );
  const own = Fastify({ logger: false });
  own.get('/metrics', serve);
  own.setNotFoundHandler((req, reply) =>
    sendRestError(reply, 'NOT_FOUND', `No route ${req.method} ${req.url}`, 'url'),
  );
  let listening = false;
  app.decorate('metricsPort', () => {
    const address = listening ? own.server.address() : null;
    return typeof address === 'object' && address !== null ? address.port : undefined;
  });
  // onReady is awaited before the app listens: a metrics port in use stops the start.
  app.addHook('onReady', async () => {
    await own.listen({ port: env.METRICS_PORT!, host: env.HOST });
    listening = true;
  });
  app.addHook('onClose', async () => {
    metrics.stop();
    await own.close();
  });
}
