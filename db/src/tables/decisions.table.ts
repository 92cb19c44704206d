import type { ColumnType, GeneratedAlways, Selectable } from 'kysely';

/** One evaluation the REST API answered while its workflow's decision log was on. */
export interface DecisionsTable {
  id: GeneratedAlways<string>;
  workspace_id: string;
  workflow_id: string;
  version_id: string;
  version_number: number;
  api_key_id: string | null;
  lead_id: string;
  stage: string;
  scores: ColumnType<unknown, string, never>;
  tags: ColumnType<unknown, string, never>;
  reasons: ColumnType<unknown, string, never>;
  as_of: Date;
  at: ColumnType<Date, never, never>;
}
export type DecisionRow = Selectable<DecisionsTable>;
