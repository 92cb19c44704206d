import { describe, expect, it } from 'vitest';
import {
  createSimulation,
  mergeSimulationResults,
  type SimulatedResult,
  type SimulatedWorkflow,
} from './simulate';

/** Stage and score ids that name properties of Object.prototype. */
const IDS = ['constructor', '__proto__', 'toString'] as const;

const workflow: SimulatedWorkflow = {
  stages: [...IDS, 'nurture'].map((id, order) => ({ id, label: id, order })),
  nodes: [{ id: 'start', kind: 'start', label: 'Start' }],
};

interface TestLead {
  id: string;
  n: number;
  outcome: { converted: boolean };
}

const side = (shift: number) => ({
  workflow,
  evaluate: (lead: TestLead): SimulatedResult => ({
    stage: IDS[(lead.n + shift) % IDS.length]!,
    scores: { __proto__: lead.n, constructor: 1 } as unknown as Record<string, number>,
    path: ['start'],
    reasons: [],
  }),
});

/** A value by key, typed as the record's values (`constructor` is typed as Object's otherwise). */
function at<V>(record: Record<string, V>, key: string): V {
  return record[key]!;
}

function withOwnProto(scores: Record<string, number>, value: number) {
  Object.defineProperty(scores, '__proto__', { value, enumerable: true, writable: true });
  return scores;
}

describe('#18: stage and score ids named like Object properties', () => {
  const leads: TestLead[] = Array.from({ length: 9 }, (_, n) => ({
    id: `L${n}`,
    n,
    outcome: { converted: n % 2 === 0 },
  }));
  const baseline = {
    ...side(0),
    evaluate: (lead: TestLead) => ({
      ...side(0).evaluate(lead),
      scores: withOwnProto({ constructor: 1 }, lead.n),
    }),
  };
  const candidate = side(1);

  it('counts the funnel, the matrix and conversions of each stage as data', () => {
    const sim = createSimulation({ baseline, candidate });
    sim.add(leads.slice(0, 4));
    const result = sim.result();
    // Leads 0..3: baseline constructor, __proto__, toString, constructor.
    expect(Object.entries(result.funnel.baseline)).toEqual([
      ['constructor', 2],
      ['__proto__', 1],
      ['toString', 1],
    ]);
    expect(result.funnel.baseline.nurture).toBeUndefined();
    expect(at(at(result.matrix, 'constructor'), '__proto__')).toBe(2);
    expect(at(at(result.matrix, 'toString'), 'constructor')).toBe(1);
    expect(at(result.outcomes!.baseline.conversionByStage, 'constructor')).toEqual({
      leads: 2,
      converted: 1,
      rate: 0.5,
    });
    expect(Object.keys(result.histograms).sort()).toEqual(['__proto__', 'constructor']);
    expect(at(result.histograms, '__proto__').map((b) => b.baseline)).toEqual([4]);
  });

  it('adds the shares of a run by stage id, `constructor` and `__proto__` included', () => {
    const a = createSimulation({ baseline, candidate });
    a.add(leads.slice(0, 4), 0);
    const b = createSimulation({ baseline, candidate });
    b.add(leads.slice(4), 4);
    const merged = mergeSimulationResults([a.result(), b.result()]);
    const whole = createSimulation({ baseline, candidate });
    whole.add(leads);
    const want = whole.result();
    expect(merged.funnel).toEqual(want.funnel);
    expect(at(merged.funnel.baseline, 'constructor')).toBe(3);
    expect(at(merged.funnel.baseline, '__proto__')).toBe(3);
    expect(merged.matrix).toEqual(want.matrix);
    expect(merged.histograms).toEqual(want.histograms);
    expect(merged.outcomes).toEqual(want.outcomes);
    // The result survives JSON (how runs are stored) with every stage.
    const stored = JSON.parse(JSON.stringify(merged)) as typeof merged;
    expect(Object.hasOwn(stored.funnel.candidate, '__proto__')).toBe(true);
  });
});
