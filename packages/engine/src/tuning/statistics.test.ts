import { describe, expect, it } from 'vitest';
import {
  beyondChance,
  informationValue,
  logOddsRatio,
  niceCut,
  rocAuc,
  weightOfEvidence,
  wilson,
} from './statistics';

describe('wilson', () => {
  it('gives the textbook interval for 8 of 10 at 95%: [0.490, 0.943]', () => {
    const r = wilson(8, 10);
    expect(r.rate).toBe(0.8);
    expect(r.low).toBeCloseTo(0.4902, 4);
    expect(r.high).toBeCloseTo(0.9433, 4);
  });

  it('stays within 0 … 1 at the edges (0 of 10: [0, 0.278]) and is empty without leads', () => {
    const none = wilson(0, 10);
    expect(none.low).toBe(0);
    expect(none.high).toBeCloseTo(0.2775, 4);
    const all = wilson(10, 10);
    expect(all.high).toBe(1);
    expect(all.low).toBeCloseTo(0.7225, 4);
    expect(wilson(0, 0)).toEqual({ leads: 0, converted: 0, rate: 0, low: 0, high: 0 });
  });
});

describe('weight of evidence and information value', () => {
  // A worked example: three groups of (converted, not converted) = (10, 90), (30, 70), (60, 40);
  // 100 converted and 200 not converted in all.
  const groups = [
    [10, 90],
    [30, 70],
    [60, 40],
  ] as const;

  it('equals ln(%converted / %not converted) per group and sums to the IV', () => {
    const woe = groups.map(([c, n]) => weightOfEvidence(c, n, 100, 200));
    expect(woe[0]).toBeCloseTo(Math.log(0.1 / 0.45), 10); // -1.5041
    expect(woe[1]).toBeCloseTo(Math.log(0.3 / 0.35), 10); // -0.1542
    expect(woe[2]).toBeCloseTo(Math.log(0.6 / 0.2), 10); // 1.0986
    expect(woe[0]).toBeCloseTo(-1.5041, 4);
    const iv = groups.reduce((s, [c, n]) => s + informationValue(c, n, 100, 200), 0);
    expect(iv).toBeCloseTo(
      (0.1 - 0.45) * woe[0]! + (0.3 - 0.35) * woe[1]! + (0.6 - 0.2) * woe[2]!,
      10,
    );
    expect(iv).toBeCloseTo(0.9736, 4);
  });

  it('stays finite for a group where nobody converted (0.5 added to its counts)', () => {
    expect(weightOfEvidence(0, 50, 100, 200)).toBeCloseTo(Math.log(0.5 / 100 / (50.5 / 200)), 10);
    expect(Number.isFinite(informationValue(0, 50, 100, 200))).toBe(true);
  });

  it('log-odds ratio: ln(odds a / odds b), Haldane-corrected only with a zero count', () => {
    expect(logOddsRatio(20, 80, 100, 900)).toBeCloseTo(Math.log(20 / 80 / (100 / 900)), 10);
    expect(logOddsRatio(5, 0, 10, 10)).toBeCloseTo(Math.log(5.5 / 0.5 / (10.5 / 10.5)), 10);
  });
});

describe('rocAuc', () => {
  /** Brute force: over all converted × not-converted pairs, 1 if the converted one scores higher, ½ on a tie. */
  const pairwise = (scores: number[], labels: number[]) => {
    let u = 0;
    let pairs = 0;
    scores.forEach((a, i) =>
      scores.forEach((b, j) => {
        if (labels[i] === 1 && labels[j] === 0) {
          pairs++;
          u += a > b ? 1 : a === b ? 0.5 : 0;
        }
      }),
    );
    return u / pairs;
  };
  const grouped = (scores: number[], labels: number[]) => {
    const map = new Map<number, [number, number]>();
    scores.forEach((s, i) => {
      const e = map.get(s) ?? [0, 0];
      e[0]++;
      e[1] += labels[i]!;
      map.set(s, e);
    });
    const keys = [...map.keys()];
    return rocAuc(
      keys,
      keys.map((k) => map.get(k)![0]),
      keys.map((k) => map.get(k)![1]),
    );
  };

  it('equals the pairwise count on a known ranking (ten scores, 18 of 24 pairs in order)', () => {
    const scores = [0.9, 0.8, 0.7, 0.6, 0.55, 0.54, 0.53, 0.52, 0.51, 0.505];
    const labels = [1, 1, 0, 1, 1, 1, 0, 0, 1, 0];
    expect(grouped(scores, labels)).toBeCloseTo(pairwise(scores, labels), 12);
    expect(grouped(scores, labels)).toBeCloseTo(18 / 24, 12);
  });

  it('counts ties one half', () => {
    const scores = [3, 3, 2, 2, 1, 1, 1];
    const labels = [1, 0, 1, 0, 1, 0, 0];
    expect(grouped(scores, labels)).toBeCloseTo(pairwise(scores, labels), 12);
    expect(grouped([5, 5, 5, 5], [1, 0, 1, 0])).toBe(0.5);
    expect(grouped([2, 1], [1, 0])).toBe(1);
    expect(grouped([2, 1], [0, 1])).toBe(0);
    expect(grouped([2, 1], [1, 1])).toBeNull();
  });
});

describe('niceCut', () => {
  it('picks the roundest number at or above the low end, below the high end', () => {
    expect(niceCut(947, 1180)).toBe(1000);
    expect(niceCut(1000, 1001)).toBe(1000);
    expect(niceCut(12, 13)).toBe(12);
    expect(niceCut(0.31, 0.52)).toBe(0.4);
    expect(niceCut(-12, -3)).toBe(-10);
    expect(niceCut(5, 5)).toBe(5);
  });
});

describe('beyondChance', () => {
  it('follows the χ² table: 10.83 is the 0.1% point at one degree of freedom', () => {
    // 2 × 2 table with χ² ≈ 11.5 (> 10.83) and one with χ² ≈ 9.6 (< 10.83).
    expect(
      beyondChance(
        [
          { leads: 100, converted: 60 },
          { leads: 100, converted: 36 },
        ],
        1,
      ),
    ).toBe(true);
    expect(
      beyondChance(
        [
          { leads: 100, converted: 58 },
          { leads: 100, converted: 36 },
        ],
        1,
      ),
    ).toBe(false);
  });

  it('asks more of bins grouped from many options', () => {
    const bins = [
      { leads: 400, converted: 80 },
      { leads: 400, converted: 40 },
    ];
    expect(beyondChance(bins, 1)).toBe(true);
    expect(beyondChance(bins, 40)).toBe(false);
  });

  it('is false without both outcomes or degrees of freedom', () => {
    expect(beyondChance([{ leads: 10, converted: 0 }], 3)).toBe(false);
    expect(beyondChance([{ leads: 10, converted: 5 }], 0)).toBe(false);
  });
});
