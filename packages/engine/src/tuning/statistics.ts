import type { Rate } from './types';

/** z for a two-sided 95% interval. */
export const Z95 = 1.959963984540054;

/**
 * A conversion rate with its Wilson score interval: centre (p + z²/2n) / (1 + z²/n), half-width
 * z·√(p(1−p)/n + z²/4n²) / (1 + z²/n). Unlike p ± z·√(p(1−p)/n) it stays within 0 … 1 and is
 * honest for small n and rates near 0 or 1.
 * @example wilson(8, 10) // { leads: 10, converted: 8, rate: 0.8, low: 0.4902, high: 0.9433 } (rounded)
 */
export function wilson(converted: number, leads: number, z = Z95): Rate {
  if (leads <= 0) return { leads: 0, converted: 0, rate: 0, low: 0, high: 0 };
  const p = converted / leads;
  const z2 = z * z;
  const denominator = 1 + z2 / leads;
  const centre = (p + z2 / (2 * leads)) / denominator;
  const half = (z * Math.sqrt((p * (1 - p)) / leads + z2 / (4 * leads * leads))) / denominator;
  return {
    leads,
    converted,
    rate: p,
    // Exact at the edges (0 of n has low 0, n of n has high 1), not 1 − 1e-16.
    low: converted === 0 ? 0 : Math.max(0, centre - half),
    high: converted === leads ? 1 : Math.min(1, centre + half),
  };
}

/**
 * Weight of evidence of a group: ln(share of all converted leads that are in it / share of all
 * not-converted leads that are in it). When the group has no converted or no not-converted
 * lead, both its counts get 0.5 added so the value stays finite. Positive: the group converts
 * more than the rest.
 * @example weightOfEvidence(30, 70, 100, 900) // ln((30/100) / (70/900)) ≈ 1.350
 */
export function weightOfEvidence(
  converted: number,
  notConverted: number,
  totalConverted: number,
  totalNotConverted: number,
): number {
  if (totalConverted <= 0 || totalNotConverted <= 0) return 0;
  const a = converted === 0 || notConverted === 0 ? 0.5 : 0;
  return Math.log((converted + a) / totalConverted / ((notConverted + a) / totalNotConverted));
}

/**
 * A group's part of a field's information value: (share of converted − share of not converted)
 * × WoE. The field's IV is the sum over its groups (Siddiqi's "< 0.02 useless, 0.02–0.1 weak,
 * 0.1–0.3 medium, > 0.3 strong").
 * @example informationValue(30, 70, 100, 900) // (0.3 − 0.0778) × 1.350 ≈ 0.300
 */
export function informationValue(
  converted: number,
  notConverted: number,
  totalConverted: number,
  totalNotConverted: number,
): number {
  if (totalConverted <= 0 || totalNotConverted <= 0) return 0;
  return (
    (converted / totalConverted - notConverted / totalNotConverted) *
    weightOfEvidence(converted, notConverted, totalConverted, totalNotConverted)
  );
}

/**
 * ln(odds of conversion in group a / odds in group b). When a count is 0, every count gets 0.5
 * added (Haldane–Anscombe) so the value stays finite.
 * @example logOddsRatio(20, 80, 100, 900) // ln((20/80) / (100/900)) ≈ 0.811
 */
export function logOddsRatio(
  convertedA: number,
  notConvertedA: number,
  convertedB: number,
  notConvertedB: number,
): number {
  const h =
    convertedA === 0 || notConvertedA === 0 || convertedB === 0 || notConvertedB === 0 ? 0.5 : 0;
  return Math.log(
    (convertedA + h) / (notConvertedA + h) / ((convertedB + h) / (notConvertedB + h)),
  );
}

/**
 * ROC AUC from counts per distinct score: the chance that a random converted lead scores higher
 * than a random not-converted one, ties counting one half (the Mann–Whitney U statistic over
 * positives × negatives). `scores`, `leads` and `converted` are parallel; any order. Null
 * without both a converted and a not-converted lead.
 * @example rocAuc([3, 2, 1], [1, 2, 1], [1, 1, 0]) // (1·3 + 1·1 + 0.5·1·1) / (2·2) = 0.875
 */
export function rocAuc(
  scores: ArrayLike<number>,
  leads: ArrayLike<number>,
  converted: ArrayLike<number>,
): number | null {
  const order = Array.from({ length: scores.length }, (_, i) => i).sort(
    (a, b) => scores[a]! - scores[b]!,
  );
  let negativesBelow = 0;
  let positives = 0;
  let u = 0;
  for (const i of order) {
    const pos = converted[i]!;
    const neg = leads[i]! - pos;
    u += pos * (negativesBelow + neg / 2);
    negativesBelow += neg;
    positives += pos;
  }
  if (positives === 0 || negativesBelow === 0) return null;
  return u / (positives * negativesBelow);
}

/**
 * The roundest number c with low ≤ c < high (fewest significant digits, then the smallest), for
 * cut points people read: between 947 and 1,180 it is 1,000.
 * @example niceCut(947, 1180) // 1000
 */
export function niceCut(low: number, high: number): number {
  if (!(high > low)) return low;
  for (let digits = 1; digits <= 15; digits++) {
    const span = Math.max(Math.abs(low), Math.abs(high));
    const unit = 10 ** (Math.floor(Math.log10(span || 1)) - digits + 1);
    const c = Math.ceil(low / unit) * unit;
    const rounded = Number(c.toPrecision(15));
    if (rounded >= low && rounded < high) return rounded;
  }
  return low;
}

/**
 * Whether a field's bins separate converted from not-converted leads more than chance would: the
 * Pearson χ² of the bins' fit counts against the Wilson–Hilferty normal approximation of the χ²
 * distribution with `degreesOfFreedom`, one-sided at z = 3.09 (p < 0.001). Bins grouped from many
 * options on the same data look strong by construction, so pass the number of options grouped
 * minus one, not the number of bins minus one.
 * @example beyondChance([{ leads: 500, converted: 100 }, { leads: 500, converted: 50 }], 1) // true
 */
export function beyondChance(
  bins: readonly { leads: number; converted: number }[],
  degreesOfFreedom: number,
  z = 3.09,
): boolean {
  let leads = 0;
  let converted = 0;
  for (const bin of bins) {
    leads += bin.leads;
    converted += bin.converted;
  }
  const p = leads > 0 ? converted / leads : 0;
  if (p <= 0 || p >= 1 || degreesOfFreedom < 1) return false;
  let chi2 = 0;
  for (const bin of bins)
    if (bin.leads > 0) chi2 += (bin.converted - bin.leads * p) ** 2 / (bin.leads * p * (1 - p));
  const k = degreesOfFreedom;
  const spread = 2 / (9 * k);
  return (Math.cbrt(chi2 / k) - (1 - spread)) / Math.sqrt(spread) > z;
}
