import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccordDatabase } from '../create-db';
import { testBackends } from '../testing';
import { inSqlSessions, leadSlices, storedLeadSetRelations } from './lead-set-sql';

describe('leadSlices', () => {
  it('covers every place once, open-ended at both ends, in slices of about one size', () => {
    expect(leadSlices(10, 2)).toEqual([{ toSeq: 5 }, { fromSeq: 5 }]);
    expect(leadSlices(10, 3)).toEqual([{ toSeq: 3 }, { fromSeq: 3, toSeq: 7 }, { fromSeq: 7 }]);
    expect(leadSlices(1_000, 1)).toEqual([{}]);
    // Never more slices than leads, never none.
    expect(leadSlices(2, 4)).toEqual([{ toSeq: 1 }, { fromSeq: 1 }]);
    expect(leadSlices(0, 4)).toEqual([{}]);
  });

  it('bounds the leads relation by place, and refuses a bound that is not a place', () => {
    const set = '6f1c2a3b-0d4e-4f5a-8b6c-7d8e9f0a1b2c';
    const { leads } = storedLeadSetRelations(set, [], { fromSeq: 3, toSeq: 7 });
    expect(leads).toContain('and l.seq >= 3 and l.seq < 7');
    expect(storedLeadSetRelations(set, []).leads).not.toContain('l.seq >=');
    expect(() => storedLeadSetRelations(set, [], { fromSeq: 1.5 })).toThrow(/fromSeq/);
    expect(() => storedLeadSetRelations(set, [], { toSeq: -1 })).toThrow(/toSeq/);
  });
});

const postgres = testBackends().find((b) => b.kind === 'postgres');

describe.skipIf(!postgres)('inSqlSessions on PostgreSQL', () => {
  let database: AccordDatabase;
  beforeAll(async () => {
    database = await postgres!.open();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('reads as of one moment on every connection: a write committed meanwhile is seen by none', async () => {
    const workspaces = { sql: 'select count(*)::int as n from workspaces', params: [] };
    const before = (
      await sql<{ n: number }>`select count(*)::int as n from workspaces`.execute(database.db)
    ).rows[0]!.n;
    let started: () => void = () => undefined;
    const secondStarted = new Promise<void>((resolve) => (started = resolve));
    let written: () => void = () => undefined;
    const writeDone = new Promise<void>((resolve) => (written = resolve));
    const seen = await inSqlSessions(database.db, 2, async (run, index) => {
      if (index === 0) {
        await secondStarted;
        // Committed on a third connection while both sessions are open.
        await database.db
          .insertInto('workspaces')
          .values({ slug: 'later', name: 'Later' })
          .execute();
        written();
      } else {
        started();
        await writeDone;
      }
      return (await run(workspaces))[0]!.n;
    });
    expect(seen).toEqual([before, before]);
    const after = (
      await sql<{ n: number }>`select count(*)::int as n from workspaces`.execute(database.db)
    ).rows[0]!.n;
    expect(after).toBe(before + 1);
  });

  it('fails with the failure of any session, after every session has ended', async () => {
    let ended = 0;
    const failing = inSqlSessions(database.db, 3, async (run, index) => {
      try {
        if (index === 2) await run({ sql: 'select 1 / 0', params: [] });
        return index;
      } finally {
        ended++;
      }
    });
    await expect(failing).rejects.toThrow(/division by zero/);
    expect(ended).toBe(3);
  });
});
