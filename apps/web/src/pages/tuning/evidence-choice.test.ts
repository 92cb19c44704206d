import { describe, expect, it } from 'vitest';
import { DEFAULT_CHOICE, parseChoice } from './evidence-choice';
import { intervalText, liftText, percent, splitText } from './format';

describe('the stored evidence choice (issue #19)', () => {
  it('reads a stored choice and falls back field by field on nonsense', () => {
    expect(parseChoice(null)).toEqual(DEFAULT_CHOICE);
    expect(parseChoice('not json')).toEqual(DEFAULT_CHOICE);
    expect(parseChoice('{"leadSetId":"abc","seed":7,"holdoutShare":0.4,"step":10}')).toEqual({
      leadSetId: 'abc',
      seed: 7,
      holdoutShare: 0.4,
      step: 10,
    });
    expect(parseChoice('{"leadSetId":5,"seed":-1,"holdoutShare":0.99,"step":0.5}')).toEqual(
      DEFAULT_CHOICE,
    );
  });

  it('formats rates, lifts, intervals and the part of the split', () => {
    expect(percent(0.0834)).toBe('8.3%');
    expect(percent(null)).toBe('—');
    expect(liftText(1.834)).toBe('1.83×');
    expect(intervalText([0.49, 0.943])).toBe('49.0–94.3%');
    expect(splitText('holdout', 0.3, 1)).toBe('judged on the held-out 30%, seed 1');
    expect(splitText('fit', 0.3, 1)).toBe('fitted on the other 70%, seed 1');
  });
});
