import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface WorkspacesTable {
  id: Generated<string>;
  slug: string;
  name: string;
  created_at: Generated<Date>;
}
export type Workspace = Selectable<WorkspacesTable>;
export type NewWorkspace = Insertable<WorkspacesTable>;
export type WorkspaceUpdate = Updateable<WorkspacesTable>;
