import { Migrator, sql, type MigrationResultSet } from 'kysely';
import { migrations } from '../migrations';
import type { Db } from './create-db';

const provider = { getMigrations: async () => migrations };

/**
 * Brings the schema to the newest migration; throws an Error naming the failed migration.
 * @example await migrateToLatest(db);
 */
export async function migrateToLatest(db: Db): Promise<string[]> {
  return applied(await pastRacingDrops(async () => (await migrator(db)).migrateToLatest()));
}

/** Undoes the newest migration (its `down`). */
export async function migrateDown(db: Db): Promise<string[]> {
  return applied(await pastRacingDrops(async () => (await migrator(db)).migrateDown()));
}

/**
 * The migrations this code knows that the database has not applied (oldest first): empty when
 * the schema is current. Migrations applied by newer code (a rolling upgrade) are not counted:
 * migrations only add, so older code keeps working on them. Reads only; creates nothing.
 * @example if ((await pendingMigrations(db)).length) console.log('not migrated');
 */
export async function pendingMigrations(db: Db): Promise<string[]> {
  const known = await pastRacingDrops(async () => (await migrator(db)).getMigrations());
  return known.filter((m) => m.executedAt === undefined).map((m) => m.name);
}

/**
 * A migrator whose bookkeeping tables live in the current schema. Without the schema named,
 * Kysely takes a `kysely_migration_lock` of another schema in the same database for its own.
 */
async function migrator(db: Db) {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(db);
  return new Migrator({ db, provider, migrationTableSchema: rows[0]?.schema ?? 'public' });
}

function applied({ error, results }: MigrationResultSet): string[] {
  const failed = results?.find((r) => r.status === 'Error');
  if (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Migration ${failed?.migrationName ?? '(unknown)'} failed: ${reason}`);
  }
  return (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName);
}

/** What PostgreSQL says when a table named in a catalog snapshot was dropped meanwhile. */
const DROPPED_MEANWHILE = /^relation "[^"]*" does not exist$/;

/**
 * Runs a migrator step again when it failed before any migration ran because a table of ANOTHER
 * schema was dropped while Kysely listed the database's tables (its introspection calls
 * `pg_get_serial_sequence` on every table it saw, and one dropped in between fails the whole
 * list). Nothing has run then, so trying again is safe; any other failure is returned at once.
 */
export async function pastRacingDrops<T>(step: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    let outcome: T;
    try {
      outcome = await step();
    } catch (error) {
      if (attempt < attempts && droppedMeanwhile(error)) {
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
        continue;
      }
      throw error;
    }
    const result = outcome as Partial<MigrationResultSet>;
    const ranNothing = !result.results?.some((r) => r.status !== 'NotExecuted');
    if (attempt < attempts && result.error && ranNothing && droppedMeanwhile(result.error)) {
      await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      continue;
    }
    return outcome;
  }
}

function droppedMeanwhile(error: unknown): boolean {
  return error instanceof Error && DROPPED_MEANWHILE.test(error.message);
}
