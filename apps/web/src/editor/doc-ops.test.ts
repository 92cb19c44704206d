import { describe, expect, it } from 'vitest';
import { freeSpot } from './doc-ops';

describe('freeSpot', () => {
  it('keeps the wanted point when it is free and moves off occupied ground', () => {
    const size = { width: 200, height: 100 };
    expect(freeSpot({ x: 0, y: 0 }, size, [])).toEqual({ x: 0, y: 0 });
    const taken = [{ x: 0, y: 0, width: 200, height: 100 }];
    const spot = freeSpot({ x: 0, y: 0 }, size, taken);
    const overlaps =
      spot.x < 200 + 30 && spot.x + 200 + 30 > 0 && spot.y < 100 + 30 && spot.y + 100 + 30 > 0;
    expect(overlaps).toBe(false);
  });
});
