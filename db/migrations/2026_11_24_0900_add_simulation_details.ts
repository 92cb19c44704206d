import { sql, type Kysely } from 'kysely';

/**
 * Lead sets load in the background of one request (generate, import), so they carry a status;
 * simulation runs keep the draft they ran (drafts change), a heartbeat to notice runs whose
 * process died, and their changed leads in a table of their own so they can be paged and
 * filtered by transition without loading the whole result.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('lead_sets')
    .addColumn('status', 'text', (c) =>
      c
        .notNull()
        .defaultTo('ready')
        .check(sql`status in ('loading', 'ready', 'failed')`),
    )
    .execute();
  await db.schema.alterTable('lead_sets').addColumn('error', 'text').execute();
  await db.schema
    .createIndex('lead_sets_workspace_idx')
    .on('lead_sets')
    .columns(['workspace_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('leads_lead_id_idx')
    .on('leads')
    .columns(['lead_set_id', 'lead_id'])
    .execute();

  await db.schema.alterTable('simulation_runs').addColumn('candidate_document', 'jsonb').execute();
  await db.schema
    .alterTable('simulation_runs')
    .addColumn('lead_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.alterTable('simulation_runs').addColumn('started_at', 'timestamptz').execute();
  await db.schema
    .alterTable('simulation_runs')
    .addColumn('heartbeat_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createIndex('simulation_runs_workflow_idx')
    .on('simulation_runs')
    .columns(['workflow_id', 'created_at'])
    .execute();
  await db.schema
    .createIndex('simulation_runs_versions_idx')
    .on('simulation_runs')
    .columns(['candidate_version_id', 'baseline_version_id'])
    .execute();

  await db.schema
    .createTable('simulation_changed_leads')
    .addColumn('run_id', 'uuid', (c) =>
      c.notNull().references('simulation_runs.id').onDelete('cascade'),
    )
    .addColumn('idx', 'integer', (c) => c.notNull())
    .addColumn('lead_id', 'text', (c) => c.notNull())
    .addColumn('from_stage', 'text', (c) => c.notNull())
    .addColumn('to_stage', 'text', (c) => c.notNull())
    .addColumn('baseline_scores', 'jsonb', (c) => c.notNull())
    .addColumn('candidate_scores', 'jsonb', (c) => c.notNull())
    .addPrimaryKeyConstraint('simulation_changed_leads_pkey', ['run_id', 'idx'])
    .execute();
  await db.schema
    .createIndex('simulation_changed_leads_cell_idx')
    .on('simulation_changed_leads')
    .columns(['run_id', 'from_stage', 'to_stage', 'idx'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('simulation_changed_leads').execute();
  await db.schema.dropIndex('simulation_runs_versions_idx').execute();
  await db.schema.dropIndex('simulation_runs_workflow_idx').execute();
  for (const column of ['heartbeat_at', 'started_at', 'lead_count', 'candidate_document'])
    await db.schema.alterTable('simulation_runs').dropColumn(column).execute();
  await db.schema.dropIndex('leads_lead_id_idx').execute();
  await db.schema.dropIndex('lead_sets_workspace_idx').execute();
  await db.schema.alterTable('lead_sets').dropColumn('error').execute();
  await db.schema.alterTable('lead_sets').dropColumn('status').execute();
}
