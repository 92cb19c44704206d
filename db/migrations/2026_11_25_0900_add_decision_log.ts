import { sql, type Kysely } from 'kysely';

/**
 * The optional decision log: per workflow a switch (off by default) and a table holding each
 * evaluation the REST API answered while it was on (lead id, version, stage, scores, tags and
 * reasons), so auditors can ask "why did lead L get stage S".
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('workflows')
    .addColumn('decision_log', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute();
  await db.schema
    .createTable('decisions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('workspace_id', 'uuid', (c) => c.notNull().references('workspaces.id'))
    .addColumn('workflow_id', 'uuid', (c) => c.notNull().references('workflows.id'))
    .addColumn('version_id', 'uuid', (c) => c.notNull().references('versions.id'))
    .addColumn('version_number', 'integer', (c) => c.notNull())
    .addColumn('api_key_id', 'uuid', (c) => c.references('api_keys.id'))
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('scores', 'jsonb', (c) => c.notNull())
    .addColumn('tags', 'jsonb', (c) => c.notNull())
    .addColumn('reasons', 'jsonb', (c) => c.notNull())
    .addColumn('as_of', 'timestamptz', (c) => c.notNull())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await sql`create index decisions_workflow_lead_idx on decisions (workflow_id, lead_id, id desc)`.execute(
    db,
  );
  await sql`create index decisions_workflow_idx on decisions (workflow_id, id desc)`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('decisions').execute();
  await db.schema.alterTable('workflows').dropColumn('decision_log').execute();
}
