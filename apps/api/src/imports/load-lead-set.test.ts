import type { AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { generateLeads, type Lead } from '@accord/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mutate } from '../services/audited';
import { demoCallers } from '../testing';
import { INSERT_BATCH, LeadSetLoadError, loadLeadSet } from './load-lead-set';

/**
 * The loader keeps one insert in flight while it reads the next batch. Whatever fails (an insert
 * the database refuses, the source breaking while an insert is still running), the set ends
 * failed with no lead left: no insert lands after the set was emptied.
 */
describe.each(testBackends())('loading a lead set on $kind', ({ open }) => {
  let database: AccordDatabase;
  let ctx: Parameters<typeof loadLeadSet>[0];
  beforeAll(async () => {
    database = await open();
    const as = await demoCallers(database);
    ctx = { db: database.db, dbKind: database.kind, user: as.users.ops };
  });
  afterAll(async () => {
    await database?.close();
  });

  const audited: Parameters<typeof loadLeadSet>[1] = (run) => mutate(ctx, run);
  const leads = (count: number, seed: number) => generateLeads({ count, seed });

  async function setNamed(name: string) {
    const set = await database.db
      .selectFrom('lead_sets')
      .select(['id', 'status', 'lead_count', 'error'])
      .where('name', '=', name)
      .executeTakeFirstOrThrow();
    const stored = await database.db
      .selectFrom('leads')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('lead_set_id', '=', set.id)
      .executeTakeFirstOrThrow();
    return { ...set, stored: Number(stored.n) };
  }

  it('stores every batch in order, the last one included', async () => {
    const all = leads(INSERT_BATCH * 3 + 17, 1);
    const batches = [all.slice(0, 1_500), all.slice(1_500, 4_100), all.slice(4_100)];
    const set = await loadLeadSet(ctx, audited, { name: 'Whole', source: {} }, batches);
    expect(set).toMatchObject({ status: 'ready', lead_count: all.length });
    const stored = await database.db
      .selectFrom('leads')
      .select(['seq', 'lead_id'])
      .where('lead_set_id', '=', set.id)
      .orderBy('seq')
      .execute();
    expect(stored.map((r) => r.lead_id)).toEqual(all.map((l) => l.id));
    expect(stored.map((r) => Number(r.seq))).toEqual(all.map((_, i) => i));
  });

  it('empties the set when the database refuses a later batch while the next is read', async () => {
    const good = leads(INSERT_BATCH * 2, 2);
    // A NUL in the id: the JSON is valid, but the database cannot read it as text.
    const refused: Lead = { ...leads(1, 3)[0]!, id: 'bad\u0000id' };
    const after = leads(INSERT_BATCH * 2, 4);
    const error = await loadLeadSet(ctx, audited, { name: 'Refused batch', source: {} }, [
      good,
      [refused, ...after],
    ]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeadSetLoadError);
    expect(await setNamed('Refused batch')).toMatchObject({
      status: 'failed',
      lead_count: 0,
      stored: 0,
    });
  });

  it('empties the set when the source breaks while an insert is still in flight', async () => {
    async function* breaking() {
      yield leads(INSERT_BATCH * 3, 5);
      throw new Error('the upload was cut off');
    }
    const error = await loadLeadSet(
      ctx,
      audited,
      { name: 'Cut off', source: {} },
      breaking(),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LeadSetLoadError);
    expect((error as Error).message).toBe('the upload was cut off');
    // Read after the loader returned: a late insert would show here as stored leads.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await setNamed('Cut off')).toMatchObject({
      status: 'failed',
      lead_count: 0,
      stored: 0,
      error: 'the upload was cut off',
    });
  });
});
