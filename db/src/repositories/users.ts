import type { Executor } from '../executor';
import type { NewUser, UserUpdate } from '../tables/users.table';

/** The accounts of a workspace, by email, for the users page. */
export async function listUsers(db: Executor, workspaceId: string) {
  return db
    .selectFrom('users')
    .select(['id', 'email', 'name', 'role', 'disabled_at', 'created_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('email')
    .execute();
}

/** Whether an email (any case) already has an account in a workspace. */
export async function emailTaken(db: Executor, workspaceId: string, email: string) {
  const row = await db
    .selectFrom('users')
    .select('id')
    .where('workspace_id', '=', workspaceId)
    .where((eb) => eb(eb.fn('lower', ['email']), '=', email.toLowerCase()))
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Stores accounts and answers them in the order given (without password hashes).
 * @example const [user] = await insertUsers(trx, [{ workspace_id, email, name, role, password_hash, disabled_at: null }]);
 */
export async function insertUsers(db: Executor, users: readonly NewUser[]) {
  return db
    .insertInto('users')
    .values([...users])
    .returning(['id', 'email', 'name', 'role'])
    .execute();
}

/** Stores one account and answers it (without the password hash). */
export async function insertUser(db: Executor, user: NewUser) {
  const [row] = await insertUsers(db, [user]);
  return row!;
}

/** One account of a workspace (name, role, whether disabled), or undefined. */
export async function findUserInWorkspace(db: Executor, workspaceId: string, userId: string) {
  return db
    .selectFrom('users')
    .select(['name', 'role', 'disabled_at'])
    .where('id', '=', userId)
    .where('workspace_id', '=', workspaceId)
    .executeTakeFirst();
}

/** Changes an account's name, role or disabled time. */
export async function updateUser(
  db: Executor,
  userId: string,
  changes: Pick<UserUpdate, 'name' | 'role' | 'disabled_at'>,
): Promise<void> {
  await db.updateTable('users').set(changes).where('id', '=', userId).execute();
}

/**
 * The accounts of an email (any case) a sign-in may check, with their workspace and password
 * hash: in the workspace whose slug is given, or else in every workspace; at most `limit`,
 * oldest first.
 */
export async function findSignInAccounts(
  db: Executor,
  query: { email: string; workspaceSlug?: string; limit: number },
) {
  let select = db
    .selectFrom('users')
    .innerJoin('workspaces', 'workspaces.id', 'users.workspace_id')
    .select([
      'users.id',
      'users.email',
      'users.name',
      'users.role',
      'users.workspace_id',
      'users.password_hash',
      'users.disabled_at',
      'workspaces.slug as workspace_slug',
      'workspaces.name as workspace_name',
    ])
    .where((eb) => eb(eb.fn('lower', ['users.email']), '=', query.email.toLowerCase()));
  if (query.workspaceSlug !== undefined)
    select = select.where('workspaces.slug', '=', query.workspaceSlug);
  return select.orderBy('users.created_at').orderBy('users.id').limit(query.limit).execute();
}
