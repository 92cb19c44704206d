import { runTimes, type Db } from '@accord/db';

/** Work the server did that its metrics count; emitted where the work happens. */
export type Activity =
  | { kind: 'evaluated'; workflow: string; version: number; byStage: ReadonlyMap<string, number> }
  | { kind: 'decisionsLogged'; count: number }
  | { kind: 'simulationEnded'; outcome: 'done' | 'failed' | 'cancelled'; seconds: number }
  | { kind: 'importedRows'; imported: number; rejected: number };

type Listener = (activity: Activity) => void;

/** The listeners of one database handle's activity (a server's metrics subscribe to theirs). */
export class ActivityChannel {
  readonly #listeners = new Set<Listener>();

  /** Tells every listener; a listener that throws does not disturb the work that emitted. */
  emit(activity: Activity) {
    for (const listener of this.#listeners) {
      try {
        listener(activity);
      } catch {
        // Counting must never fail a request.
      }
    }
  }

  /** Whether anyone listens (work is only looked up for listeners). */
  get listened(): boolean {
    return this.#listeners.size > 0;
  }

  /** Subscribes; returns the unsubscribe. */
  listen(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}

const channels = new WeakMap<Db, ActivityChannel>();

/**
 * The activity channel of a database handle. Work is reported per database handle, as the run
 * manager is kept per handle and a server serves one: tests that build many servers in one
 * process each count only their own.
 * @example activityOf(ctx.db).emit({ kind: 'importedRows', imported: 10, rejected: 2 });
 */
export function activityOf(db: Db): ActivityChannel {
  let channel = channels.get(db);
  if (!channel) channels.set(db, (channel = new ActivityChannel()));
  return channel;
}

const ENDED = new Set(['done', 'failed', 'cancelled']);

/**
 * Reports a simulation run that has ended here, with its outcome and duration as the database
 * recorded them (the run manager calls it once a run is off its hands).
 * @example reportRunEnded(db, spec.runId);
 */
export function reportRunEnded(db: Db, runId: string) {
  const channel = activityOf(db);
  if (!channel.listened) return;
  void runTimes(db, runId)
    .then((run) => {
      if (!run?.finished_at || !ENDED.has(run.status)) return;
      const started = (run.started_at ?? run.finished_at).getTime();
      channel.emit({
        kind: 'simulationEnded',
        outcome: run.status as 'done' | 'failed' | 'cancelled',
        seconds: Math.max(0, run.finished_at.getTime() - started) / 1000,
      });
    })
    .catch(() => undefined);
}

/**
 * Reports a JSON evaluation answer: its leads by stage (a per-lead error has none) and the
 * decisions it logged.
 * @example reportEvaluated(db, 'inbound', 3, results, decisions.length);
 */
export function reportEvaluated(
  db: Db,
  workflow: string,
  version: number,
  results: readonly object[],
  decisionsLogged: number,
) {
  const channel = activityOf(db);
  if (!channel.listened) return;
  const byStage = new Map<string, number>();
  for (const result of results)
    if ('stage' in result && typeof result.stage === 'string')
      byStage.set(result.stage, (byStage.get(result.stage) ?? 0) + 1);
  channel.emit({ kind: 'evaluated', workflow, version, byStage });
  if (decisionsLogged > 0) channel.emit({ kind: 'decisionsLogged', count: decisionsLogged });
}

/** Reports leads a stream answered, counted by stage (the NDJSON path reports per chunk). */
export function reportStageCounts(
  db: Db,
  workflow: string,
  version: number,
  byStage: ReadonlyMap<string, number>,
) {
  if (byStage.size > 0) activityOf(db).emit({ kind: 'evaluated', workflow, version, byStage });
}

/** Reports decisions written to the decision log (the NDJSON path writes them per batch). */
export function reportDecisionsLogged(db: Db, count: number) {
  if (count > 0) activityOf(db).emit({ kind: 'decisionsLogged', count });
}
