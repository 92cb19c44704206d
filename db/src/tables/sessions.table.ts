import type { Generated, Selectable } from 'kysely';

/** A signed-in session; only the SHA-256 of the cookie token is stored. */
export interface SessionsTable {
  id_hash: string;
  user_id: string;
  created_at: Generated<Date>;
  expires_at: Date;
}
export type Session = Selectable<SessionsTable>;
