import { describe, expect, it } from 'vitest';
import { checklistOutcomes } from './checklist-outcomes';

describe('checklistOutcomes', () => {
  const criteria = [{ label: 'reachable' }, { label: 'budget', optional: true }, { label: 'fit' }];

  it('reports met and missing criteria in order, with the verdict, per combination', () => {
    const outcome = checklistOutcomes('sal', 'SAL', criteria, undefined);
    expect(outcome(0b101)).toEqual({
      reason: {
        nodeId: 'sal',
        text: 'SAL: 2 of 2 criteria met (reachable, fit); optional, not met: budget',
      },
      checklist: { nodeId: 'sal', met: ['reachable', 'fit'], missing: ['budget'] },
      pass: true,
    });
    expect(outcome(0b010).pass).toBe(false);
    expect(outcome(0b010).checklist.missing).toEqual(['reachable', 'fit']);
    expect(checklistOutcomes('sal', 'SAL', criteria, 1)(0b001).pass).toBe(true);
  });

  it('builds each combination once and shares it, frozen', () => {
    const outcome = checklistOutcomes('sal', 'SAL', criteria, undefined);
    expect(outcome(3)).toBe(outcome(3));
    expect(outcome(3)).not.toBe(outcome(1));
    expect(Object.isFrozen(outcome(3).checklist.met)).toBe(true);
    expect(Object.isFrozen(outcome(3).reason)).toBe(true);
  });
});
