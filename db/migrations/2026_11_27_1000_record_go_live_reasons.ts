import { sql, type Kysely } from 'kysely';

/**
 * Issue #15: a publish or a rollback says why (kept on its publication row, so every time a
 * version went live keeps its own who, when and why), and a simulation run records the content
 * hash of the candidate it ran, so a run of a draft whose content is exactly a version counts for
 * that version's publish gate. Runs of versions are back-filled with the version's hash.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('publications')
    .addColumn('reason', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  await db.schema.alterTable('simulation_runs').addColumn('candidate_hash', 'text').execute();
  await sql`update simulation_runs set candidate_hash = versions.compiled_hash
    from versions where versions.id = simulation_runs.candidate_version_id`.execute(db);
  await db.schema
    .createIndex('simulation_runs_gate_idx')
    .on('simulation_runs')
    .columns(['baseline_version_id', 'candidate_hash'])
    .execute();
  await db.schema
    .createIndex('publications_version_idx')
    .on('publications')
    .columns(['version_id', 'published_at'])
    .execute();
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('publications_version_idx').execute();
  await db.schema.dropIndex('simulation_runs_gate_idx').execute();
  await db.schema.alterTable('simulation_runs').dropColumn('candidate_hash').execute();
  await db.schema.alterTable('publications').dropColumn('reason').execute();
}
