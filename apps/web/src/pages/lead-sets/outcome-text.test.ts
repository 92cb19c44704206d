import { describe, expect, it } from 'vitest';
import { outcomeText } from './outcome-text';

describe('outcomeText', () => {
  it('says converted or not, won or lost, or the stage reached', () => {
    expect(outcomeText(undefined)).toBe('—');
    expect(outcomeText({ converted: true })).toBe('converted');
    expect(outcomeText({ converted: false })).toBe('not converted');
    expect(outcomeText({ converted: true, won: true })).toBe('won');
    expect(outcomeText({ converted: false, won: false })).toBe('lost');
    expect(outcomeText({ converted: false, stage: 'SAL' })).toBe('SAL (not converted)');
    expect(outcomeText({ converted: true, stage: '' })).toBe('converted');
  });
});
