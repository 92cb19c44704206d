import { pendingMigrations, type AccordDatabase } from '@accord/db';
import type { FastifyInstance } from 'fastify';

/** How long the database may take to answer a readiness check before it counts as down. */
export const READINESS_TIMEOUT_MS = 2_000;

/** One readiness check: passed, or why not. */
export type CheckResult = { ok: true } | { ok: false; message: string };

/** What `/readyz` answers: 200 when every check passed, 503 naming the ones that failed. */
export interface ReadinessReport {
  status: 'ready' | 'not ready';
  checks: { database: CheckResult; migrations: CheckResult; shutdown: CheckResult };
}

class Timeout extends Error {}

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Timeout()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Whether this instance should get traffic: its database answers, its schema has every migration
 * this code knows, and it is not shutting down. Concurrent checks share one round of queries, so
 * a flood of probes costs the database no more than one. `beginShutdown` turns it not ready at
 * once, before the server stops accepting connections, so a load balancer drains it first.
 * @example const readiness = new Readiness(database); (await readiness.check()).status;
 */
export class Readiness {
  #shuttingDown = false;
  #inFlight: Promise<ReadinessReport> | null = null;

  constructor(
    private readonly database: Pick<AccordDatabase, 'db'>,
    private readonly timeoutMs = READINESS_TIMEOUT_MS,
  ) {}

  get shuttingDown() {
    return this.#shuttingDown;
  }

  beginShutdown() {
    this.#shuttingDown = true;
  }

  check(): Promise<ReadinessReport> {
    this.#inFlight ??= this.#run().finally(() => (this.#inFlight = null));
    return this.#inFlight;
  }

  async #run(): Promise<ReadinessReport> {
    const shutdown: CheckResult = this.#shuttingDown
      ? { ok: false, message: 'The server is shutting down.' }
      : { ok: true };
    let database: CheckResult = { ok: true };
    let migrations: CheckResult;
    try {
      // Reading the migration table is the round trip that proves the database answers.
      const pending = await within(pendingMigrations(this.database.db), this.timeoutMs);
      migrations = pending.length
        ? {
            ok: false,
            message: `${pending.length} migration(s) not applied: ${pending.join(', ')}.`,
          }
        : { ok: true };
    } catch (error) {
      database = {
        ok: false,
        message:
          error instanceof Timeout
            ? `The database did not answer within ${this.timeoutMs} ms.`
            : `The database did not answer: ${(error as Error).message}`,
      };
      migrations = { ok: false, message: 'Not checked: the database did not answer.' };
    }
    const ready = database.ok && migrations.ok && shutdown.ok;
    return { status: ready ? 'ready' : 'not ready', checks: { database, migrations, shutdown } };
  }
}

/**
 * `/healthz`: the process lives and serves HTTP (never touches the database, so a slow database
 * does not get the process restarted). `/readyz`: `Readiness.check`, 200 or 503.
 */
export function registerHealthRoutes(
  app: FastifyInstance,
  { database, readiness }: { database: Pick<AccordDatabase, 'kind'>; readiness: Readiness },
) {
  app.get('/healthz', async () => ({ status: 'ok', db: database.kind }));
  app.get('/readyz', async (_req, reply) => {
    const report = await readiness.check();
    return reply
      .code(report.status === 'ready' ? 200 : 503)
      .header('cache-control', 'no-store')
      .send(report);
  });
}
