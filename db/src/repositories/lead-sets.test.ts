import fc from 'fast-check';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccordDatabase } from '../create-db';
import { testBackends } from '../testing';
import { appendLeads, createLeadSet } from './lead-sets';

/** What the database holds of a set: each lead's id column and document, in `seq` order. */
async function storedLeads(database: AccordDatabase, leadSetId: string) {
  const { rows } = await sql<{ seq: number; lead_id: string; data: unknown }>`
    select seq, lead_id, data from leads where lead_set_id = ${leadSetId} order by seq`.execute(
    database.db,
  );
  return rows.map((r) => ({
    seq: r.seq,
    id: r.lead_id,
    data: typeof r.data === 'string' ? JSON.parse(r.data) : r.data,
  }));
}

// On PostgreSQL `appendLeads` copies a batch in with COPY's text format (tab-separated, with
// backslash escapes); on PGlite it inserts one JSON parameter. Both must store what was given.
describe.each(testBackends())('appendLeads on $kind', ({ open }) => {
  let database: AccordDatabase;
  let workspaceId: string;
  beforeAll(async () => {
    database = await open();
    const { rows } = await sql<{
      id: string;
    }>`insert into workspaces (slug, name) values ('leads', 'Leads') returning id`.execute(
      database.db,
    );
    workspaceId = rows[0]!.id;
  });
  afterAll(() => database.close());

  const newSet = () =>
    createLeadSet(database.db, { workspaceId, name: 'set', source: {}, createdBy: null });

  it('stores ids and values holding the characters COPY escapes, and any other text, as given', async () => {
    const awkward = [
      'a\\b',
      'tab\there',
      'line\nbreak',
      'cr\rhere',
      '\\.',
      '\\N',
      'ünï ☃ 𝄞',
      '"q"',
    ];
    const leads = awkward.map((text, i) => ({
      id: text,
      attributes: { note: text, n: i, nested: { [text]: [text, null, true] } },
      events: [],
    }));
    const set = await newSet();
    await appendLeads(database.db, set.id, 0, leads);
    const last = { id: 'last', attributes: {} };
    await appendLeads(database.db, set.id, leads.length, [last]);
    const stored = await storedLeads(database, set.id);
    expect(stored.map((s) => s.seq)).toEqual([...awkward.keys(), awkward.length]);
    expect(stored.map((s) => s.id)).toEqual([...awkward, 'last']);
    expect(stored.map((s) => s.data)).toEqual([...leads, { id: 'last', attributes: {} }]);
  });

  it('stores leads given as JSON documents (an import thread writes them) as it stores objects', async () => {
    const leads = [
      { id: 'D-1', attributes: { note: 'tab\there \\ "q"' }, events: [] },
      { id: 'D\n2', attributes: {}, events: [], outcome: { converted: true } },
    ];
    const set = await newSet();
    await appendLeads(database.db, set.id, 0, {
      ids: leads.map((l) => l.id),
      json: leads.map((l) => JSON.stringify(l)),
    });
    const after = { id: 'after', attributes: {} };
    await appendLeads(database.db, set.id, 2, [after]);
    const stored = await storedLeads(database, set.id);
    expect(stored.map((s) => s.id)).toEqual(['D-1', 'D\n2', 'after']);
    expect(stored.map((s) => s.data)).toEqual([...leads, { id: 'after', attributes: {} }]);
  });

  it('round-trips random ids and values', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            id: fc.string({ unit: 'binary', minLength: 1 }).filter((s) => !s.includes('\u0000')),
            attributes: fc.dictionary(
              fc.string(),
              fc.oneof(fc.string({ unit: 'grapheme-composite' }), fc.integer(), fc.boolean()),
            ),
          }),
          { minLength: 1, maxLength: 20 },
        ),
        async (leads) => {
          const set = await newSet();
          await appendLeads(database.db, set.id, 0, leads);
          const stored = await storedLeads(database, set.id);
          expect(stored.map((s) => s.id)).toEqual(leads.map((l) => l.id));
          expect(stored.map((s) => s.data)).toEqual(JSON.parse(JSON.stringify(leads)));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('refuses a whole batch the database cannot store, keeping the batches before it', async () => {
    const set = await newSet();
    await appendLeads(database.db, set.id, 0, [{ id: 'kept' }]);
    await expect(
      appendLeads(database.db, set.id, 1, [{ id: 'fine' }, { id: 'nul\u0000id' }]),
    ).rejects.toThrow();
    // A seq already taken is refused too (the set's positions have no gaps and no repeats).
    await expect(appendLeads(database.db, set.id, 0, [{ id: 'again' }])).rejects.toThrow();
    expect((await storedLeads(database, set.id)).map((s) => s.id)).toEqual(['kept']);
    // The connection a failed COPY used is not handed out broken: the next batch lands.
    await appendLeads(database.db, set.id, 1, [{ id: 'after' }]);
    expect((await storedLeads(database, set.id)).map((s) => s.id)).toEqual(['kept', 'after']);
  });
});
