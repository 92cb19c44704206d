import { describe, expect, it } from 'vitest';
import { checkSplit, splitter } from './split';

const ids = Array.from({ length: 50_000 }, (_, i) => `lead-${i}`);

describe('splitter', () => {
  it('gives every id the same part on every run, whatever the order or the other leads', () => {
    const a = splitter({ seed: 7, holdoutShare: 0.3 });
    const b = splitter({ seed: 7, holdoutShare: 0.3 });
    const parts = ids.map(a);
    expect([...ids].reverse().map(b).reverse()).toEqual(parts);
    expect(ids.slice(100, 200).map(b)).toEqual(parts.slice(100, 200));
  });

  it('holds out about the share asked for', () => {
    for (const share of [0.1, 0.3, 0.5]) {
      const partOf = splitter({ seed: 'demo', holdoutShare: share });
      const held = ids.filter((id) => partOf(id) === 'holdout').length / ids.length;
      expect(held).toBeGreaterThan(share - 0.01);
      expect(held).toBeLessThan(share + 0.01);
    }
  });

  it('splits differently with another seed, and a bigger share only adds holdout leads', () => {
    const one = ids.map(splitter({ seed: 1, holdoutShare: 0.3 }));
    const two = ids.map(splitter({ seed: 2, holdoutShare: 0.3 }));
    const differ = one.filter((p, i) => p !== two[i]).length / ids.length;
    expect(differ).toBeGreaterThan(0.3);
    const bigger = ids.map(splitter({ seed: 1, holdoutShare: 0.5 }));
    one.forEach((p, i) => {
      if (p === 'holdout') expect(bigger[i]).toBe('holdout');
    });
  });

  it('refuses a share outside 0.05 … 0.95, naming it', () => {
    expect(() => checkSplit({ seed: 1, holdoutShare: 0 })).toThrow(/holdoutShare.*not 0/);
    expect(() => checkSplit({ seed: 1, holdoutShare: Number.NaN })).toThrow(/holdoutShare/);
    expect(() => checkSplit({ seed: 1, holdoutShare: 0.99 })).toThrow(/holdoutShare/);
  });
});
