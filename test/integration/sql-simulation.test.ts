/**
 * #21: a simulation of a stored lead set inside PostgreSQL equals the worker lanes' simulation,
 * aggregate by aggregate (funnel, matrix, histograms, coverage, changed leads, outcomes).
 */
import { appendLeads, createLeadSet, finishLeadSet, type AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { defaultCatalog, defaultWorkflow, generateLeads, type LeadInput } from '@accord/engine';
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

    it('reads raw stored values as the engine does: text numbers and yes/no, ISO dates and times, missing outcomes, repeated ids', async () => {
      const leads = rawLeads(3_000);
      const admin = (await as.admin.auth.me())!;
      const set = await createLeadSet(database.db, {
        workspaceId: admin.workspace_id,
        name: 'Raw values',
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
      const { sql, workers } = await simulateBothWays(set.id);
      expect(workers.result.outcomes?.baseline.leadsWithOutcome).toBe(2_500);
      expectSameAggregates(sql, workers);
    });

    it('adds up slices read at once on several connections to what one query over the set gives', async () => {
      const set = await as.ops.leadSets.generate({ name: 'Sliced 3k', count: 3_000, seed: 8 });
      const spec = {
        leadSetId: set.id,
        leadCount: 3_000,
        asOf: new Date(AS_OF),
        baseline: defaultWorkflow(),
        candidate: lowerMqlThreshold(defaultWorkflow()),
        baselineCatalog: defaultCatalog,
        candidateCatalog: defaultCatalog,
        // Fewer than change stage, so the merge has to keep the first ones across slices.
        keepChanged: 20,
      };
      const whole = await simulateInDatabase(database.db, { ...spec, slices: 1 });
      const sliced = await simulateInDatabase(database.db, { ...spec, slices: 3 });
      expect(whole.changed.total).toBeGreaterThan(20);
      expect(whole.changed.kept).toHaveLength(20);
      expect(sliced).toEqual(whole);
    });

    it('on auto, goes to the database from ACCORD_SQL_SIMULATION_MIN_LEADS leads, else to the workers', async () => {
      const withThreshold = await demoCallers(database, { ACCORD_SQL_SIMULATION_MIN_LEADS: '100' });
      const start = async (callers: Callers, count: number) => {
        const set = await callers.ops.leadSets.generate({ name: `Auto ${count}`, count, seed: 9 });
        const started = await callers.ops.simulations.start({
          workflowId,
          baseline: 'published',
          candidate: { versionId: candidateId },
          leadSetId: set.id,
        });
        await runManagerFor(database.db).settled(started.runId);
        const got = await callers.ops.simulations.get({ runId: started.runId });
        return { path: started.path, ranIn: got.result?.ranIn };
      };
      expect(await start(withThreshold, 50)).toEqual({ path: 'workers', ranIn: 'workers' });
      expect(await start(withThreshold, 150)).toEqual({ path: 'sql', ranIn: 'database' });
      // Unset, auto never picks the database (the workers were faster at every measured size).
      expect(await start(as, 150)).toEqual({ path: 'workers', ranIn: 'workers' });
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
