import type { Db } from '../create-db';

/**
 * How many sign-ins failed for `key` since `since`.
 * @example if ((await countSignInFailures(db, key, windowStart)) >= 5) refuse();
 */
export async function countSignInFailures(db: Db, key: string, since: Date): Promise<number> {
  const row = await db
    .selectFrom('sign_in_failures')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('key', '=', key)
    .where('at', '>', since)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** Notes a failed sign-in for `key` at `at`, and forgets failures older than `forgetBefore`. */
export async function recordSignInFailure(
  db: Db,
  key: string,
  at: Date,
  forgetBefore: Date,
): Promise<void> {
  await db.insertInto('sign_in_failures').values({ key, at }).execute();
  await db.deleteFrom('sign_in_failures').where('at', '<=', forgetBefore).execute();
}

/** Forgets the failed sign-ins of `key` (after a successful one). */
export async function clearSignInFailures(db: Db, key: string): Promise<void> {
  await db.deleteFrom('sign_in_failures').where('key', '=', key).execute();
}
