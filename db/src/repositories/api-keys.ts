import type { Executor } from '../executor';
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
