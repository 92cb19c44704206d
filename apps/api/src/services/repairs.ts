import { dropAbandonedTypedCopies, failStaleRuns, type AccordDatabase } from '@accord/db';
import { repairAbandonedLeadSets } from '../imports/load-lead-set';

/** A run whose process sent no heartbeat for this long is reported failed (it died). */
export const STALE_RUN_MS = 60_000;
/** How often the running server repairs what a dead process left behind. */
export const REPAIR_EVERY_MS = 60_000;

/**
 * The one place that repairs what a process that died left behind: lead sets left `loading`
 * are emptied and marked failed, runs whose heartbeat stopped more than `STALE_RUN_MS` ago are
 * marked failed, and (PostgreSQL) the build tables of a typed copy it was making are dropped. Run at start-up and by `startRepairJob`; reads never repair.
 * @example await repairAbandonedWork(database);
 */
export async function repairAbandonedWork(
  database: Pick<AccordDatabase, 'db' | 'kind'>,
  now: number = Date.now(),
): Promise<void> {
  await repairAbandonedLeadSets({ db: database.db, dbKind: database.kind });
  await failStaleRuns(database.db, new Date(now - STALE_RUN_MS));
  if (database.kind === 'postgres') await dropAbandonedTypedCopies(database.db);
}

/**
 * Runs `repairAbandonedWork` every `everyMs` on an unref'd timer (it never keeps the process
 * alive); a failed pass is logged and the next one tries again. Returns a function that stops it.
 * @example const stop = startRepairJob(database); … stop();
 */
export function startRepairJob(
  database: Pick<AccordDatabase, 'db' | 'kind'>,
  everyMs: number = REPAIR_EVERY_MS,
  log: (error: unknown) => void = (error) => console.error('Repair pass failed:', error),
): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    repairAbandonedWork(database)
      .catch(log)
      .finally(() => (running = false));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
