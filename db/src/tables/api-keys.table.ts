import type { Generated, Insertable } from 'kysely';

/** A key for the REST evaluation API; only its SHA-256 is stored, `prefix` identifies it. */
export interface ApiKeysTable {
  id: Generated<string>;
  workspace_id: string;
  name: string;
  prefix: string;
  key_hash: string;
  created_by: string | null;
  created_at: Generated<Date>;
  revoked_at: Date | null;
  last_used_at: Date | null;
}
export type NewApiKey = Insertable<ApiKeysTable>;
