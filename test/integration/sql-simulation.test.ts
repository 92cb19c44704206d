/**
 * #21: a simulation of a stored lead set inside PostgreSQL equals the worker lanes' simulation,
 * aggregate by aggregate (funnel, matrix, histograms, coverage, changed leads, outcomes).
 */
import {
  appendLeads,
  createLeadSet,
  dropTypedLeadSet,
  findTypedLeadSet,
  findWorkspaceCatalog,
  finishLeadSet,
  sql,
  typeLeadSet,
  type AccordDatabase,
} from '@accord/db';
import { testBackends } from '@accord/db/testing';
import {
  defaultCatalog,
  defaultWorkflow,
  generateLeads,
  type FieldCatalog,
  type LeadInput,
} from '@accord/engine';
import { runManagerFor } from '@accord/api/simulation/run-manager';
import { lowerMqlThreshold } from '@accord/api/simulation/sample-candidate';
import { simulateInDatabase } from '@accord/api/simulation/sql-path';
import { demoCallers } from '@accord/api/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

type Callers = Awaited<ReturnType<typeof demoCallers>>;

const postgres = testBackends().find((b) => b.kind === 'postgres');
const AS_OF = '2026-01-01T00:00:00.000Z';

/**
 * Leads as CRMs and hand-written JSON bring them: numbers and yes/no as text, ISO dates, lists as
 * text and arrays, events with ISO times, some leads without an outcome.
 */
function rawLeads(count: number): LeadInput[] {
  return generateLeads({ count, seed: 21, asOf: AS_OF }).map((lead, i) => {
    const attributes: Record<string, unknown> = { ...lead.attributes };
    if (i % 3 === 0 && typeof attributes.company_size === 'number')
      attributes.company_size = ` ${attributes.company_size} `;
    if (i % 4 === 0 && typeof attributes.reachable === 'boolean')
      attributes.reachable = attributes.reachable ? 'Yes' : 'no';
    if (i % 5 === 0)
      attributes.created_at = new Date(Date.parse(AS_OF) - i * 3_600_000).toISOString();
    if (i % 7 === 0) attributes.company_size = 'many';
    const events = lead.events.map((event, j) =>
      j % 2 === 0 ? { ...event, at: new Date(event.at).toISOString() } : event,
    );
    return {
      id: i % 50 === 0 ? `dup-${i % 100}` : lead.id,
      attributes: attributes as LeadInput['attributes'],
      events,
      ...(i % 6 === 0 ? {} : { outcome: lead.outcome }),
    };
  });
}

describe.skipIf(!postgres)(
  postgres
    ? 'simulation inside PostgreSQL'
    : 'simulation inside PostgreSQL (skipped: set TEST_DATABASE_URL to run it on PostgreSQL)',
  () => {
    let database: AccordDatabase;
    let as: Callers;
    let workflowId: string;
    let candidateId: string;
    beforeAll(async () => {
      database = await postgres!.open();
      as = await demoCallers(database);
      workflowId = (await as.ops.workflows.list({}))[0]!.id;
      const draft = await as.marketing.draft.get({ workflowId });
      await as.marketing.draft.save({
        workflowId,
        baseRevision: draft.revision,
        document: lowerMqlThreshold(draft.document),
      });
      candidateId = (await as.marketing.versions.propose({ workflowId, changeNote: 'sql path' }))
        .id;
    });
    afterAll(async () => {
      if (database) await runManagerFor(database.db).shutdown();
      await database?.close();
    });

    async function simulateBothWays(leadSetId: string) {
      const run = async (path: 'sql' | 'workers') => {
        const started = await as.ops.simulations.start({
          workflowId,
          baseline: 'published',
          candidate: { versionId: candidateId },
          leadSetId,
          path,
        });
        expect(started.path).toBe(path);
        await runManagerFor(database.db).settled(started.runId);
        const got = await as.ops.simulations.get({ runId: started.runId });
        expect(got.error).toBeNull();
        expect(got.status).toBe('done');
        const changed = await as.ops.simulations.changedLeads({
          runId: started.runId,
          limit: 500,
        });
        return { result: got.result!, changed };
      };
      return { sql: await run('sql'), workers: await run('workers') };
    }

    function expectSameAggregates(
      sql: Awaited<ReturnType<typeof simulateBothWays>>['sql'],
      workers: Awaited<ReturnType<typeof simulateBothWays>>['workers'],
    ) {
      expect(sql.result.ranIn).toBe('database');
      expect(workers.result.ranIn).toBe('workers');
      expect(sql.result.leads).toBe(workers.result.leads);
      expect(sql.result.funnel).toEqual(workers.result.funnel);
      expect(sql.result.stages).toEqual(workers.result.stages);
      expect(sql.result.matrix).toEqual(workers.result.matrix);
      expect(sql.result.histograms).toEqual(workers.result.histograms);
      expect(sql.result.coverage).toEqual(workers.result.coverage);
      expect(sql.result.changed).toEqual(workers.result.changed);
      expect(sql.result.outcomes).toEqual(workers.result.outcomes);
      expect(sql.changed).toEqual(workers.changed);
    }

    it('gives the worker lanes’ aggregates for a generated set, aggregate by aggregate', async () => {
      const set = await as.ops.leadSets.generate({ name: 'Generated 4k', count: 4_000, seed: 5 });
      const { sql, workers } = await simulateBothWays(set.id);
      expect(workers.result.changed.total).toBeGreaterThan(0);
      expect(workers.result.outcomes).not.toBeNull();
      expectSameAggregates(sql, workers);
    });

    async function storedSet(name: string, leads: LeadInput[]) {
      const admin = (await as.admin.auth.me())!;
      const set = await createLeadSet(database.db, {
        workspaceId: admin.workspace_id,
        name,
        source: { kind: 'test' },
        createdBy: null,
      });
      for (let from = 0; from < leads.length; from += 1_000)
        await appendLeads(
          database.db,
          set.id,
          from,
          leads.slice(from, from + 1_000) as { id: string }[],
        );
      await finishLeadSet(database.db, set.id, { leadCount: leads.length, hasOutcomes: true });
      return set;
    }

    /** A run inside the database of the demo's default workflow against the candidate. */
    function databaseRun(leadSetId: string, leadCount: number, catalog: FieldCatalog) {
      return {
        leadSetId,
        leadCount,
        asOf: new Date(AS_OF),
        baseline: defaultWorkflow(),
        candidate: lowerMqlThreshold(defaultWorkflow()),
        baselineCatalog: catalog,
        candidateCatalog: catalog,
      };
    }

    /** Types the set for the workspace's catalog (the one the demo versions pinned). */
    async function typed(leadSetId: string, leadCount: number) {
      const admin = (await as.admin.auth.me())!;
      const { catalog } = await findWorkspaceCatalog(database.db, admin.workspace_id);
      expect(
        await typeLeadSet(database.db, { leadSetId, leadCount, catalogs: [catalog], slices: 2 }),
      ).toBe(true);
      return catalog;
    }

    it('reads raw stored values as the engine does: text numbers and yes/no, ISO dates and times, missing outcomes, repeated ids', async () => {
      const leads = rawLeads(3_000);
      const set = await storedSet('Raw values', leads);
      const fromJson = await simulateBothWays(set.id);
      expect(fromJson.workers.result.outcomes?.baseline.leadsWithOutcome).toBe(2_500);
      expectSameAggregates(fromJson.sql, fromJson.workers);

      // The same from the set's typed copy.
      const catalog = (
        await findWorkspaceCatalog(database.db, (await as.admin.auth.me())!.workspace_id)
      ).catalog;
      const spec = { ...databaseRun(set.id, leads.length, catalog), slices: 2 };
      const json = await simulateInDatabase(database.db, spec);
      expect(json.typed).toBe(false);
      await typed(set.id, leads.length);
      const copy = await simulateInDatabase(database.db, spec);
      expect(copy.typed).toBe(true);
      expect(copy.result).toEqual(json.result);
      const fromCopy = await simulateBothWays(set.id);
      expectSameAggregates(fromCopy.sql, fromCopy.workers);
      expect(fromCopy.sql.result.changed).toEqual(fromJson.sql.result.changed);
    });

    it('reads event properties from the typed copy as the engine does: numbers as text, any case, padded', async () => {
      const leads = rawLeads(2_000).map((lead, i) => ({
        ...lead,
        events: (lead.events ?? []).map((event) => {
          const props: Record<string, unknown> = { ...event.props };
          if (typeof props.minutes === 'number' && i % 2 === 0)
            props.minutes = ` ${props.minutes} `;
          if (typeof props.form === 'string' && i % 3 === 0)
            props.form = ` ${props.form.toUpperCase()}`;
          if (typeof props.path === 'string' && i % 4 === 0) props.path = `  ${props.path}`;
          return { ...event, props } as typeof event;
        }),
      }));
      expect(leads.some((l) => l.events.some((e) => typeof e.props?.minutes === 'string'))).toBe(
        true,
      );
      const set = await storedSet('Raw props', leads);
      await typed(set.id, leads.length);
      const { sql, workers } = await simulateBothWays(set.id);
      expect(workers.result.changed.total).toBeGreaterThan(0);
      expectSameAggregates(sql, workers);
    });

    it('types a set as it loads when auto would run it in the database, a smaller one after its first run there', async () => {
      const typedNow = async (id: string) =>
        (await as.ops.leadSets.list()).find((s) => s.id === id)?.typedForDatabase;
      // auto goes to the database from 1,000,000 leads by default: a 10k set is not typed at
      // once (the copy would take a core from the runs started after the load, for nothing).
      const untyped = await as.ops.leadSets.generate({ name: 'Not yet', count: 10_000, seed: 4 });
      await runManagerFor(database.db).typingSettled();
      expect(await findTypedLeadSet(database.db, untyped.id)).toBeNull();
      // Its first run inside the database reads the JSON, then types it.
      const fromJson = await simulateBothWays(untyped.id);
      expectSameAggregates(fromJson.sql, fromJson.workers);
      await runManagerFor(database.db).typingSettled();
      expect((await findTypedLeadSet(database.db, untyped.id))?.leadCount).toBe(10_000);
      expect(await typedNow(untyped.id)).toBe(true);

      // Where auto goes to the database from fewer leads, a set of 10,000 or more is typed as it
      // loads, and typed again after a run finds its copy gone.
      const early = await demoCallers(database, { ACCORD_SQL_SIMULATION_MIN_LEADS: '5000' });
      const set = await early.ops.leadSets.generate({ name: 'Typed 10k', count: 10_000, seed: 4 });
      await runManagerFor(database.db).typingSettled();
      expect((await findTypedLeadSet(database.db, set.id))?.leadCount).toBe(10_000);
      await dropTypedLeadSet(database.db, set.id);
      expect(await typedNow(set.id)).toBe(false);
      const { sql, workers } = await simulateBothWays(set.id);
      expectSameAggregates(sql, workers);
      await runManagerFor(database.db).typingSettled();
      expect((await findTypedLeadSet(database.db, set.id))?.leadCount).toBe(10_000);
      // Smaller sets read their JSON: no copy is made for them, even where auto starts lower.
      const small = await early.ops.leadSets.generate({ name: 'Untyped', count: 500, seed: 4 });
      await runManagerFor(database.db).typingSettled();
      expect(await findTypedLeadSet(database.db, small.id)).toBeNull();
      expect(await typedNow(small.id)).toBe(false);
      expect(await typedNow(set.id)).toBe(true);
    });

    it('reads the JSON when the copy is dropped between finding it and reading it', async () => {
      const leads = rawLeads(1_500);
      const set = await storedSet('Copy dropped mid-run', leads);
      const catalog = await typed(set.id, leads.length);
      const spec = { ...databaseRun(set.id, leads.length, catalog), slices: 2 };
      const copy = (await findTypedLeadSet(database.db, set.id))!;
      const fromCopy = await simulateInDatabase(database.db, spec);
      expect(fromCopy.typed).toBe(true);
      // Another session holds the copy's tables: the run finds the copy, then waits to read it;
      // the tables are dropped meanwhile, so its read fails as the copy's replacement makes it fail.
      const tables = `${copy.leadsTable}, ${copy.eventsTable}`;
      const fallen = await database.db.connection().execute(async (holder) => {
        await sql`begin`.execute(holder);
        await sql.raw(`lock table ${tables} in access exclusive mode`).execute(holder);
        const run = simulateInDatabase(database.db, spec);
        run.catch(() => undefined);
        for (let waited = 0; ; waited += 20) {
          const { rows } = await sql<{ n: number }>`
            select count(*)::int as n from pg_locks
            where not granted and relation = to_regclass(${copy.leadsTable})`.execute(holder);
          if (rows[0]!.n > 0) break;
          if (waited > 10_000) throw new Error('The run never reached the copy.');
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        await sql.raw(`drop table ${tables}`).execute(holder);
        await sql`commit`.execute(holder);
        return run;
      });
      expect(fallen.typed).toBe(false);
      expect(fallen.result).toEqual(fromCopy.result);
      expect(await findTypedLeadSet(database.db, set.id)).toBeNull();
    });

    it('adds up slices read at once on several connections to what one query over the set gives', async () => {
      const set = await as.ops.leadSets.generate({ name: 'Sliced 3k', count: 3_000, seed: 8 });
      const spec = {
        ...databaseRun(set.id, 3_000, defaultCatalog),
        // Fewer than change stage, so the merge has to keep the first ones across slices.
        keepChanged: 20,
      };
      const whole = (await simulateInDatabase(database.db, { ...spec, slices: 1 })).result;
      const sliced = (await simulateInDatabase(database.db, { ...spec, slices: 3 })).result;
      expect(whole.changed.total).toBeGreaterThan(20);
      expect(whole.changed.kept).toHaveLength(20);
      expect(sliced).toEqual(whole);
    });

    it('on auto, goes to the database from ACCORD_SQL_SIMULATION_MIN_LEADS leads of a set with a typed copy, else to the workers', async () => {
      const withThreshold = await demoCallers(database, { ACCORD_SQL_SIMULATION_MIN_LEADS: '100' });
      const setOf = async (count: number, withCopy: boolean) => {
        const set = await as.ops.leadSets.generate({ name: `Auto ${count}`, count, seed: 9 });
        if (withCopy) await typed(set.id, count);
        return set.id;
      };
      const start = async (callers: Callers, leadSetId: string) => {
        const started = await callers.ops.simulations.start({
          workflowId,
          baseline: 'published',
          candidate: { versionId: candidateId },
          leadSetId,
        });
        await runManagerFor(database.db).settled(started.runId);
        const got = await callers.ops.simulations.get({ runId: started.runId });
        return { path: started.path, ranIn: got.result?.ranIn };
      };
      const [small, plain, copied] = [
        await setOf(50, true),
        await setOf(150, false),
        await setOf(150, true),
      ];
      expect(await start(withThreshold, small)).toEqual({ path: 'workers', ranIn: 'workers' });
      // Read from its JSON, the database is slower than the workers: auto does not go there.
      expect(await start(withThreshold, plain)).toEqual({ path: 'workers', ranIn: 'workers' });
      expect(await start(withThreshold, copied)).toEqual({ path: 'sql', ranIn: 'database' });
      // Unset, from 1,000,000 leads.
      expect(await start(as, copied)).toEqual({ path: 'workers', ranIn: 'workers' });
    });
  },
);

describe('simulation path on embedded PGlite', () => {
  let database: AccordDatabase;
  let as: Callers;
  beforeAll(async () => {
    database = await testBackends()[0]!.open();
    as = await demoCallers(database);
  });
  afterAll(async () => {
    if (database) await runManagerFor(database.db).shutdown();
    await database?.close();
  });

  it('refuses the database path with a reason and runs auto on the workers', async () => {
    const workflowId = (await as.ops.workflows.list({}))[0]!.id;
    const versions = await as.ops.versions.list({ workflowId });
    const published = versions.find((v) => v.status === 'published')!;
    const set = await as.ops.leadSets.generate({ name: 'Small', count: 30, seed: 2 });
    const input = {
      workflowId,
      baseline: 'published' as const,
      candidate: { versionId: published.id },
      leadSetId: set.id,
    };
    await expect(as.ops.simulations.start({ ...input, path: 'sql' })).rejects.toThrow(
      /needs PostgreSQL/,
    );
    const auto = await as.ops.simulations.start(input);
    expect(auto.path).toBe('workers');
    await runManagerFor(database.db).settled(auto.runId);
    expect((await as.ops.simulations.get({ runId: auto.runId })).result?.ranIn).toBe('workers');
  });
});
