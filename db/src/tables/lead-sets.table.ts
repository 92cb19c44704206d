import type { ColumnType, Generated } from 'kysely';

export type LeadSetStatus = 'loading' | 'ready' | 'failed';

export interface LeadSetsTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  /** How the set was made: generated (size, seed), uploaded (file name, mapping) or copied. */
  source: ColumnType<unknown, string, string>;
  lead_count: Generated<number>;
  has_outcomes: Generated<boolean>;
  created_by: string | null;
  created_at: Generated<Date>;
  /** `loading` while a generate or import writes its leads; only `ready` sets can be simulated. */
  status: Generated<LeadSetStatus>;
  /** Why loading failed (its leads are gone). */
  error: string | null;
  /** Problems its import found (cells left out, rows refused), all counted. */
  issue_count: Generated<number>;
  /** Of those, how many are kept in `lead_set_issues` (fewer when the cap was reached). */
  issues_stored: Generated<number>;
}

export * from './lead-set-issues.table';
