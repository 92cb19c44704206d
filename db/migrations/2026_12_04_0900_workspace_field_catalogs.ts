import { canonicalJson, sha256Hex } from '@accord/engine';
import { sql, type Kysely } from 'kysely';
import { catalogOf20261204 } from './data/catalog-2026-12-04';

/**
 * Issue #17: each workspace owns its field catalog (`workspace_catalogs`, one editable document
 * a workspace, with a revision for optimistic saves), and each version pins the catalog it was
 * validated and compiled with (`versions.catalog_hash` → an immutable `catalog_snapshots` row).
 * Existing workspaces and versions get the demo catalog as it stood today, frozen here.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('catalog_snapshots')
    .addColumn('hash', 'text', (c) => c.primaryKey())
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema
    .createTable('workspace_catalogs')
    .addColumn('workspace_id', 'uuid', (c) => c.primaryKey().references('workspaces.id'))
    .addColumn('document', 'jsonb', (c) => c.notNull())
    .addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_by', 'uuid', (c) => c.references('users.id'))
    .execute();
  await db.schema
    .alterTable('versions')
    .addColumn('catalog_hash', 'text', (c) => c.references('catalog_snapshots.hash'))
    .execute();

  const text = canonicalJson(catalogOf20261204);
  const hash = sha256Hex(text);
  await sql`insert into catalog_snapshots (hash, document) values (${hash}, ${text}::jsonb)`.execute(
    db,
  );
  await sql`insert into workspace_catalogs (workspace_id, document) select id, ${text}::jsonb from workspaces`.execute(
    db,
  );
  await sql`update versions set catalog_hash = ${hash}`.execute(db);
  await sql`alter table versions alter column catalog_hash set not null`.execute(db);
  // A run of a draft keeps the catalog it ran with, as it keeps the draft's document.
  await db.schema
    .alterTable('simulation_runs')
    .addColumn('candidate_catalog_hash', 'text', (c) => c.references('catalog_snapshots.hash'))
    .execute();
  await sql`update simulation_runs set candidate_catalog_hash = ${hash} where candidate_document is not null`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('simulation_runs').dropColumn('candidate_catalog_hash').execute();
  await db.schema.alterTable('versions').dropColumn('catalog_hash').execute();
  await db.schema.dropTable('workspace_catalogs').execute();
  await db.schema.dropTable('catalog_snapshots').execute();
}
