import { seedOf } from '../generate/prng';
import type { SplitOptions, SplitPart } from './types';

/** Smallest and largest holdout share accepted. */
export const MIN_HOLDOUT_SHARE = 0.05;
export const MAX_HOLDOUT_SHARE = 0.95;

/**
 * The split's options checked: a holdout share outside 0.05 … 0.95 (or not a number) throws a
 * RangeError naming it.
 * @example checkSplit({ seed: 1, holdoutShare: 0.3 }) // { seed: 1, holdoutShare: 0.3 }
 */
export function checkSplit(split: SplitOptions): SplitOptions {
  const share = split.holdoutShare;
  if (typeof share !== 'number' || !(share >= MIN_HOLDOUT_SHARE && share <= MAX_HOLDOUT_SHARE))
    throw new RangeError(
      `holdoutShare must be between ${MIN_HOLDOUT_SHARE} and ${MAX_HOLDOUT_SHARE}, not ${String(share)}`,
    );
  return { seed: split.seed, holdoutShare: share };
}

/**
 * A function giving each lead id its part: a 32-bit hash of the id (FNV-1a) mixed with the seed
 * (murmur3's finaliser), read as a number in [0, 1); below the holdout share is `holdout`. The
 * same id, seed and share give the same part on every run and in every order, and the parts do
 * not depend on which other leads are in the set.
 * @example const partOf = splitter({ seed: 7, holdoutShare: 0.3 }); partOf('lead-42') // 'fit'
 */
export function splitter(split: SplitOptions): (leadId: string) => SplitPart {
  const { holdoutShare } = checkSplit(split);
  const seed = seedOf(split.seed);
  const cut = Math.floor(holdoutShare * 4294967296);
  return (leadId) => (splitHash(leadId, seed) < cut ? 'holdout' : 'fit');
}

/** FNV-1a of the id, xor the seed, through murmur3's 32-bit finaliser. */
function splitHash(id: string, seed: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  h ^= seed;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
