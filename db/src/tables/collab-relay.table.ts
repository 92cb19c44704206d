import type { ColumnType, Generated } from 'kysely';

/** A shared-draft update too big for a NOTIFY payload, relayed between API instances (kept a minute). */
export interface CollabRelayTable {
  id: Generated<number>;
  workflow_id: string;
  payload: Uint8Array;
  created_at: ColumnType<Date, Date | undefined, never>;
}
