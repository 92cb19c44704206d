import type { ColumnType, Generated } from 'kysely';

export type SimulationStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface SimulationRunsTable {
  id: Generated<string>;
  workflow_id: string;
  baseline_version_id: string | null;
  candidate_version_id: string | null;
  candidate_draft_revision: number | null;
  /**
   * `hashWorkflow` of the candidate the run evaluated (a version's or the draft's); a run counts
   * for the publish gate of every version with this content. Null only for old draft runs.
   */
  candidate_hash: string | null;
  lead_set_id: string;
  as_of: Date;
  status: SimulationStatus;
  progress: Generated<number>;
  result: ColumnType<unknown, string | null, string | null>;
  error: string | null;
  created_by: string;
  created_at: Generated<Date>;
  finished_at: Date | null;
  /** The draft document a run with a draft candidate ran (drafts change afterwards). */
  candidate_document: ColumnType<unknown, string | null, string | null>;
  /** The catalog snapshot a draft candidate ran with (null for a version: it pins its own). */
  candidate_catalog_hash: string | null;
  lead_count: Generated<number>;
  started_at: Date | null;
  /** Refreshed while a process works on the run; a stale one means the process died. */
  heartbeat_at: Generated<Date>;
}
