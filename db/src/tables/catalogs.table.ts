import type { ColumnType, Generated } from 'kysely';

/** Immutable field catalogs by content hash: what each version was validated and compiled with. */
export interface CatalogSnapshotsTable {
  hash: string;
  document: ColumnType<unknown, string, never>;
  created_at: Generated<Date>;
}

/** A workspace's live field catalog: what drafts, imports and the Fields page use. */
export interface WorkspaceCatalogsTable {
  workspace_id: string;
  document: ColumnType<unknown, string, string>;
  /** Goes up by one with every saved change; a save names the revision it started from. */
  revision: Generated<number>;
  updated_at: Generated<Date>;
  updated_by: string | null;
}
