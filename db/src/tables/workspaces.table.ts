import type { Generated, Insertable, Selectable } from 'kysely';

export interface WorkspacesTable {
  id: Generated<string>;
  slug: string;
  name: string;
  created_at: Generated<Date>;
}
export type Workspace = Selectable<WorkspacesTable>;
export type NewWorkspace = Insertable<WorkspacesTable>;
