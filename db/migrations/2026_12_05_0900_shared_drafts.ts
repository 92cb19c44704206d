import { sql, type Kysely } from 'kysely';

/**
 * Issue #20: a draft is one shared (Yjs) document that several people edit at once. `ydoc` keeps
 * its state (every change with its CRDT ids) beside the `document` it reads as, so a restarted
 * server, or a second instance, resumes the very same shared document and clients resync without
 * duplicating steps. `collab_relay` carries updates too big for a NOTIFY payload between API
 * instances over one PostgreSQL (rows live a minute).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`alter table drafts add column ydoc bytea`.execute(db);
  await db.schema
    .createTable('collab_relay')
    .addColumn('id', 'bigserial', (c) => c.primaryKey())
    .addColumn('workflow_id', 'uuid', (c) => c.notNull())
    .addColumn('payload', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('collab_relay').execute();
  await sql`alter table drafts drop column ydoc`.execute(db);
}
