import { describe, expect, it } from 'vitest';
import { generateLeads } from './generate-leads';
import { noiseFieldDefs, outcomeLogit, OUTCOME_MODEL } from './outcome-model';

const AS_OF = Date.UTC(2026, 0, 1);

describe('generateLeads in outcome mode', () => {
  const leads = generateLeads({
    count: 40_000,
    seed: 4,
    asOf: AS_OF,
    outcome: 'model',
    noiseFields: 3,
  });

  it('is deterministic and adds the modelled and noise fields', () => {
    expect(
      generateLeads({ count: 50, seed: 4, asOf: AS_OF, outcome: 'model', noiseFields: 3 }),
    ).toEqual(leads.slice(0, 50));
    const first = leads[0]!.attributes;
    expect(typeof first.last_activity_at).toBe('string');
    expect(typeof first.added_to_cart).toBe('boolean');
    expect(typeof first.noise_1).toBe('number');
    expect(typeof first.noise_2).toBe('string');
    expect(typeof first.noise_3).toBe('boolean');
    expect(noiseFieldDefs(3).map((f) => f.type)).toEqual(['number', 'enum', 'boolean']);
    // The realistic mode is left as it was.
    const realistic = generateLeads({ count: 5, seed: 4, asOf: AS_OF });
    expect(realistic[0]!.attributes.noise_1).toBeUndefined();
    expect(realistic[0]!.attributes.last_activity_at).toBeUndefined();
  });

  it('draws outcomes from the documented logistic model (calibrated per band of the logit)', () => {
    const bands = new Map<number, { n: number; converted: number; p: number }>();
    for (const lead of leads) {
      const logit = outcomeLogit(lead.attributes, AS_OF);
      const band = Math.max(-4, Math.min(2, Math.round(logit)));
      const b = bands.get(band) ?? { n: 0, converted: 0, p: 0 };
      b.n++;
      b.converted += lead.outcome.converted ? 1 : 0;
      b.p += 1 / (1 + Math.exp(-logit));
      bands.set(band, b);
    }
    for (const [band, b] of bands) {
      if (b.n < 1000) continue;
      const expected = b.p / b.n;
      const sd = Math.sqrt((expected * (1 - expected)) / b.n);
      expect(Math.abs(b.converted / b.n - expected), `band ${band}`).toBeLessThan(4 * sd + 0.005);
    }
    expect(OUTCOME_MODEL.leadSource.referral).toBeGreaterThan(
      OUTCOME_MODEL.leadSource.purchased_list!,
    );
  });
});
