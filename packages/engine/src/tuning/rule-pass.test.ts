import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../catalog/default-catalog';
import { defaultWorkflow } from '../defaults/default-workflow';
import { field, score, when } from '../defaults/builders';
import { defaultStages } from '../defaults/default-stages';
import type { Lead } from '../schema/lead';
import type { Workflow } from '../schema/workflow';
import { createRulePass, thresholdForShare, thresholdSites } from './rule-pass';
import { splitter } from './split';
import { wilson } from './statistics';
import { suggestPoints } from './suggest-points';
import type { RuleEvidence } from './types';

const at = { x: 0, y: 0 };
const AS_OF = '2026-01-01';
const split = { seed: 3, holdoutShare: 0.3 };

/** start → scorecard → condition (fit ≥ 10) → MQL; else switch (webinar) → checklist → SAL. */
const workflow: Workflow = {
  schemaVersion: 1,
  stages: defaultStages(),
  scores: [{ id: 'fit', label: 'Fit' }],
  nodes: [
    { id: 'start', kind: 'start', label: 'Start', position: at, data: {} },
    {
      id: 'card',
      kind: 'scorecard',
      label: 'Fit score',
      position: at,
      data: {
        score: 'fit',
        rows: [
          {
            id: 'big',
            label: 'Big company',
            category: 'profile',
            when: when(field('company_size'), 'gte', 100),
            points: 10,
          },
          {
            id: 'phone',
            label: 'Direct phone',
            category: 'profile',
            when: when(field('phone'), 'isSet'),
            points: 5,
          },
          {
            id: 'student',
            label: 'Student',
            category: 'undesirable',
            when: when(field('is_student'), 'eq', true),
            points: 20,
          },
          {
            id: 'rare',
            label: 'Rare',
            category: 'profile',
            when: when(field('company_size'), 'eq', 7),
            points: 5,
          },
        ],
      },
    },
    {
      id: 'ready',
      kind: 'condition',
      label: 'Fit enough',
      position: at,
      data: { when: when(score('fit'), 'gte', 10) },
    },
    {
      id: 'source',
      kind: 'switch',
      label: 'Source',
      position: at,
      data: {
        cases: [
          { id: 'webinar', label: 'Webinar', when: when(field('lead_source'), 'eq', 'webinar') },
        ],
      },
    },
    {
      id: 'check',
      kind: 'checklist',
      label: 'Sales check',
      position: at,
      data: {
        mode: 'all',
        criteria: [{ id: 'reach', label: 'Reachable', when: when(field('reachable'), 'eq', true) }],
      },
    },
    { id: 'mql', kind: 'stage', label: 'MQL', position: at, data: { stage: 'mql' } },
    { id: 'sal', kind: 'stage', label: 'SAL', position: at, data: { stage: 'sal' } },
    { id: 'nurture', kind: 'stage', label: 'Nurture', position: at, data: { stage: 'nurture' } },
  ],
  edges: [
    { id: 'e1', source: 'start', sourceHandle: 'next', target: 'card' },
    { id: 'e2', source: 'card', sourceHandle: 'next', target: 'ready' },
    { id: 'e3', source: 'ready', sourceHandle: 'true', target: 'mql' },
    { id: 'e4', source: 'ready', sourceHandle: 'false', target: 'source' },
    { id: 'e5', source: 'source', sourceHandle: 'webinar', target: 'check' },
    { id: 'e6', source: 'source', sourceHandle: 'default', target: 'nurture' },
    { id: 'e7', source: 'check', sourceHandle: 'pass', target: 'sal' },
    { id: 'e8', source: 'check', sourceHandle: 'fail', target: 'nurture' },
  ],
};

interface Facts {
  big: boolean;
  phone: boolean;
  student: boolean;
  rare: boolean;
  webinar: boolean;
  reachable: boolean;
}

function makeLead(i: number): { lead: Lead; facts: Facts } {
  const rare = i % 499 === 1;
  const facts: Facts = {
    big: i % 3 === 0 && !rare,
    phone: i % 2 === 0,
    student: i % 10 === 0,
    rare,
    webinar: i % 4 === 1,
    reachable: i % 5 !== 0,
  };
  const converted = !facts.student && ((facts.big && i % 2 === 0) || i % 7 === 0);
  const attributes: Lead['attributes'] = {
    company_size: facts.rare ? 7 : facts.big ? 500 : 20,
    lead_source: facts.webinar ? 'webinar' : 'website',
    reachable: facts.reachable,
  };
  if (facts.phone) attributes.phone = '+49 30 1234';
  if (facts.student) attributes.is_student = true;
  return { lead: { id: `l${i}`, attributes, events: [], outcome: { converted } }, facts };
}

const rows = Array.from({ length: 3000 }, (_, i) => makeLead(i));
// One lead without an outcome: counted, left out.
const noOutcome: Lead = { id: 'x', attributes: {}, events: [] };

/** What the workflow does to a lead, computed by hand. */
function direct(f: Facts) {
  const fit = (f.big ? 10 : 0) + (f.phone ? 5 : 0) + (f.student ? 20 : 0) + (f.rare ? 5 : 0);
  const ready = fit >= 10;
  const reachesSwitch = !ready;
  const reachesCheck = reachesSwitch && f.webinar;
  const stage = ready ? 'mql' : reachesCheck && f.reachable ? 'sal' : 'nurture';
  const fired: Record<string, boolean> = {
    'card/big': f.big,
    'card/phone': f.phone,
    'card/student': f.student,
    'card/rare': f.rare,
    'ready/': ready,
    'source/webinar': reachesSwitch && f.webinar,
    'check/reach': reachesCheck && f.reachable,
  };
  const reached: Record<string, boolean> = {
    card: true,
    ready: true,
    source: reachesSwitch,
    check: reachesCheck,
  };
  return { fit, stage, fired, reached };
}

describe('createRulePass', () => {
  const pass = createRulePass(workflow, defaultCatalog, split, { asOf: AS_OF });
  pass.add(rows.slice(0, 1000).map((r) => r.lead));
  pass.add([...rows.slice(1000).map((r) => r.lead), noOutcome]);
  const evidence = pass.evidence();
  const partOf = splitter(split);

  it('counts leads per part and leaves out leads without an outcome', () => {
    expect(evidence.split.leadsRead).toBe(3001);
    expect(evidence.split.withoutOutcome).toBe(1);
    const fit = rows.filter((r) => partOf(r.lead.id) === 'fit');
    expect(evidence.split.fit.leads).toBe(fit.length);
    expect(evidence.split.fit.converted).toBe(fit.filter((r) => r.lead.outcome!.converted).length);
    expect(evidence.split.holdout.leads).toBe(3000 - fit.length);
  });

  it('gives every rule the counts, conversions and Wilson intervals of a direct computation', () => {
    expect(evidence.rules.map((r) => `${r.nodeId}/${r.rowId ?? ''}`)).toEqual([
      'card/big',
      'card/phone',
      'card/student',
      'card/rare',
      'ready/',
      'source/webinar',
      'check/reach',
    ]);
    for (const rule of evidence.rules) {
      const key = `${rule.nodeId}/${rule.rowId ?? ''}`;
      for (const part of ['fit', 'holdout'] as const) {
        const mine = rows.filter((r) => partOf(r.lead.id) === part);
        const fired = mine.filter((r) => direct(r.facts).fired[key]);
        const rest = mine.filter((r) => !direct(r.facts).fired[key]);
        const conv = (list: typeof rows) => list.filter((r) => r.lead.outcome!.converted).length;
        const got = rule[part];
        expect(got.fired, `${key} ${part}`).toBe(fired.length);
        expect(got.reached, `${key} ${part}`).toBe(
          mine.filter((r) => direct(r.facts).reached[rule.nodeId]).length,
        );
        expect(got.whenFired).toEqual(wilson(conv(fired), fired.length));
        expect(got.whenNotFired).toEqual(wilson(conv(rest), rest.length));
        expect(got.share).toBeCloseTo(fired.length / mine.length, 12);
        const base = conv(mine) / mine.length;
        if (fired.length) expect(got.lift).toBeCloseTo(conv(fired) / fired.length / base, 12);
      }
    }
  });

  it('flags a row that adds points while its leads convert less, and a row too rare to judge', () => {
    const byRow = (id: string) => evidence.rules.find((r) => r.rowId === id)!;
    const student: RuleEvidence = byRow('student');
    expect(student.direction).toBe('up');
    expect(student.fit.whenFired.rate).toBe(0);
    expect(student.fit.contradicts).toBe(true);
    expect(student.holdout.contradicts).toBe(true);
    expect(byRow('big').fit.contradicts).toBe(false);
    const rare = byRow('rare');
    expect(rare.fit.fired).toBeLessThan(evidence.minFirings);
    expect(rare.fit.tooRare).toBe(true);
    expect(rare.fit.contradicts).toBe(false);
    // A condition's direction comes from the stages its leads reach.
    expect(evidence.rules.find((r) => r.nodeId === 'ready')!.direction).toBe('up');
  });

  it('draws threshold curves whose AUC equals the pairwise AUC of the scores', () => {
    const thresholds = pass.thresholds();
    const fit = thresholds.scores[0]!;
    expect(fit.score).toBe('fit');
    for (const part of ['fit', 'holdout'] as const) {
      const mine = rows.filter((r) => partOf(r.lead.id) === part);
      const pos = mine.filter((r) => r.lead.outcome!.converted).map((r) => direct(r.facts).fit);
      const neg = mine.filter((r) => !r.lead.outcome!.converted).map((r) => direct(r.facts).fit);
      let u = 0;
      for (const p of pos) for (const n of neg) u += p > n ? 1 : p === n ? 0.5 : 0;
      expect(fit[part].auc).toBeCloseTo(u / (pos.length * neg.length), 12);
      // The last point flags everyone.
      expect(fit[part].points.at(-1)!.share).toBe(1);
      expect(fit[part].points.at(-1)!.recall).toBe(1);
      const at10 = fit[part].points.find((p) => p.threshold === 10)!;
      expect(at10.flagged).toBe(mine.filter((r) => direct(r.facts).fit >= 10).length);
      // The decision: MQL or better.
      const qualified = mine.filter((r) => direct(r.facts).stage !== 'nurture');
      const tp = qualified.filter((r) => r.lead.outcome!.converted).length;
      expect(thresholds.decision[part].flagged).toBe(qualified.length);
      expect(thresholds.decision[part].precision).toBeCloseTo(tp / qualified.length, 12);
    }
    expect(fit.sites).toEqual([
      {
        nodeId: 'ready',
        rowId: null,
        path: [],
        op: 'gte',
        value: 10,
        label: 'Fit enough › Fit ≥ 10',
      },
    ]);
    expect(thresholdForShare(fit.fit, 0.5)!.share).toBeGreaterThan(0.3);
  });

  it('suggests points that follow the log-odds: up for rows that convert more, down for the student row', () => {
    const report = suggestPoints(workflow, evidence, { step: 5 });
    const card = report.scorecards[0]!;
    const row = (id: string) => card.rows.find((r) => r.rowId === id)!;
    expect(row('big').suggested).toBeGreaterThan(0);
    expect(row('student').suggested).toBeLessThan(0);
    for (const r of card.rows) if (r.suggested !== null) expect(Math.abs(r.suggested % 5)).toBe(0);
    // The card keeps its total weight: factor = Σ|points| / Σ|shrunk log-odds|.
    const sumPoints = card.rows.reduce((s, r) => s + Math.abs(r.current), 0);
    const sumEffect = card.rows.reduce((s, r) => s + Math.abs((r.logOddsRatio ?? 0) * r.weight), 0);
    expect(card.factor).toBeCloseTo(sumPoints / sumEffect, 10);
    // Shrinkage: a rare row keeps little of its log-odds.
    expect(row('rare').weight).toBeLessThan(0.2);
    const unshrunk = suggestPoints(workflow, evidence, { step: 1, shrinkage: 0 }).scorecards[0]!;
    expect(unshrunk.rows.every((r) => r.weight === 1 || r.logOddsRatio === null)).toBe(true);
  });

  it('finds the score thresholds of the default workflow', () => {
    const sites = thresholdSites(defaultWorkflow(), 'fit');
    expect(sites.length).toBeGreaterThan(0);
    expect(sites[0]!.value).toBe(40);
  });

  it('refuses a workflow that does not compile', () => {
    expect(() =>
      createRulePass({ ...workflow, edges: [] }, defaultCatalog, split, { asOf: AS_OF }),
    ).toThrow(/does not compile/);
  });
});
