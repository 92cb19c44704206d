import { hasSimulationRun, type AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import {
  compile,
  DEFAULT_SAMPLE_AS_OF,
  generateLeads,
  type Evaluate,
  type Lead,
  type Workflow,
  defaultCatalog,
} from '@accord/engine';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RunManager, runManagerFor, setRunManager } from '../simulation/run-manager';
import { lowerMqlThreshold } from '../simulation/sample-candidate';
import { codeOf, demoCallers } from '../testing';
import { MAX_UNFINISHED_RUNS_PER_PERSON } from './simulations';

type Callers = Awaited<ReturnType<typeof demoCallers>>;

const evaluator = (document: unknown): Evaluate => {
  const compiled = compile(document, defaultCatalog);
  if (!compiled.ok) throw new Error('does not compile');
  return compiled.evaluate;
};

/** The aggregates of a run, computed the plain way: evaluate every lead on both sides. */
function directComputation(leads: Lead[], baseline: Evaluate, candidate: Evaluate, asOf: number) {
  const notQualified = ['nurture', 'lead', 'disqualified', 'recycled'];
  const funnel = {
    baseline: {} as Record<string, number>,
    candidate: {} as Record<string, number>,
  };
  const matrix: Record<string, Record<string, number>> = {};
  const changed: { index: number; from: string; to: string }[] = [];
  const fitBins = { baseline: new Map<number, number>(), candidate: new Map<number, number>() };
  const outcome = {
    baseline: { qualified: 0, tp: 0, byStage: {} as Record<string, [number, number]> },
    candidate: { qualified: 0, tp: 0, byStage: {} as Record<string, [number, number]> },
  };
  let converted = 0;
  leads.forEach((lead, index) => {
    const a = baseline(lead, { asOf });
    const b = candidate(lead, { asOf });
    funnel.baseline[a.stage] = (funnel.baseline[a.stage] ?? 0) + 1;
    funnel.candidate[b.stage] = (funnel.candidate[b.stage] ?? 0) + 1;
    (matrix[a.stage] ??= {})[b.stage] = (matrix[a.stage]![b.stage] ?? 0) + 1;
    if (a.stage !== b.stage) changed.push({ index, from: a.stage, to: b.stage });
    const won = lead.outcome!.converted;
    if (won) converted++;
    for (const [side, r] of [
      ['baseline', a],
      ['candidate', b],
    ] as const) {
      const bin = Math.floor(r.scores.fit! / 10);
      fitBins[side].set(bin, (fitBins[side].get(bin) ?? 0) + 1);
      const o = outcome[side];
      const entry = (o.byStage[r.stage] ??= [0, 0]);
      entry[0]++;
      if (won) entry[1]++;
      if (!notQualified.includes(r.stage)) {
        o.qualified++;
        if (won) o.tp++;
      }
    }
  });
  const metrics = (side: 'baseline' | 'candidate') => {
    const o = outcome[side];
    const baseRate = converted / leads.length;
    const precision = o.qualified ? o.tp / o.qualified : 0;
    return {
      leadsWithOutcome: leads.length,
      converted,
      baseRate,
      qualified: o.qualified,
      truePositives: o.tp,
      precision,
      recall: converted ? o.tp / converted : 0,
      lift: baseRate ? precision / baseRate : 0,
      conversionByStage: Object.fromEntries(
        Object.entries(o.byStage).map(([stage, [n, c]]) => [
          stage,
          { leads: n, converted: c, rate: c / n },
        ]),
      ),
    };
  };
  return {
    funnel,
    matrix,
    changed,
    fitBins,
    outcomes: { baseline: metrics('baseline'), candidate: metrics('candidate') },
  };
}

describe.each(testBackends())('simulations on $kind', ({ open }) => {
  let database: AccordDatabase;
  let as: Callers;
  let workflowId: string;
  let publishedId: string;
  let candidateId: string;
  let candidateDocument: Workflow;
  let publishedDocument: Workflow;

  beforeAll(async () => {
    database = await open();
    as = await demoCallers(database);
    const workflow = (await as.ops.workflows.list({}))[0]!;
    workflowId = workflow.id;
    const versions = await as.ops.versions.list({ workflowId });
    publishedId = versions.find((v) => v.status === 'published')!.id;
    publishedDocument = (await as.ops.versions.get({ versionId: publishedId }))
      .document as Workflow;
    const draft = await as.marketing.draft.get({ workflowId });
    candidateDocument = lowerMqlThreshold(draft.document);
    await as.marketing.draft.save({
      workflowId,
      baseRevision: draft.revision,
      document: candidateDocument,
    });
    candidateId = (
      await as.marketing.versions.propose({ workflowId, changeNote: 'Lower engagement threshold' })
    ).id;
  });
  afterAll(async () => {
    if (database) await runManagerFor(database.db).shutdown();
    await database?.close();
  });

  it('gives the counts, matrix, histograms and outcome metrics of a direct computation, and stores them for the publish check', async () => {
    const count = 3_000;
    const set = await as.ops.leadSets.generate({ name: 'Sample 3k', count, seed: 11 });
    expect(set).toMatchObject({ status: 'ready', lead_count: count, has_outcomes: true });
    const { runId } = await as.ops.simulations.start({
      workflowId,
      baseline: 'published',
      candidate: { versionId: candidateId },
      leadSetId: set.id,
    });
    await runManagerFor(database.db).settled(runId);
    const run = await as.auditor.simulations.get({ runId });
    expect(run).toMatchObject({ status: 'done', progress: 1, error: null, leadCount: count });
    expect(run.asOf.getTime()).toBe(DEFAULT_SAMPLE_AS_OF);

    // The leads as stored (through JSON) and evaluated here, one by one.
    const leads = generateLeads({ count, seed: 11 }).map(
      (l) => JSON.parse(JSON.stringify(l)) as Lead,
    );
    const want = directComputation(
      leads,
      evaluator(publishedDocument),
      evaluator(candidateDocument),
      DEFAULT_SAMPLE_AS_OF,
    );
    const result = run.result!;
    expect(result.leads).toBe(count);
    expect(result.funnel).toEqual(want.funnel);
    expect(result.matrix).toEqual(want.matrix);
    expect(result.changed).toEqual({
      total: want.changed.length,
      stored: want.changed.length,
      truncated: false,
    });
    expect(want.changed.length).toBeGreaterThan(0);
    for (const side of ['baseline', 'candidate'] as const)
      for (const bin of result.histograms.fit!)
        expect(bin[side], `fit ${bin.from}..${bin.to} ${side}`).toBe(
          want.fitBins[side].get(bin.from / 10) ?? 0,
        );
    for (const side of ['baseline', 'candidate'] as const) {
      const got = result.outcomes![side];
      const expected = want.outcomes[side];
      expect(got.qualified).toBe(expected.qualified);
      expect(got.truePositives).toBe(expected.truePositives);
      expect(got.converted).toBe(expected.converted);
      expect(got.precision).toBeCloseTo(expected.precision, 12);
      expect(got.recall).toBeCloseTo(expected.recall, 12);
      expect(got.lift).toBeCloseTo(expected.lift, 12);
      expect(got.conversionByStage).toEqual(expected.conversionByStage);
    }
    // Coverage: the MQL threshold node is hit by the same leads on both sides.
    const threshold = result.coverage.find(
      (c) => c.nodeId === 'mql_threshold' && c.rowId === null,
    )!;
    expect(threshold.baseline).toBe(threshold.candidate);

    // Changed leads: paged, in lead-set order, and filterable by matrix cell.
    const page = await as.sales.simulations.changedLeads({ runId, offset: 0, limit: 500 });
    expect(page.total).toBe(want.changed.length);
    expect(page.leads.map((l) => [l.index, l.from, l.to])).toEqual(
      want.changed.slice(0, 500).map((c) => [c.index, c.from, c.to]),
    );
    const cell = want.changed[0]!;
    const filtered = await as.sales.simulations.changedLeads({
      runId,
      from: cell.from,
      to: cell.to,
      offset: 0,
      limit: 10,
    });
    expect(filtered.total).toBe(want.matrix[cell.from]![cell.to]);
    expect(filtered.leads.every((l) => l.from === cell.from && l.to === cell.to)).toBe(true);

    // Explaining one lead evaluates it again on both sides.
    const why = await as.auditor.simulations.explainLead({ runId, leadIndex: cell.index });
    expect(why).toMatchObject({ leadIndex: cell.index, changed: true });
    expect(why.baseline.stage).toBe(cell.from);
    expect(why.candidate.stage).toBe(cell.to);
    expect(why.candidate.steps.map((s) => s.nodeId)).toEqual(why.candidate.path);
    expect(why.candidate.reasons.length).toBeGreaterThan(0);
    const byId = await as.auditor.simulations.explainLead({ runId, leadId: leads[cell.index]!.id });
    expect(byId.leadIndex).toBe(cell.index);

    // Linked to both versions: the governance publish check finds it.
    expect(await hasSimulationRun(database.db, candidateId, publishedId)).toBe(true);
    const listed = await as.marketing.simulations.list({ workflowId });
    expect(listed.find((r) => r.id === runId)).toMatchObject({
      status: 'done',
      changedTotal: want.changed.length,
      baseline: { versionId: publishedId },
      candidate: { versionId: candidateId },
    });
    const audit = await database.db
      .selectFrom('audit_events')
      .select(['action'])
      .where('entity_id', '=', runId)
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['simulation.start']);
  });

  it('runs the draft as candidate and keeps the draft it ran', async () => {
    const set = await as.ops.leadSets.generate({ name: 'Draft check', count: 200, seed: 3 });
    const { runId } = await as.admin.simulations.start({
      workflowId,
      baseline: { versionId: publishedId },
      candidate: 'draft',
      leadSetId: set.id,
      asOf: new Date('2026-01-15T00:00:00Z'),
    });
    await runManagerFor(database.db).settled(runId);
    const run = await as.ops.simulations.get({ runId });
    expect(run.status).toBe('done');
    expect(run.candidate.versionId).toBeNull();
    expect(run.candidate.draftRevision).toBeGreaterThan(1);
    expect(await hasSimulationRun(database.db, candidateId, publishedId)).toBe(true);

    // The draft moves on; a lead's explanation still carries the copy the run evaluated.
    const ran = await as.marketing.draft.get({ workflowId });
    const ranDocument = ran.document as Workflow;
    const moved = structuredClone(ranDocument);
    moved.nodes[0]!.label = 'Edited after the run';
    await as.marketing.draft.save({ workflowId, baseRevision: ran.revision, document: moved });
    const why = await as.ops.simulations.explainLead({ runId, leadIndex: 0 });
    expect(why.candidate.document).toEqual(ranDocument);
    expect(why.candidate.document.nodes[0]!.label).not.toBe('Edited after the run');
    expect(why.candidate.path.every((id) => ranDocument.nodes.some((n) => n.id === id))).toBe(true);
  });

  it('tries one pasted lead on both sides', async () => {
    const lead = {
      id: 'paste-1',
      attributes: {
        first_name: 'Ann',
        last_name: 'Lee',
        job_title: 'VP Marketing',
        email: 'ann@acme.com',
        company_size: 400,
      },
      events: [{ type: 'page_view', at: '2025-12-20T10:00:00Z', props: { path: '/pricing' } }],
    };
    const tried = await as.marketing.simulations.tryLead({
      workflowId,
      baseline: 'published',
      candidate: { versionId: candidateId },
      lead,
      asOf: new Date(DEFAULT_SAMPLE_AS_OF),
    });
    const a = evaluator(publishedDocument)(lead, { asOf: DEFAULT_SAMPLE_AS_OF });
    const b = evaluator(candidateDocument)(lead, { asOf: DEFAULT_SAMPLE_AS_OF });
    expect(tried.baseline).toMatchObject({ stage: a.stage, scores: a.scores, path: a.path });
    expect(tried.candidate).toMatchObject({ stage: b.stage, scores: b.scores, path: b.path });
    expect(tried.candidate.scores.fit).toBe(a.scores.fit! + 10);
    expect(tried.baseline.steps[0]).toMatchObject({ nodeId: 'start', kind: 'start' });
    expect(tried.candidate.document).toEqual(candidateDocument);
    expect(tried.lead).toEqual(lead);
    expect(
      await codeOf(
        as.marketing.simulations.tryLead({
          workflowId,
          baseline: 'published',
          candidate: 'draft',
          lead: { id: 1, attributes: {} } as never,
        }),
      ),
    ).toBe('BAD_REQUEST');
  });

  it("tries the n-th lead of a set on both sides, as of the set's own day as a run would", async () => {
    const set = await as.ops.leadSets.generate({ name: 'Pick from', count: 50, seed: 21 });
    const input = {
      workflowId,
      baseline: 'published' as const,
      candidate: { versionId: candidateId },
    };
    const tried = await as.sales.simulations.tryLead({
      ...input,
      fromSet: { leadSetId: set.id, leadNumber: 7 },
    });
    const lead = (await as.sales.leadSets.leads({ leadSetId: set.id, offset: 6, limit: 1 }))
      .leads[0]!.lead as Lead;
    expect(tried.lead).toEqual(lead);
    expect(tried.asOf.getTime()).toBe(DEFAULT_SAMPLE_AS_OF);
    const a = evaluator(publishedDocument)(lead, { asOf: DEFAULT_SAMPLE_AS_OF });
    const b = evaluator(candidateDocument)(lead, { asOf: DEFAULT_SAMPLE_AS_OF });
    expect(tried.baseline).toMatchObject({ stage: a.stage, scores: a.scores, path: a.path });
    expect(tried.candidate).toMatchObject({ stage: b.stage, scores: b.scores, path: b.path });
    expect(tried.changed).toBe(a.stage !== b.stage);

    const later = new Date('2026-03-01T00:00:00Z');
    const asked = await as.sales.simulations.tryLead({
      ...input,
      fromSet: { leadSetId: set.id, leadNumber: 7 },
      asOf: later,
    });
    expect(asked.asOf.getTime()).toBe(later.getTime());
    expect(asked.baseline.scores).toEqual(
      evaluator(publishedDocument)(lead, { asOf: later }).scores,
    );

    const missing = as.sales.simulations.tryLead({
      ...input,
      fromSet: { leadSetId: set.id, leadNumber: 51 },
    });
    await expect(missing).rejects.toThrow('Pick from has no lead 51; it has 50.');
    expect(await codeOf(missing)).toBe('NOT_FOUND');
    expect(
      await codeOf(
        as.sales.simulations.tryLead({
          ...input,
          lead,
          fromSet: { leadSetId: set.id, leadNumber: 1 },
        }),
      ),
    ).toBe('BAD_REQUEST');
    expect(await codeOf(as.sales.simulations.tryLead(input))).toBe('BAD_REQUEST');
    expect(await codeOf(as.auditor.simulations.tryLead({ ...input, lead }))).toBe('FORBIDDEN');
  });

  it('lets only ops and admin start and cancel runs; everyone reads', async () => {
    const set = (await as.ops.leadSets.list())[0]!;
    const input = {
      workflowId,
      baseline: 'published' as const,
      candidate: { versionId: candidateId },
      leadSetId: set.id,
    };
    for (const who of [as.marketing, as.sales, as.auditor])
      expect(await codeOf(who.simulations.start(input))).toBe('FORBIDDEN');
    expect(await codeOf(as.anonymous.simulations.list({ workflowId }))).toBe('UNAUTHORIZED');
    expect(await codeOf(as.auditor.simulations.list({ workflowId }))).toBe('OK');
  });

  it('refuses a person more than MAX_UNFINISHED_RUNS_PER_PERSON queued or running runs, not the others', async () => {
    const set = await as.ops.leadSets.generate({ name: 'Queue', count: 100, seed: 9 });
    // A server whose runs never start: every run stays queued.
    const stuck = new RunManager(database.db, { concurrency: 0 });
    const previous = runManagerFor(database.db);
    setRunManager(database.db, stuck);
    const input = {
      workflowId,
      baseline: 'published' as const,
      candidate: { versionId: candidateId },
      leadSetId: set.id,
    };
    const runIds: string[] = [];
    try {
      for (let i = 0; i < MAX_UNFINISHED_RUNS_PER_PERSON; i++)
        runIds.push((await as.ops.simulations.start(input)).runId);
      await expect(as.ops.simulations.start(input)).rejects.toThrow(
        `You have ${MAX_UNFINISHED_RUNS_PER_PERSON} simulations queued or running, as many as one person may; wait for one to finish or cancel one.`,
      );
      expect(await codeOf(as.ops.simulations.start(input))).toBe('TOO_MANY_REQUESTS');
      // Someone else starts as usual.
      runIds.push((await as.admin.simulations.start(input)).runId);
      // A cancelled run frees its place.
      await as.ops.simulations.cancel({ runId: runIds.shift()! });
      runIds.push((await as.ops.simulations.start(input)).runId);
    } finally {
      for (const runId of runIds) await as.admin.simulations.cancel({ runId });
      setRunManager(database.db, previous);
    }
  });

  it('reports progress at most every 250 ms and cancels a running run, keeping no result', async () => {
    const set = await as.ops.leadSets.generate({ name: 'Slow', count: 4_000, seed: 5 });
    const slow = new RunManager(database.db, {
      pageSize: 200,
      loadPage: async (db, leadSetId, from, limit) => {
        await new Promise((r) => setTimeout(r, 60));
        const { leadPageJson } = await import('@accord/db');
        return leadPageJson(db, leadSetId, from, limit);
      },
    });
    const previous = runManagerFor(database.db);
    setRunManager(database.db, slow);
    try {
      const { runId } = await as.ops.simulations.start({
        workflowId,
        baseline: 'published',
        candidate: { versionId: candidateId },
        leadSetId: set.id,
      });
      const seen: { at: number; progress: number }[] = [];
      const started = Date.now();
      while (Date.now() - started < 10_000) {
        const run = await as.ops.simulations.get({ runId });
        if (run.status === 'running' && run.progress > 0) {
          if (seen.at(-1)?.progress !== run.progress)
            seen.push({ at: Date.now(), progress: run.progress });
          if (run.progress >= 0.4) break;
        }
        await new Promise((r) => setTimeout(r, 25));
      }
      expect(seen.length).toBeGreaterThanOrEqual(2);
      for (let i = 1; i < seen.length; i++)
        expect(seen[i]!.progress).toBeGreaterThan(seen[i - 1]!.progress);
      // Written at most every 250 ms. Pages come every 60 ms, so without the limit this would
      // see a new value about every page. One write may land late under load and the next on
      // time, so single gaps are not measured: the count over the whole span is.
      const span = seen.at(-1)!.at - seen[0]!.at;
      expect(seen.length).toBeLessThanOrEqual(Math.floor(span / 250) + 2);
      expect(seen.at(-1)!.progress).toBeLessThan(1);

      const cancelled = await as.ops.simulations.cancel({ runId });
      expect(cancelled.status).toBe('cancelled');
      await slow.settled(runId);
      expect(slow.has(runId)).toBe(false);
      const run = await as.ops.simulations.get({ runId });
      expect(run).toMatchObject({ status: 'cancelled', result: null });
      const rows = await database.db
        .selectFrom('simulation_changed_leads')
        .select('idx')
        .where('run_id', '=', runId)
        .execute();
      expect(rows).toEqual([]);
      expect(await codeOf(as.ops.simulations.cancel({ runId }))).toBe('PRECONDITION_FAILED');
      expect(await codeOf(as.ops.simulations.changedLeads({ runId, offset: 0, limit: 10 }))).toBe(
        'PRECONDITION_FAILED',
      );
      const audit = await database.db
        .selectFrom('audit_events')
        .select(['action'])
        .where('entity_id', '=', runId)
        .orderBy('id')
        .execute();
      expect(audit.map((a) => a.action)).toEqual(['simulation.start', 'simulation.cancel']);
    } finally {
      await slow.shutdown();
      setRunManager(database.db, previous);
    }
  });

  it('leaves nothing half-written when a run fails midway', async () => {
    const set = await as.ops.leadSets.generate({ name: 'Fails', count: 1_000, seed: 8 });
    let pages = 0;
    const failing = new RunManager(database.db, {
      pageSize: 100,
      loadPage: async (db, leadSetId, from, limit) => {
        if (++pages === 4) throw new Error('connection to the database was lost');
        const { leadPageJson } = await import('@accord/db');
        return leadPageJson(db, leadSetId, from, limit);
      },
    });
    const previous = runManagerFor(database.db);
    setRunManager(database.db, failing);
    try {
      const { runId } = await as.ops.simulations.start({
        workflowId,
        baseline: 'published',
        candidate: { versionId: candidateId },
        leadSetId: set.id,
      });
      await failing.settled(runId);
      const run = await as.ops.simulations.get({ runId });
      expect(run).toMatchObject({ status: 'failed', result: null });
      expect(run.error).toMatch(/connection to the database was lost/);
      expect(run.finishedAt).toBeInstanceOf(Date);
      const rows = await database.db
        .selectFrom('simulation_changed_leads')
        .select('idx')
        .where('run_id', '=', runId)
        .execute();
      expect(rows).toEqual([]);
      // A failed run does not count for publishing.
      const stored = await database.db
        .selectFrom('simulation_runs')
        .select(['status', 'result'])
        .where('id', '=', runId)
        .executeTakeFirstOrThrow();
      expect(stored).toEqual({ status: 'failed', result: null });
    } finally {
      await failing.shutdown();
      setRunManager(database.db, previous);
    }
  });

  it('refuses a candidate that does not compile, naming its problems', async () => {
    const draft = await as.marketing.draft.get({ workflowId });
    const broken = structuredClone(draft.document) as Workflow;
    broken.edges = [];
    await as.marketing.draft.save({ workflowId, baseRevision: draft.revision, document: broken });
    const set = (await as.ops.leadSets.list())[0]!;
    const error = await as.ops.simulations
      .start({ workflowId, baseline: 'published', candidate: 'draft', leadSetId: set.id })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('PRECONDITION_FAILED');
    expect((error as TRPCError).message).toMatch(/candidate \(Draft/);
  });
});
