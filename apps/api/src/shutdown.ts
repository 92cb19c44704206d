import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { AccordDatabase } from '@accord/db';
import type { AccordServer } from './server';
import type { RunManager } from './simulation/run-manager';

/**
 * The server's connections and where each one is, so shutdown closes only idle ones. Node's own
 * `closeIdleConnections` (which `server.close()` calls) also destroys a connection whose response
 * has been ended but is still being flushed (a large batch answer: the client sees ECONNRESET
 * mid-body), and one whose request has arrived but not been read yet by a busy event loop.
 */
export class ConnectionTracker {
  /** Socket → its latest response, or null before its first request was read. */
  readonly #sockets = new Map<Socket, ServerResponse | null>();

  constructor(server: Server) {
    server.on('connection', (socket: Socket) => {
      this.#sockets.set(socket, null);
      socket.once('close', () => this.#sockets.delete(socket));
    });
    server.on('request', (req: IncomingMessage, res: ServerResponse) =>
      this.#sockets.set(req.socket, res),
    );
    server.closeIdleConnections = () => this.closeIdle();
  }

  /** Connections whose first request has not been read yet. */
  get unread(): number {
    let n = 0;
    for (const res of this.#sockets.values()) if (res === null) n++;
    return n;
  }

  /**
   * Destroys connections between requests: their last response fully flushed. With `unreadToo`,
   * also those that never sent a request (after the wait for them).
   */
  closeIdle(unreadToo = false) {
    for (const [socket, res] of this.#sockets)
      if (res ? res.writableFinished : unreadToo) socket.destroy();
  }
}

export interface ShutdownDeps {
  app: AccordServer;
  database: Pick<AccordDatabase, 'close'>;
  runs: Pick<RunManager, 'idle' | 'pending' | 'shutdown'>;
  /** Stops the periodic repair pass (see services/repairs.ts). */
  stopRepairs: () => void;
  /** The server's connections (see ConnectionTracker); without it Node's own closing applies. */
  connections?: ConnectionTracker;
  /** How long to keep serving, not ready, before closing the listener (default 0). */
  delayMs?: number;
  /** How long in-flight requests and running simulations, together, may take to finish. */
  graceMs: number;
}

/** What a shutdown had to cut short when the grace period ran out. */
export interface ShutdownSummary {
  ms: number;
  /** Connections still busy at the end of the grace period, closed by force. */
  forcedConnections: boolean;
  /** Simulation runs still running at the end of the grace period, marked failed. */
  runsStopped: number;
}

function timer(ms: number): { done: Promise<'timeout'>; cancel: () => void } {
  let handle: NodeJS.Timeout | undefined;
  const done = new Promise<'timeout'>((resolve) => {
    handle = setTimeout(() => resolve('timeout'), Math.max(0, ms));
  });
  return { done, cancel: () => clearTimeout(handle) };
}

/** Two turns of the event loop, each through its poll phase (where sockets are read). */
async function settle() {
  for (let turn = 0; turn < 2; turn++) {
    await new Promise((resolve) => setTimeout(resolve, 1));
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/**
 * Graceful shutdown (SIGTERM): /readyz answers 503 at once and the repair job stops; after
 * `delayMs` (still serving) the listener closes (new connections are refused, idle keep-alive ones
 * closed, requests arriving on busy ones answered 503 by Fastify) while in-flight requests finish;
 * running simulations may finish too; whatever is still busy when `graceMs` ends is cut
 * (connections closed, runs marked failed with "The server stopped while the run was in
 * progress."). Then the database closes.
 * @example const summary = await shutDown({ app, database, runs, stopRepairs, graceMs: 25_000 });
 */
export async function shutDown(deps: ShutdownDeps): Promise<ShutdownSummary> {
  const started = Date.now();
  deps.app.readiness.beginShutdown();
  deps.stopRepairs();
  // Load balancers see /readyz fail and stop sending; meanwhile requests are still served.
  if (deps.delayMs) await new Promise((resolve) => setTimeout(resolve, deps.delayMs));
  const deadline = Date.now() + deps.graceMs;

  // Closing the listener also closes every connection without a parsed request. A request whose
  // bytes reached the socket while the event loop ran this handler (or a batch) is not parsed yet:
  // the loop first goes round twice, reading and accepting what already arrived.
  await settle();
  // Requests already on their way are read before the listener closes (within the grace period;
  // a connection that never sends one is closed after it).
  const connections = deps.connections;
  while (connections && connections.unread > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 5));
    await settle();
  }
  let forcedConnections = false;
  const closed = deps.app.close();
  // Connections go idle as their responses finish flushing: close them as they do.
  const sweep = connections ? setInterval(() => connections.closeIdle(true), 50) : undefined;
  const requestsTimer = timer(deadline - Date.now());
  if ((await Promise.race([closed, requestsTimer.done])) === 'timeout') {
    forcedConnections = true;
    deps.app.server.closeAllConnections();
  }
  requestsTimer.cancel();
  await closed;
  clearInterval(sweep);

  const runsTimer = timer(deadline - Date.now());
  await Promise.race([deps.runs.idle(), runsTimer.done]);
  runsTimer.cancel();
  const runsStopped = deps.runs.pending;
  await deps.runs.shutdown();

  await deps.database.close();
  return { ms: Date.now() - started, forcedConnections, runsStopped };
}

/** The line a shutdown prints. */
export function shutdownMessage(summary: ShutdownSummary): string {
  const cut = [
    summary.forcedConnections ? 'closed connections still busy' : '',
    summary.runsStopped ? `marked ${summary.runsStopped} unfinished simulation run(s) failed` : '',
  ].filter(Boolean);
  return cut.length
    ? `Accord stopped in ${summary.ms} ms after its grace period: ${cut.join(' and ')}.`
    : `Accord stopped cleanly in ${summary.ms} ms.`;
}
