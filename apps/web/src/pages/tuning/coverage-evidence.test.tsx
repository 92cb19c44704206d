import type { EvidenceReport, RulePartEvidence } from '@accord/engine';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { RuleCoverage, type SimulationResult } from '../simulate/results';
import { coverageEvidence, coverageKey, wholeSet } from './coverage-evidence';

afterEach(cleanup);

const part = (leads: number, fired: number, converted: number): RulePartEvidence => ({
  leads,
  reached: leads,
  fired,
  share: fired / leads,
  whenFired: { leads: fired, converted, rate: converted / fired, low: 0, high: 1 },
  whenNotFired: { leads: leads - fired, converted: 0, rate: 0, low: 0, high: 1 },
  lift: null,
  contradicts: false,
  tooRare: false,
});

const report: EvidenceReport = {
  split: {
    seed: 1,
    holdoutShare: 0.3,
    leadsRead: 1000,
    withoutOutcome: 0,
    fit: { leads: 700, converted: 70, baseRate: 0.1 },
    holdout: { leads: 300, converted: 30, baseRate: 0.1 },
  },
  minFirings: 30,
  rules: [
    {
      nodeId: 'fit',
      rowId: 'vp',
      kind: 'scorecardRow',
      label: 'Fit › VP',
      points: 20,
      direction: 'up',
      fit: part(700, 140, 42),
      holdout: part(300, 60, 18),
    },
    {
      nodeId: 'gate',
      rowId: null,
      kind: 'condition',
      label: 'Gate',
      points: null,
      direction: 'up',
      fit: part(700, 0, 0),
      holdout: part(300, 0, 0),
    },
  ],
};

describe('rule evidence in the simulation results (issue #19)', () => {
  it('adds both parts of the split up: a simulation fits nothing', () => {
    // 60 of 200 leads converted where it fired; 100 of 1,000 overall: 30% and 3×.
    const vp = wholeSet(report.rules[0]!, report.split);
    expect(vp).toMatchObject({ fired: 200, converted: 60, rate: 0.3 });
    expect(vp.lift).toBeCloseTo(3, 12);
    expect(wholeSet(report.rules[1]!, report.split)).toMatchObject({ rate: null, lift: null });
  });

  it('shows conversion when fired and lift beside each rule’s hits', () => {
    const result = {
      coverage: [
        { nodeId: 'fit', rowId: 'vp', label: 'Fit › VP', baseline: 180, candidate: 200 },
        { nodeId: 'gate', rowId: null, label: 'Gate', baseline: 5, candidate: 0 },
      ],
    } as unknown as SimulationResult;
    render(<RuleCoverage result={result} evidence={coverageEvidence(report)} />);
    const table = screen.getByRole('table', { name: 'Rule coverage' });
    expect([...table.querySelectorAll('th')].map((th) => th.textContent)).toEqual([
      'Rule',
      'Baseline',
      'Candidate',
      'Converts',
      'Lift',
    ]);
    const rows = [...table.querySelectorAll('tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent),
    );
    expect(rows[0]).toEqual(['Fit › VP', '180', '200', '30.0%', '3.00×']);
    expect(rows[1]).toEqual(['Gatenever fires', '5', '0', '—', '—']);
    expect(coverageKey('gate', null)).toBe('gate\u0000');
  });
});
