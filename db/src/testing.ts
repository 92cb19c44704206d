import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createDb, type AccordDatabase, type DbKind } from './create-db';
import { migrateToLatest } from './migrate';

export interface TestBackend {
  kind: DbKind;
  /** A fresh, migrated database of its own: in-memory PGlite, or a new PostgreSQL schema. */
  open(): Promise<AccordDatabase>;
}

/**
 * The backends a database suite runs on: in-memory PGlite always, and PostgreSQL too when
 * TEST_DATABASE_URL is set (CI sets it). Use with `describe.each(testBackends())`.
 * @example describe.each(testBackends())('$kind', ({ open }) => { ... });
 */
export function testBackends(): TestBackend[] {
  // eslint-disable-next-line no-restricted-properties -- tests read their own switch
  const url = process.env.TEST_DATABASE_URL;
  const backends: TestBackend[] = [{ kind: 'pglite', open: openMemory }];
  if (url) backends.push({ kind: 'postgres', open: () => openSchema(url) });
  return backends;
}

async function openMemory(): Promise<AccordDatabase> {
  const database = await createDb();
  await migrateToLatest(database.db);
  return database;
}

async function openSchema(url: string): Promise<AccordDatabase> {
  const schema = `test_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const admin = new Kysely<unknown>({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
  });
  await sql`create schema ${sql.id(schema)}`.execute(admin);
  const database = await createDb({ databaseUrl: url, schema, maxConnections: 20 });
  await migrateToLatest(database.db);
  return {
    ...database,
    async close() {
      await database.close();
      await sql`drop schema ${sql.id(schema)} cascade`.execute(admin);
      await admin.destroy();
    },
  };
}
