import type { Generated, Selectable, Updateable } from 'kysely';

export interface WorkflowsTable {
  id: Generated<string>;
  workspace_id: string;
  slug: string;
  name: string;
  description: Generated<string>;
  archived_at: Date | null;
  /** Whether the REST API stores each evaluation in `decisions` (off by default). */
  decision_log: Generated<boolean>;
  created_by: string | null;
  created_at: Generated<Date>;
}
export type WorkflowRow = Selectable<WorkflowsTable>;
export type WorkflowRowUpdate = Updateable<WorkflowsTable>;
