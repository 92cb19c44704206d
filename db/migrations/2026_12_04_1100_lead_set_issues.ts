import { sql, type Kysely } from 'kysely';

/**
 * Issue #17: every problem an import found (a cell that did not fit its field, a row refused)
 * is kept with its lead set, so the whole report can be downloaded, not only the first ones.
 * `lead_sets.issue_count` counts every problem found, `issues_stored` those kept (at most
 * `MAX_STORED_ISSUES` per set): when they differ, the report says it was cut.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('lead_set_issues')
    .addColumn('lead_set_id', 'uuid', (c) =>
      c.notNull().references('lead_sets.id').onDelete('cascade'),
    )
    .addColumn('seq', 'integer', (c) => c.notNull())
    .addColumn('line', 'integer', (c) => c.notNull())
    .addColumn('column_index', 'integer', (c) => c.notNull())
    .addColumn('column_name', 'text', (c) => c.notNull())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('row_kept', 'boolean', (c) => c.notNull())
    .addPrimaryKeyConstraint('lead_set_issues_pkey', ['lead_set_id', 'seq'])
    .execute();
  await sql`alter table lead_sets
    add column issue_count integer not null default 0,
    add column issues_stored integer not null default 0`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('lead_set_issues').execute();
  await sql`alter table lead_sets drop column issue_count, drop column issues_stored`.execute(db);
}
