import { render, screen } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import {
  funnelRows,
  matrixCount,
  OutcomeMetrics,
  TransitionMatrix,
  type SimulationResult,
} from './results';

/**
 * #18: a run of a workflow whose stages are called like Object's properties, as the page gets it
 * (through JSON, so every record has Object's prototype again). `constructor` was reached by no
 * lead on either side.
 */
const outcome = (leads: number, rate: number) => ({
  leadsWithOutcome: 3,
  converted: 1,
  baseRate: 1 / 3,
  conversionByStage: { toString: { leads, converted: 1, rate } },
  qualified: 3,
  truePositives: 1,
  precision: 1 / 3,
  recall: 1,
  lift: 1,
});
// Written as JSON text: in an object literal `__proto__: 2` would set no key at all.
const result = JSON.parse(`{
  "leads": 3,
  "stages": [
    { "id": "constructor", "label": "Constructor", "order": 0 },
    { "id": "__proto__", "label": "Proto", "order": 1 },
    { "id": "toString", "label": "ToString", "order": 2 }
  ],
  "funnel": { "baseline": { "toString": 3 }, "candidate": { "toString": 1, "__proto__": 2 } },
  "matrix": { "toString": { "toString": 1, "__proto__": 2 } },
  "histograms": {},
  "coverage": [],
  "changed": { "total": 2, "kept": [], "truncated": false },
  "outcomes": ${JSON.stringify({ baseline: outcome(3, 1 / 3), candidate: outcome(1, 1) })}
}`) as SimulationResult;

describe('#18: simulation results with stage ids named like Object properties', () => {
  it('counts the funnel by own stage ids only', () => {
    expect(funnelRows(result)).toEqual([
      { stage: 'Constructor', baseline: 0, candidate: 0 },
      { stage: 'Proto', baseline: 0, candidate: 2 },
      { stage: 'ToString', baseline: 3, candidate: 1 },
    ]);
  });

  it('reads the matrix by own stage ids only', () => {
    expect(matrixCount(result.matrix, 'constructor', 'toString')).toBe(0);
    expect(matrixCount(result.matrix, 'toString', '__proto__')).toBe(2);
    expect(matrixCount(result.matrix, 'toString', 'constructor')).toBe(0);
  });

  it('renders the matrix and the conversion table', () => {
    render(
      <>
        <TransitionMatrix result={result} selected={null} onSelect={() => undefined} />
        <OutcomeMetrics result={result} />
      </>,
    );
    expect(screen.getByLabelText('ToString to Proto: 2').textContent).toBe('2');
    expect(screen.getByLabelText('Constructor to ToString: 0').textContent).toBe('0');
    const conversion = screen.getByText('Conversion at Constructor').closest('tr')!;
    expect(conversion.textContent).toBe('Conversion at Constructor——');
  });
});
