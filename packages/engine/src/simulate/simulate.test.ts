import { defaultCatalog } from '../catalog/default-catalog';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  createSimulation,
  isQualifiedStage,
  mergeSimulationResults,
  simulate,
  type SimulatedResult,
  type SimulatedWorkflow,
} from './simulate';
import { simulationSide } from './simulation-side';
import { defaultWorkflow } from '../defaults/default-workflow';
import { generateLeads, type GeneratedLead } from '../generate/generate-leads';

interface TestLead {
  id: string;
  x: number;
  outcome?: { converted: boolean };
}

const workflow: SimulatedWorkflow = {
  stages: [
    { id: 'nurture', label: 'Nurture', order: 0 },
    { id: 'mql', label: 'MQL', order: 1 },
    { id: 'sql', label: 'SQL', order: 3 },
    { id: 'disqualified', label: 'Disqualified', order: 9 },
  ],
  nodes: [
    { id: 'start', kind: 'start', label: 'Start' },
    {
      id: 'score',
      kind: 'scorecard',
      label: 'Fit',
      data: {
        rows: [
          { id: 'big', label: 'Big x' },
          { id: 'never', label: 'Never' },
        ],
      },
    },
    { id: 'unused', kind: 'stage', label: 'Unused' },
  ],
};

const side = (threshold: number) => ({
  workflow,
  evaluate: (lead: TestLead): SimulatedResult => ({
    stage:
      lead.x < 0
        ? 'disqualified'
        : lead.x >= threshold + 50
          ? 'sql'
          : lead.x >= threshold
            ? 'mql'
            : 'nurture',
    scores: { fit: lead.x },
    path: ['start', 'score'],
    reasons: lead.x > 50 ? [{ nodeId: 'score', rowId: 'big', text: 'big', points: 1 }] : [],
  }),
});

describe('simulate', () => {
  it('equals a direct computation of funnel, matrix, changes and outcome metrics', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ x: fc.integer({ min: -20, max: 150 }), converted: fc.boolean() }), {
          maxLength: 300,
        }),
        fc.integer({ min: 1, max: 50 }),
        (rows, chunk) => {
          const leads: TestLead[] = rows.map((r, i) => ({
            id: `L${i}`,
            x: r.x,
            outcome: { converted: r.converted },
          }));
          const baseline = side(40);
          const candidate = side(30);
          const sim = createSimulation({ baseline, candidate }, { binWidth: 10 });
          for (let i = 0; i < leads.length; i += chunk) sim.add(leads.slice(i, i + chunk));
          const result = sim.result();

          const a = leads.map((l) => baseline.evaluate(l).stage);
          const b = leads.map((l) => candidate.evaluate(l).stage);
          const count = (stages: string[], s: string) => stages.filter((x) => x === s).length;
          for (const s of ['nurture', 'mql', 'sql', 'disqualified']) {
            expect(result.funnel.baseline[s] ?? 0).toBe(count(a, s));
            expect(result.funnel.candidate[s] ?? 0).toBe(count(b, s));
          }
          let cells = 0;
          for (const [from, row] of Object.entries(result.matrix)) {
            for (const [to, n] of Object.entries(row)) {
              expect(n).toBe(leads.filter((_, i) => a[i] === from && b[i] === to).length);
              cells += n;
            }
          }
          expect(cells).toBe(leads.length);
          const changedIdx = leads.map((_, i) => i).filter((i) => a[i] !== b[i]);
          expect(result.changed.total).toBe(changedIdx.length);
          expect(result.changed.kept.map((c) => c.index)).toEqual(changedIdx);

          if (leads.length === 0) {
            expect(result.outcomes).toBeNull();
            return;
          }
          const converted = rows.filter((r) => r.converted).length;
          const qualB = leads.filter((_, i) => isQualifiedStage(b[i]!));
          const tp = qualB.filter((l) => l.outcome!.converted).length;
          const m = result.outcomes!.candidate;
          expect(m.converted).toBe(converted);
          expect(m.qualified).toBe(qualB.length);
          expect(m.truePositives).toBe(tp);
          expect(m.precision).toBeCloseTo(qualB.length ? tp / qualB.length : 0, 10);
          expect(m.recall).toBeCloseTo(converted ? tp / converted : 0, 10);
          const base = converted / leads.length;
          expect(m.lift).toBeCloseTo(base && qualB.length ? tp / qualB.length / base : 0, 10);
        },
      ),
      { numRuns: 150 },
    );
  });

  it('bins scores into histograms and counts rule coverage, flagging rules that never fire', () => {
    const leads: TestLead[] = [0, 5, 12, 55, 99].map((x, i) => ({ id: `L${i}`, x }));
    const result = simulate(side(40), side(30), leads);
    const fit = result.histograms.fit!;
    expect(fit[0]).toEqual({ from: 0, to: 10, baseline: 2, candidate: 2 });
    expect(fit.reduce((n, bin) => n + bin.baseline, 0)).toBe(5);
    const byKey = Object.fromEntries(result.coverage.map((c) => [`${c.nodeId}/${c.rowId}`, c]));
    expect(byKey['score/big']?.baseline).toBe(2);
    expect(byKey['score/never']?.candidate).toBe(0);
    expect(byKey['unused/null']?.baseline).toBe(0);
    expect(byKey['start/null']?.candidate).toBe(5);
    expect(result.outcomes).toBeNull();
  });

  it('keeps at most keepChanged changed leads and says it truncated', () => {
    const leads: TestLead[] = Array.from({ length: 20 }, (_, i) => ({ id: `L${i}`, x: 35 }));
    const result = simulate(side(40), side(30), leads, { keepChanged: 5 });
    expect(result.changed).toMatchObject({ total: 20, truncated: true });
    expect(result.changed.kept).toHaveLength(5);
  });
});

describe('mergeSimulationResults', () => {
  it('gives the result of one simulation when the chunks were shared out among several', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.record({
            x: fc.integer({ min: -20, max: 200 }),
            converted: fc.option(fc.boolean(), { nil: undefined }),
          }),
          { maxLength: 120 },
        ),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 1, max: 17 }),
        fc.integer({ min: 0, max: 30 }),
        fc.boolean(),
        (rows, shards, chunk, keepChanged, backwards) => {
          const leads: TestLead[] = rows.map((r, i) => ({
            id: `L${i}`,
            x: r.x,
            ...(r.converted === undefined ? {} : { outcome: { converted: r.converted } }),
          }));
          const sides = { baseline: side(50), candidate: side(60) };
          const whole = simulate(sides.baseline, sides.candidate, leads, { keepChanged });
          const parts = Array.from({ length: shards }, () =>
            createSimulation(sides, { keepChanged }),
          );
          const starts: number[] = [];
          for (let start = 0; start < leads.length; start += chunk) starts.push(start);
          // Shares may also take their chunks out of order.
          if (backwards) starts.reverse();
          starts.forEach((start, n) =>
            parts[n % shards]!.add(leads.slice(start, start + chunk), start),
          );
          const merged = mergeSimulationResults(
            parts.map((p) => p.result()),
            { keepChanged },
          );
          expect(merged.leads).toBe(whole.leads);
          expect(merged.funnel).toEqual(whole.funnel);
          expect(merged.matrix).toEqual(whole.matrix);
          expect(merged.changed).toEqual(whole.changed);
          expect(merged.outcomes).toEqual(whole.outcomes);
          expect(merged.histograms).toEqual(whole.histograms);
          expect(new Set(merged.coverage.map((c) => JSON.stringify(c)))).toEqual(
            new Set(whole.coverage.map((c) => JSON.stringify(c))),
          );
        },
      ),
    );
  });
});

describe('simulating with tally evaluators', () => {
  it('gives exactly the aggregates of explained evaluators, rule coverage included', () => {
    const baselineDoc = defaultWorkflow();
    const candidateDoc = JSON.parse(JSON.stringify(baselineDoc)) as typeof baselineDoc;
    for (const node of candidateDoc.nodes)
      if (node.kind === 'scorecard')
        for (const row of node.data.rows) row.points = row.points > 0 ? row.points + 5 : row.points;
    const asOf = Date.UTC(2026, 0, 1);
    const sideOf = (doc: typeof baselineDoc, tallied: boolean) => {
      const { tally, ...explainedOnly } = simulationSide<GeneratedLead>(doc, {
        asOf,
        catalog: defaultCatalog,
      });
      expect(tally!.keys.length).toBeGreaterThan(doc.nodes.length);
      return tallied ? { ...explainedOnly, tally } : explainedOnly;
    };
    const leads = generateLeads({ count: 3_000, seed: 11, asOf });
    const run = (tallied: boolean) => {
      const sim = createSimulation({
        baseline: sideOf(baselineDoc, tallied),
        candidate: sideOf(candidateDoc, tallied),
      });
      sim.add(leads.slice(0, 1_000));
      sim.result(); // a progress read in between must not disturb the counts
      sim.add(leads.slice(1_000));
      return sim.result();
    };
    const explained = run(false);
    const tallied = run(true);
    expect(tallied).toEqual(explained);
    // The coverage is not trivially empty: rows fired, and stages changed.
    expect(explained.coverage.some((e) => e.rowId !== null && (e.baseline ?? 0) > 0)).toBe(true);
    expect(explained.changed.total).toBeGreaterThan(0);
  });

  it('names a document that does not compile', () => {
    expect(() =>
      simulationSide({ nodes: [] }, { asOf: 0, name: 'candidate', catalog: defaultCatalog }),
    ).toThrow('The candidate does not compile.');
  });
});
