import { findApiKey, hashApiKey, touchApiKey, type Db } from '@accord/db';
import { LRUCache } from 'lru-cache';

export interface ApiKeyIdentity {
  id: string;
  workspaceId: string;
}

const TOUCH_EVERY_MS = 60_000;
/** Bounds how long a key revoked by another process (the CLI, another API instance) still works. */
const RECHECK_AFTER_MS = 2_000;

/**
 * How many keys are remembered. Known keys: more than the active keys of any deployment (an entry
 * is a hash and two ids, about 300 bytes, so 3 MB at most). Unknown keys have a bound of their own,
 * so a flood of made-up keys evicts only other made-up keys, never the keys CRMs use.
 */
export interface ApiKeyCacheLimits {
  knownKeys: number;
  unknownKeys: number;
}
export const API_KEY_CACHE_LIMITS: ApiKeyCacheLimits = { knownKeys: 10_000, unknownKeys: 1_000 };

/**
 * Resolves bearer keys to their workspace without a query per request, in bounded
 * least-recently-used caches. `invalidate` (called when a key is revoked through this server)
 * drops every entry, so the key stops working on the very next request; a revocation made
 * elsewhere (CLI, another instance) takes effect within 2 seconds.
 */
export class ApiKeyCache {
  readonly #known: LRUCache<string, { identity: ApiKeyIdentity; at: number }>;
  /** Hashes of keys that matched nothing, with when that was read. */
  readonly #unknown: LRUCache<string, number>;
  /** When each key's `last_used_at` was last written. */
  readonly #touched: LRUCache<string, number>;

  constructor(
    private readonly db: Db,
    limits: ApiKeyCacheLimits = API_KEY_CACHE_LIMITS,
  ) {
    this.#known = new LRUCache({ max: limits.knownKeys });
    this.#unknown = new LRUCache({ max: limits.unknownKeys });
    this.#touched = new LRUCache({ max: limits.knownKeys });
  }

  invalidate() {
    this.#known.clear();
    this.#unknown.clear();
  }

  async identify(rawKey: string): Promise<ApiKeyIdentity | null> {
    const hash = hashApiKey(rawKey);
    const now = Date.now();
    const fresh = (at: number | undefined) => at !== undefined && now - at < RECHECK_AFTER_MS;
    const known = this.#known.get(hash);
    let identity: ApiKeyIdentity | null | undefined = fresh(known?.at)
      ? known!.identity
      : undefined;
    if (identity === undefined && fresh(this.#unknown.get(hash))) identity = null;
    if (identity === undefined) {
      const row = await findApiKey(this.db, rawKey);
      identity = row ? { id: row.id, workspaceId: row.workspaceId } : null;
      if (identity) {
        this.#known.set(hash, { identity, at: now });
        this.#unknown.delete(hash);
      } else {
        this.#unknown.set(hash, now);
        this.#known.delete(hash);
      }
    }
    if (identity) this.#touch(identity.id);
    return identity;
  }

  #touch(id: string) {
    const now = Date.now();
    if (now - (this.#touched.get(id) ?? 0) < TOUCH_EVERY_MS) return;
    this.#touched.set(id, now);
    void touchApiKey(this.db, id, new Date(now)).catch(() => undefined);
  }
}
