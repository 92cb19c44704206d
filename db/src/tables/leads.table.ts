import type { ColumnType } from 'kysely';

/** One lead of a lead set, as the engine's lead document in `data` (`json`: kept as written). */
export interface LeadsTable {
  lead_set_id: string;
  seq: number;
  lead_id: string;
  data: ColumnType<unknown, string, never>;
}
