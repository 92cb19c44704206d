import type { ColumnType, GeneratedAlways, Selectable } from 'kysely';

/** Append-only, hash-chained: each row stores the hash of the one before it. */
export interface AuditEventsTable {
  id: GeneratedAlways<number>;
  at: Date;
  actor_id: string | null;
  actor_label: string;
  action: string;
  entity_type: string;
  entity_id: string;
  workflow_id: string | null;
  /** Null only for events written before the column existed (see the 2026_11_24_1000 migration). */
  workspace_id: string | null;
  before: ColumnType<unknown, string | null, never>;
  after: ColumnType<unknown, string | null, never>;
  prev_hash: string;
  hash: string;
}
export type AuditEvent = Selectable<AuditEventsTable>;
