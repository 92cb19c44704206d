import type { ColumnType, Generated, Selectable } from 'kysely';

export const VERSION_STATUSES = [
  'proposed',
  'approved',
  'rejected',
  'published',
  'superseded',
] as const;
export type VersionStatus = (typeof VERSION_STATUSES)[number];

/** An immutable, numbered snapshot of a workflow; only its status moves. */
export interface VersionsTable {
  id: Generated<string>;
  workflow_id: string;
  number: number;
  status: VersionStatus;
  document: ColumnType<unknown, string, never>;
  compiled_hash: string;
  /** The catalog snapshot (`catalog_snapshots.hash`) it was validated and compiled with. */
  catalog_hash: string;
  change_note: string;
  based_on_revision: number | null;
  author_id: string;
  created_at: Generated<Date>;
  /** The latest time it went live and by whom; every publication is in `publications`. */
  published_at: Date | null;
  published_by: string | null;
}
export type VersionRow = Selectable<VersionsTable>;
