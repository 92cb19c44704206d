import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

import type { Role } from '@accord/access';

/** The roles live in @accord/access, shared with the web app; re-exported for db's readers. */
export { ROLES, type Role } from '@accord/access';

export interface UsersTable {
  id: Generated<string>;
  workspace_id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  disabled_at: Date | null;
  created_at: Generated<Date>;
}
export type User = Selectable<UsersTable>;
export type NewUser = Insertable<UsersTable>;
export type UserUpdate = Updateable<UsersTable>;
