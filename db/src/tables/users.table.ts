import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export const ROLES = ['admin', 'marketing', 'sales', 'ops', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

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
