import { sql, type Kysely } from 'kysely';

/**
 * Failed sign-ins, per email and client address, kept in the database so the brute-force limit
 * holds across every API instance (it used to be counted in each process's memory).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('sign_in_failures')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull())
    .execute();
  await sql`create index sign_in_failures_key_at_idx on sign_in_failures (key, at)`.execute(db);
  await sql`create index sign_in_failures_at_idx on sign_in_failures (at)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('sign_in_failures').execute();
}
