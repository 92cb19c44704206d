import type { ColumnType } from 'kysely';

/** A lead whose stage differs between a run's baseline and candidate. */
export interface SimulationChangedLeadsTable {
  run_id: string;
  /** Position of the lead in its lead set (its `seq`). */
  idx: number;
  lead_id: string;
  from_stage: string;
  to_stage: string;
  baseline_scores: ColumnType<Record<string, number>, string, never>;
  candidate_scores: ColumnType<Record<string, number>, string, never>;
}
