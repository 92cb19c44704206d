import type { Generated, Insertable, Selectable } from 'kysely';

/** A discussion note on a node (node_id) of the draft or of a version (version_id). */
export interface CommentsTable {
  id: Generated<string>;
  workflow_id: string;
  version_id: string | null;
  node_id: string | null;
  author_id: string;
  body: string;
  created_at: Generated<Date>;
}
export type Comment = Selectable<CommentsTable>;
export type NewComment = Insertable<CommentsTable>;
