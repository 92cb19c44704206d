import type { Executor } from '../executor';

/**
 * The signed-in user of a session (by the SHA-256 of its cookie token), or undefined when the
 * session is unknown, expired at `now` or its user is disabled.
 * @example const user = await findSessionUser(db, hashToken(cookie), new Date());
 */
export async function findSessionUser(db: Executor, idHash: string, now: Date) {
  return db
    .selectFrom('sessions')
    .innerJoin('users', 'users.id', 'sessions.user_id')
    .select(['users.id', 'users.email', 'users.name', 'users.role', 'users.workspace_id'])
    .where('sessions.id_hash', '=', idHash)
    .where('sessions.expires_at', '>', now)
    .where('users.disabled_at', 'is', null)
    .executeTakeFirst();
}

/** Stores a new session; only the hash of its token is kept. */
export async function createSession(
  db: Executor,
  session: { idHash: string; userId: string; expiresAt: Date },
): Promise<void> {
  await db
    .insertInto('sessions')
    .values({ id_hash: session.idHash, user_id: session.userId, expires_at: session.expiresAt })
    .execute();
}

/** Ends one session (sign-out, or a new sign-in replacing it). */
export async function deleteSession(db: Executor, idHash: string): Promise<void> {
  await db.deleteFrom('sessions').where('id_hash', '=', idHash).execute();
}

/** Ends every session of a user (the account was disabled). */
export async function deleteSessionsOfUser(db: Executor, userId: string): Promise<void> {
  await db.deleteFrom('sessions').where('user_id', '=', userId).execute();
}
