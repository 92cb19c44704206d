import type { Executor } from '../executor';
import type { NewApiKey } from '../tables/api-keys.table';
import { sha256Hex } from '@accord/engine';

/** SHA-256 (hex) of a raw API key: the only form in which keys are stored. */
export function hashApiKey(rawKey: string): string {
  return sha256Hex(rawKey);
}

/**
 * The active (not revoked) API key a raw bearer key belongs to, with its workspace; undefined
 * for unknown and revoked keys.
 * @example const key = await findApiKey(db, 'acc_…'); if (!key) reply.code(401);
 */
export async function findApiKey(db: Executor, rawKey: string) {
  return db
    .selectFrom('api_keys')
    .select(['id', 'workspace_id as workspaceId', 'name', 'prefix'])
    .where('key_hash', '=', hashApiKey(rawKey))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
}

/** Records when an API key was last used. */
export async function touchApiKey(db: Executor, keyId: string, at: Date): Promise<void> {
  await db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', keyId).execute();
}

/** The API keys of a workspace, newest first, without their hashes. */
export async function listApiKeys(db: Executor, workspaceId: string) {
  return db
    .selectFrom('api_keys')
    .select(['id', 'name', 'prefix', 'created_at', 'revoked_at', 'last_used_at'])
    .where('workspace_id', '=', workspaceId)
    .orderBy('created_at', 'desc')
    .execute();
}

/** Stores a new API key (its hash and prefix, never the key) and answers what may be shown. */
export async function insertApiKey(db: Executor, key: NewApiKey) {
  return db
    .insertInto('api_keys')
    .values(key)
    .returning(['id', 'name', 'prefix', 'created_at'])
    .executeTakeFirstOrThrow();
}

/**
 * Revokes an active key of a workspace at `at`; answers the key, or undefined when the workspace
 * has no such active key.
 */
export async function revokeApiKey(db: Executor, workspaceId: string, keyId: string, at: Date) {
  return db
    .updateTable('api_keys')
    .set({ revoked_at: at })
    .where('id', '=', keyId)
    .where('workspace_id', '=', workspaceId)
    .where('revoked_at', 'is', null)
    .returning(['id', 'name', 'prefix'])
    .executeTakeFirst();
}

/** The active keys whose id (a UUID) or prefix (`acc_…`) is `ref`, with their workspace. */
export async function activeApiKeysByRef(db: Executor, ref: string) {
  const column = /^[0-9a-f-]{36}$/.test(ref) ? 'id' : 'prefix';
  return db
    .selectFrom('api_keys')
    .select(['id', 'workspace_id', 'name', 'prefix'])
    .where(column, '=', ref)
    .where('revoked_at', 'is', null)
    .limit(10)
    .execute();
}
