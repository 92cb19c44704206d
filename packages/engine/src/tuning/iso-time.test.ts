import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../catalog/default-catalog';
import { createSignals } from './signals';

describe('signals read dates as the evaluator does', () => {
  it('counts ISO texts, other date texts and epoch numbers alike, and bad dates as missing', () => {
    const asOf = Date.UTC(2026, 0, 1);
    const dates = [
      '2025-12-31T12:00:00.000Z',
      '2025-12-01',
      Date.UTC(2025, 11, 25),
      '2025-02-29T00:00:00.000Z', // no such day: Date.parse refuses it, so missing
      '2025-1a-01T00:00:00.000Z',
      'soon',
    ];
    const signals = createSignals(
      defaultCatalog,
      { seed: 1, holdoutShare: 0.05 },
      { asOf, fields: ['last_activity_at'] },
    );
    signals.add(
      dates.map((d, i) => ({
        id: `d${i}`,
        attributes: { last_activity_at: d },
        outcome: { converted: i % 2 === 0 },
      })),
    );
    const bins = signals.result().fields[0]!.bins;
    const missing = bins.find((b) => b.key === 'missing')!;
    const readable = dates.filter((d) =>
      Number.isFinite(typeof d === 'number' ? d : Date.parse(d)),
    ).length;
    expect(missing.fit.leads + missing.holdout.leads).toBe(dates.length - readable);
    expect(
      bins
        .filter((b) => b.key !== 'missing')
        .reduce((s, b) => s + b.fit.leads + b.holdout.leads, 0),
    ).toBe(readable);
  });
});
