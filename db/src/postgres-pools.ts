import type pg from 'pg';
import type { Executor } from './executor';

/**
 * The pg pool behind a PostgreSQL database handle, for the few writes Kysely cannot express
 * (`COPY … FROM STDIN`, see `appendLeads`). A transaction or a pinned connection is another
 * handle and has none: what runs on it stays on it.
 */
const pools = new WeakMap<object, pg.Pool>();

export function registerPostgresPool(db: Executor, pool: pg.Pool): void {
  pools.set(db, pool);
}

export function postgresPoolOf(db: Executor): pg.Pool | undefined {
  return pools.get(db);
}
