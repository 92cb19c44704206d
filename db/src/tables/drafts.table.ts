import type { ColumnType, Generated, Selectable } from 'kysely';

/** The one editable draft of a workflow; `revision` grows by one on every save. */
export interface DraftsTable {
  workflow_id: string;
  revision: number;
  document: ColumnType<unknown, string, string>;
  updated_by: string | null;
  updated_at: Generated<Date>;
  /** The shared (Yjs) document's state; null until someone first opens the draft to co-author. */
  ydoc: ColumnType<Uint8Array | null, Uint8Array | null | undefined, Uint8Array | null>;
}
export type Draft = Selectable<DraftsTable>;
