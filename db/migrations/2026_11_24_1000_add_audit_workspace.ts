import { sql, type Kysely } from 'kysely';

/**
 * Audit events carry the workspace they belong to, so one workspace's auditors never read
 * another's. Events written before this column existed keep `null` (they are not rewritten: the
 * table is append-only and their hashes cover what they held when written).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('audit_events')
    .addColumn('workspace_id', 'uuid', (c) => c.references('workspaces.id'))
    .execute();
  await sql`create index audit_events_workspace_idx on audit_events (workspace_id, id)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index audit_events_workspace_idx`.execute(db);
  await db.schema.alterTable('audit_events').dropColumn('workspace_id').execute();
}
