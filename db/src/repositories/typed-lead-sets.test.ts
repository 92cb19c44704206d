import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeBackup } from '../backup';
import type { AccordDatabase } from '../create-db';
import { testBackends } from '../testing';
import { appendLeads, createLeadSet, deleteLeadSet, finishLeadSet } from './lead-sets';
import {
  dropAbandonedTypedCopies,
  dropAllTypedLeadSets,
  findTypedLeadSet,
  typedLeadSetRelations,
  typeLeadSet,
  type TypedLeadSet,
} from './typed-lead-sets';
import type { TypedCatalog } from '@accord/engine';

const catalog: TypedCatalog = {
  fields: [
    { id: 'company_size', type: 'number' },
    { id: 'reachable', type: 'boolean' },
    { id: 'industry', type: 'enum' },
    { id: 'tags', type: 'list' },
  ],
  events: [{ props: [{ id: 'seconds', type: 'number' }] }],
};

const copy: TypedLeadSet = {
  leadsTable: 'typed_leads_6f1c2a3b0d4e4f5a8b6c7d8e9f0a1b2c',
  eventsTable: 'typed_events_6f1c2a3b0d4e4f5a8b6c7d8e9f0a1b2c',
  leadCount: 10,
  columns: new Map([
    ['company_size\u0000number', 'f_0'],
    ['industry\u0000enum', 'f_1'],
  ]),
  eventProps: new Map([['seconds\u0000number', 'p_0']]),
};

describe('typedLeadSetRelations', () => {
  it('reads the copy only when it holds every field of every catalog, typed alike', () => {
    const fields = [...copy.columns.keys()].map((key) => {
      const [id, type] = key.split('\u0000') as [string, 'number'];
      return { id, type };
    });
    const covered = typedLeadSetRelations(copy, [{ fields, events: [] }]);
    expect(covered?.leads).toContain(copy.leadsTable);
    const added = { fields: [...fields, { id: 'budget', type: 'number' as const }], events: [] };
    expect(typedLeadSetRelations(copy, [{ fields, events: [] }, added])).toBeNull();
    const retyped = { fields: [{ id: 'company_size', type: 'string' as const }], events: [] };
    expect(typedLeadSetRelations(copy, [retyped])).toBeNull();
  });

  it('gives each catalog the typed properties it types alike, and leaves the others to the JSON', () => {
    const alike = { fields: [], events: [{ props: [{ id: 'seconds', type: 'number' as const }] }] };
    const twoWays = {
      fields: [],
      events: [
        { props: [{ id: 'seconds', type: 'number' as const }] },
        { props: [{ id: 'seconds', type: 'string' as const }] },
      ],
    };
    const relations = typedLeadSetRelations(copy, [alike, twoWays]);
    expect(relations?.eventPropColumns).toEqual([{ seconds: 'p_0' }, {}]);
  });

  it('bounds both relations by place, and refuses a bound that is not a place', () => {
    const relations = typedLeadSetRelations(copy, [], { fromSeq: 3, toSeq: 7 })!;
    expect(relations.leads).toContain('where t.key >= 3 and t.key < 7');
    expect(relations.events).toContain('where e.lead_key >= 3 and e.lead_key < 7');
    expect(typedLeadSetRelations(copy, [])!.leads).not.toContain('where');
    expect(() => typedLeadSetRelations(copy, [], { fromSeq: 0.5 })).toThrow(/fromSeq/);
    expect(() => typedLeadSetRelations(copy, [], { toSeq: -2 })).toThrow(/toSeq/);
  });
});

const postgres = testBackends().find((b) => b.kind === 'postgres');

describe.skipIf(!postgres)('typed copies of lead sets on PostgreSQL', () => {
  let database: AccordDatabase;
  let workspaceId: string;
  beforeAll(async () => {
    database = await postgres!.open();
    workspaceId = (
      await database.db
        .insertInto('workspaces')
        .values({ slug: 'typed', name: 'Typed' })
        .returning('id')
        .executeTakeFirstOrThrow()
    ).id;
  });
  afterAll(async () => {
    await database?.close();
  });

  const typedTables = async () =>
    (
      await sql<{ name: string }>`select relname as name from pg_class
        where relnamespace = current_schema()::regnamespace and relkind = 'r'
          and relname like 'typed\\_%' order by relname`.execute(database.db)
    ).rows.map((r) => r.name);

  async function storedSet(leads: { id: string }[], ready = true) {
    const set = await createLeadSet(database.db, {
      workspaceId,
      name: `Set ${Math.random()}`,
      source: { kind: 'test' },
      createdBy: null,
    });
    await appendLeads(database.db, set.id, 0, leads);
    if (ready)
      await finishLeadSet(database.db, set.id, { leadCount: leads.length, hasOutcomes: true });
    return set.id;
  }

  const leads = [
    {
      id: 'a',
      attributes: { company_size: ' 45 ', reachable: 'Yes', industry: '  SaaS ', tags: 'x,Y' },
      events: [{ type: 'page_view', at: '2026-01-02T03:04:05.678Z', props: { seconds: '30' } }],
      outcome: { converted: true },
    },
    {
      id: 'b',
      attributes: { company_size: 'many', reachable: 0, tags: ['A', ' '] },
      events: [
        { type: 'page_view', at: 1_700_000_000_000, props: { seconds: 12 } },
        { type: 'email_open', at: 'not a time', props: [] },
      ],
    },
  ];

  it('holds each lead typed and normalised as the engine reads it, and its events with typed properties', async () => {
    const id = await storedSet(leads);
    expect(await findTypedLeadSet(database.db, id)).toBeNull();
    expect(
      await typeLeadSet(database.db, {
        leadSetId: id,
        leadCount: 2,
        catalogs: [catalog],
        slices: 2,
      }),
    ).toBe(true);
    const typed = (await findTypedLeadSet(database.db, id))!;
    expect(typed.leadCount).toBe(2);
    const column = (fieldId: string, type: string) => typed.columns.get(`${fieldId}\u0000${type}`)!;
    const { rows } = await sql
      .raw<Record<string, unknown>>(
        `select key, id, converted, ${column('company_size', 'number')} as size, ${column('reachable', 'boolean')} as reachable,
           ${column('industry', 'enum')} as industry, ${column('tags', 'list')} as tags
         from ${typed.leadsTable} order by key`,
      )
      .execute(database.db);
    expect(rows).toEqual([
      {
        key: 0,
        id: 'a',
        converted: true,
        size: 45,
        reachable: true,
        industry: 'saas',
        tags: ['x', 'y'],
      },
      {
        key: 1,
        id: 'b',
        converted: null,
        size: null,
        reachable: false,
        industry: null,
        tags: ['a'],
      },
    ]);
    const seconds = typed.eventProps.get('seconds\u0000number')!;
    const events = await sql
      .raw<Record<string, unknown>>(
        `select lead_key, type, at, ${seconds} as seconds from ${typed.eventsTable} order by lead_key, at nulls last`,
      )
      .execute(database.db);
    expect(events.rows).toEqual([
      { lead_key: 0, type: 'page_view', at: Date.parse('2026-01-02T03:04:05.678Z'), seconds: 30 },
      { lead_key: 1, type: 'page_view', at: 1_700_000_000_000, seconds: 12 },
      { lead_key: 1, type: 'email_open', at: null, seconds: null },
    ]);
  });

  it('replaces a copy when typed again, and drops it with its set', async () => {
    const id = await storedSet(leads);
    await typeLeadSet(database.db, { leadSetId: id, leadCount: 2, catalogs: [catalog] });
    const wider = {
      ...catalog,
      fields: [...catalog.fields, { id: 'budget', type: 'number' as const }],
    };
    await typeLeadSet(database.db, { leadSetId: id, leadCount: 2, catalogs: [wider] });
    const typed = (await findTypedLeadSet(database.db, id))!;
    expect(typed.columns.has('budget\u0000number')).toBe(true);
    const hex = id.replaceAll('-', '');
    // Only the finished pair: the first copy and the build tables are gone.
    expect((await typedTables()).filter((name) => name.includes(hex))).toEqual([
      `typed_events_${hex}`,
      `typed_leads_${hex}`,
    ]);
    await deleteLeadSet(database.db, id);
    expect((await typedTables()).filter((name) => name.includes(hex))).toEqual([]);
    expect(await findTypedLeadSet(database.db, id)).toBeNull();
  });

  it('gives up putting a new copy in place while a run reads the old one, and keeps the old one', async () => {
    const id = await storedSet(leads);
    await typeLeadSet(database.db, { leadSetId: id, leadCount: 2, catalogs: [catalog] });
    const hex = id.replaceAll('-', '');
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let reading: () => void = () => undefined;
    const isReading = new Promise<void>((resolve) => (reading = resolve));
    // A run's transaction reading the copy holds a lock on it until it ends.
    const run = database.db.transaction().execute(async (trx) => {
      await sql.raw(`select count(*) from typed_leads_${hex}`).execute(trx);
      reading();
      await released;
    });
    await isReading;
    const wider = {
      ...catalog,
      fields: [...catalog.fields, { id: 'budget', type: 'number' as const }],
    };
    await expect(
      typeLeadSet(database.db, {
        leadSetId: id,
        leadCount: 2,
        catalogs: [wider],
        lockTimeoutMs: 200,
      }),
    ).rejects.toThrow(/lock timeout/);
    release();
    await run;
    const typed = (await findTypedLeadSet(database.db, id))!;
    expect(typed.columns.has('budget\u0000number')).toBe(false);
    expect((await typedTables()).filter((name) => name.includes(hex))).toEqual([
      `typed_events_${hex}`,
      `typed_leads_${hex}`,
    ]);
  });

  it('drops the build tables of a typing whose process is gone, and leaves a live one alone', async () => {
    const id = await storedSet(leads);
    const hex = id.replaceAll('-', '');
    const [dead, live] = ['0badc0de', '11bec0de'];
    for (const suffix of [dead, live])
      await sql
        .raw(
          `create table typed_leads_${hex}_${suffix} (key int); create table typed_events_${hex}_${suffix} (lead_key int)`,
        )
        .execute(database.db);
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked: () => void = () => undefined;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // A typing in another process holds the lock of its build tables.
    const typing = database.db.connection().execute(async (conn) => {
      await sql`select pg_advisory_lock(hashtextextended(${`typed_leads_${hex}_${live}`}, 21))`.execute(
        conn,
      );
      locked();
      await released;
      await sql`select pg_advisory_unlock(hashtextextended(${`typed_leads_${hex}_${live}`}, 21))`.execute(
        conn,
      );
    });
    await isLocked;
    expect(await dropAbandonedTypedCopies(database.db)).toEqual([`typed_leads_${hex}_${dead}`]);
    expect((await typedTables()).filter((name) => name.includes(hex))).toEqual([
      `typed_events_${hex}_${live}`,
      `typed_leads_${hex}_${live}`,
    ]);
    release();
    await typing;
    expect(await dropAbandonedTypedCopies(database.db)).toEqual([`typed_leads_${hex}_${live}`]);
    expect((await typedTables()).filter((name) => name.includes(hex))).toEqual([]);
  });

  it('stops when aborted: what it was running is cancelled and its build tables are dropped', async () => {
    const id = await storedSet(leads);
    const hex = id.replaceAll('-', '');
    const stop = new AbortController();
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => (release = resolve));
    let locked: () => void = () => undefined;
    const isLocked = new Promise<void>((resolve) => (locked = resolve));
    // Another transaction holds the leads: the typing waits inside its first statement.
    const holder = database.db.transaction().execute(async (trx) => {
      await sql`lock table leads in access exclusive mode`.execute(trx);
      locked();
      await released;
    });
    await isLocked;
    const typing = typeLeadSet(database.db, {
      leadSetId: id,
      leadCount: 2,
      catalogs: [catalog],
      signal: stop.signal,
    });
    const waiting = async () =>
      (
        await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
          where wait_event_type = 'Lock' and query like ${`create table "typed_leads_${hex}_%`}`.execute(
          database.db,
        )
      ).rows[0]!.n;
    for (let i = 0; i < 200 && (await waiting()) === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await waiting()).toBe(1);
    stop.abort();
    await expect(typing).rejects.toThrow(/cancel/);
    release();
    await holder;
    expect((await typedTables()).filter((name) => name.includes(hex))).toEqual([]);
    // Aborted before it starts: nothing is done.
    await expect(
      typeLeadSet(database.db, {
        leadSetId: id,
        leadCount: 2,
        catalogs: [catalog],
        signal: stop.signal,
      }),
    ).rejects.toThrow(/stopped/);
  });

  it('keeps nothing for a set that is not ready', async () => {
    const id = await storedSet(leads, false);
    const hex = id.replaceAll('-', '');
    expect(
      await typeLeadSet(database.db, { leadSetId: id, leadCount: 2, catalogs: [catalog] }),
    ).toBe(false);
    expect((await typedTables()).filter((name) => name.includes(hex))).toEqual([]);
  });

  it('is left out of backups, and dropAllTypedLeadSets drops every copy', async () => {
    const id = await storedSet(leads);
    await typeLeadSet(database.db, { leadSetId: id, leadCount: 2, catalogs: [catalog] });
    const lines: string[] = [];
    await writeBackup(database.db, (line) => void lines.push(line), new Date(0));
    const header = JSON.parse(lines[0]!) as { tables: { name: string }[] };
    expect(header.tables.map((t) => t.name)).toContain('leads');
    expect(header.tables.some((t) => t.name.startsWith('typed_'))).toBe(false);
    expect((await typedTables()).length).toBeGreaterThan(0);
    await dropAllTypedLeadSets(database.db);
    expect(await typedTables()).toEqual([]);
  });
});
