/** How tuning numbers read on the pages: shares and conversions as %, lift as ×. */

/**
 * A share or a rate as a percentage with one decimal, as the simulation results show them.
 * @example percent(0.0834) // '8.3%'
 */
export function percent(x: number | null | undefined): string {
  if (x === null || x === undefined || !Number.isFinite(x)) return '—';
  return `${(x * 100).toFixed(1)}%`;
}

/**
 * A lift as a multiple of the rest's conversion.
 * @example liftText(1.834) // '1.83×'
 */
export function liftText(lift: number | null | undefined): string {
  if (lift === null || lift === undefined || !Number.isFinite(lift)) return '—';
  return `${lift.toFixed(2)}×`;
}

/**
 * A 95% interval of a rate, e.g. Wilson's.
 * @example intervalText([0.49, 0.943]) // '49.0–94.3%'
 */
export function intervalText(interval: readonly [number, number] | null | undefined): string {
  if (!interval) return '—';
  return `${(interval[0] * 100).toFixed(1)}–${(interval[1] * 100).toFixed(1)}%`;
}

/**
 * Which part of the split a number comes from, in words.
 * @example splitText('holdout', 0.3, 1) // 'judged on the held-out 30%, seed 1'
 */
export function splitText(
  part: 'fit' | 'holdout' | 'all',
  holdoutShare: number,
  seed: number | string,
) {
  const held = Math.round(holdoutShare * 100);
  if (part === 'holdout') return `judged on the held-out ${held}%, seed ${seed}`;
  if (part === 'fit') return `fitted on the other ${100 - held}%, seed ${seed}`;
  return 'on every lead of the set';
}
