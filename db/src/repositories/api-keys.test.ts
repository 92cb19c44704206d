import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccordDatabase } from '../create-db';
import { testBackends } from '../testing';
import { findApiKey, hashApiKey } from './api-keys';

describe.each(testBackends())('findApiKey on $kind', ({ open }) => {
  let database: AccordDatabase;
  let workspaceId: string;
  beforeAll(async () => {
    database = await open();
    workspaceId = (
      await database.db
        .insertInto('workspaces')
        .values({ slug: 'k', name: 'K' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
    for (const [raw, revoked] of [
      ['acc_live', null],
      ['acc_revoked', new Date()],
    ] as const) {
      await database.db
        .insertInto('api_keys')
        .values({
          workspace_id: workspaceId,
          name: raw,
          prefix: raw.slice(0, 8),
          key_hash: hashApiKey(raw),
          created_by: null,
          revoked_at: revoked,
          last_used_at: null,
        })
        .execute();
    }
  });
  afterAll(() => database?.close());

  it('finds an active key by its raw value and never a revoked or unknown one', async () => {
    expect(await findApiKey(database.db, 'acc_live')).toMatchObject({
      workspaceId,
      name: 'acc_live',
    });
    expect(await findApiKey(database.db, 'acc_revoked')).toBeUndefined();
    expect(await findApiKey(database.db, 'acc_unknown')).toBeUndefined();
  });
});
