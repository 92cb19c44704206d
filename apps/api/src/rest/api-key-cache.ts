import type { Db } from '@accord/db';
import { hashToken } from '../trpc';

export interface ApiKeyIdentity {
  id: string;
  workspaceId: string;
}

const TOUCH_EVERY_MS = 60_000;
/** Bounds how long a key revoked by another process (the CLI, another API instance) still works. */
const RECHECK_AFTER_MS = 2_000;

/**
 * Resolves bearer keys to their workspace without a query per request. `invalidate` (called when a
 * key is revoked through this server) drops every entry, so the key stops working on the very next
 * request; a revocation made elsewhere (CLI, another instance) takes effect within 2 seconds.
 */
export class ApiKeyCache {
  #keys = new Map<string, { identity: ApiKeyIdentity | null; at: number }>();
  readonly #touched = new Map<string, number>();

  constructor(private readonly db: Db) {}

  invalidate() {
    this.#keys = new Map();
  }

  async identify(rawKey: string): Promise<ApiKeyIdentity | null> {
    const hash = hashToken(rawKey);
    const now = Date.now();
    const cached = this.#keys.get(hash);
    let identity = cached && now - cached.at < RECHECK_AFTER_MS ? cached.identity : undefined;
    if (identity === undefined) {
      const row = await this.db
        .selectFrom('api_keys')
        .select(['id', 'workspace_id'])
        .where('key_hash', '=', hash)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      identity = row ? { id: row.id, workspaceId: row.workspace_id } : null;
      if (this.#keys.size > 10_000) this.#keys.clear();
      this.#keys.set(hash, { identity, at: now });
    }
    if (identity) this.#touch(identity.id);
    return identity;
  }

  #touch(id: string) {
    const now = Date.now();
    if (now - (this.#touched.get(id) ?? 0) < TOUCH_EVERY_MS) return;
    this.#touched.set(id, now);
    void this.db
      .updateTable('api_keys')
      .set({ last_used_at: new Date(now) })
      .where('id', '=', id)
      .execute()
      .catch(() => undefined);
  }
}
