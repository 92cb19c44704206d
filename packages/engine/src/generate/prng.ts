/**
 * mulberry32: a tiny, fast, seedable PRNG (same seed, same sequence) for sample data.
 * @example const random = mulberry32(42); random(); // 0.6011…
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A 32-bit seed from a number or a text (FNV-1a).
 * @example seedOf('demo') === seedOf('demo') // true
 */
export function seedOf(seed: number | string): number {
  if (typeof seed === 'number') return Number.isFinite(seed) ? Math.trunc(seed) >>> 0 : 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
