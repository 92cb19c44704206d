import type { AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { demoCallers } from '../testing';
import { API_KEY_CACHE_LIMITS, ApiKeyCache } from './api-key-cache';

describe.each(testBackends())('API key cache on $kind', ({ open }) => {
  let database: AccordDatabase;
  let as: Awaited<ReturnType<typeof demoCallers>>;
  beforeAll(async () => {
    database = await open();
    as = await demoCallers(database);
  });
  afterAll(() => database?.close());
  afterEach(() => vi.useRealTimers());

  /** Marks a key revoked behind the cache's back, as the CLI or another instance would. */
  const revokeElsewhere = (id: string) =>
    database.db
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('id', '=', id)
      .execute();

  it('#18: a flood of unknown keys does not push out the keys in use (no wholesale clear)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { id, key } = await as.admin.apiKeys.create({ name: 'flooded' });
    const cache = new ApiKeyCache(database.db);
    expect(await cache.identify(key)).toMatchObject({ id });
    // Revoked elsewhere: this instance may go on answering from its cache for up to 2 s, which
    // shows whether the entry survived the flood without a query.
    await revokeElsewhere(id);
    for (let i = 0; i <= API_KEY_CACHE_LIMITS.knownKeys; i++)
      expect(await cache.identify(`acc_made_up_${i}`)).toBeNull();
    expect(await cache.identify(key)).toMatchObject({ id });
    vi.setSystemTime(Date.now() + 2_500);
    expect(await cache.identify(key)).toBeNull();
  }, 180_000);

  it('#18: keeps at most its bound of keys, dropping the least recently used', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const cache = new ApiKeyCache(database.db, { knownKeys: 2, unknownKeys: 2 });
    const keys = [];
    for (let i = 0; i < 3; i++) keys.push(await as.admin.apiKeys.create({ name: `lru ${i}` }));
    for (const k of keys) expect(await cache.identify(k.key)).toMatchObject({ id: k.id });
    for (const k of keys) await revokeElsewhere(k.id);
    // The two most recent are still cached; the first was dropped and is read again: revoked.
    expect(await cache.identify(keys[2]!.key)).toMatchObject({ id: keys[2]!.id });
    expect(await cache.identify(keys[1]!.key)).toMatchObject({ id: keys[1]!.id });
    expect(await cache.identify(keys[0]!.key)).toBeNull();
  });

  it('stops a key revoked through this server at once (invalidate)', async () => {
    const { id, key } = await as.admin.apiKeys.create({ name: 'revoked here' });
    const cache = new ApiKeyCache(database.db);
    expect(await cache.identify(key)).toMatchObject({ id });
    await revokeElsewhere(id);
    cache.invalidate();
    expect(await cache.identify(key)).toBeNull();
  });
});
