import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../catalog/default-catalog';
import { extendCatalog } from '../catalog/catalog-index';
import { leadBatches } from '../generate/generate-leads';
import {
  noiseFieldDefs,
  OUTCOME_MODEL_FIELDS,
  OUTCOME_NOISE_FIELDS,
} from '../generate/outcome-model';
import { mulberry32 } from '../generate/prng';
import { scorecardDataSchema } from '../schema/node';
import { draftScorecard, scorecardWorkflow, withDraftThreshold } from './draft-scorecard';
import { createRulePass } from './rule-pass';
import { createSignals } from './signals';

const AS_OF = Date.UTC(2026, 0, 1);
const split = { seed: 1, holdoutShare: 0.3 };

describe('draftScorecard on 200,000 leads of the known outcome model', () => {
  const catalog = extendCatalog(defaultCatalog, { fields: noiseFieldDefs(6) });
  const signals = createSignals(catalog, split, { asOf: AS_OF });
  const options = {
    count: 200_000,
    seed: 19,
    asOf: AS_OF,
    outcome: 'model' as const,
    noiseFields: 6,
  };
  for (const batch of leadBatches({ ...options, batchSize: 10_000 })) signals.add(batch);
  const report = signals.result();
  const draft = draftScorecard(report, catalog, {
    score: 'fit',
    asOf: AS_OF,
    sample: signals.sample(),
  });
  const noise = [...OUTCOME_NOISE_FIELDS, ...noiseFieldDefs(6).map((f) => f.id)];

  it('ranks the model fields by information value like their true weights, noise below 0.02', () => {
    const ranked = report.fields
      .map((f) => f.field)
      .filter((f) => (OUTCOME_MODEL_FIELDS as readonly string[]).includes(f));
    expect(ranked).toEqual([...OUTCOME_MODEL_FIELDS]);
    for (const id of noise)
      expect(report.fields.find((f) => f.field === id)!.iv.fit, id).toBeLessThan(0.02);
  });

  it('drafts at most 12 rows, none on a noise field, with points that rank the fields like the true weights', () => {
    expect(draft.data.rows.length).toBeLessThanOrEqual(12);
    expect(draft.data.rows.length).toBeGreaterThanOrEqual(8);
    for (const row of draft.rows)
      expect(OUTCOME_MODEL_FIELDS as readonly string[]).toContain(row.field);
    // The spread of a field's points (its reference counts 0), per field in the draft.
    const spread = (field: string) => {
      const points = draft.rows.filter((r) => r.field === field).map((r) => r.points);
      return Math.max(0, ...points) - Math.min(0, ...points);
    };
    const present = OUTCOME_MODEL_FIELDS.filter((f) => spread(f) > 0);
    expect(present.slice(0, 3)).toEqual(['company_size', 'last_activity_at', 'lead_source']);
    const spreads = present.map(spread);
    expect(spreads).toEqual([...spreads].sort((a, b) => b - a));
    expect(
      draft.skipped.filter((s) => noise.includes(s.field)).every((s) => s.reason === 'weak'),
    ).toBe(true);
  });

  it('writes rows a person would write, valid as scorecard data', () => {
    expect(scorecardDataSchema.safeParse(draft.data).success).toBe(true);
    const size = draft.rows.find((r) => r.field === 'company_size' && r.points > 0)!;
    expect(size.text).toMatch(/^Company size \(employees\) over [\d,]+ \+\d+$/);
    for (const row of draft.rows) expect(row.text).toMatch(/ [+-]\d+$/);
    expect(new Set(draft.data.rows.map((r) => r.id)).size).toBe(draft.data.rows.length);
  });

  it('sets a threshold that flags about the share asked for, judged on the holdout part', () => {
    const pass = createRulePass(scorecardWorkflow(draft.data), catalog, split, { asOf: AS_OF });
    for (const batch of leadBatches({ ...options, count: 50_000, batchSize: 10_000 }))
      pass.add(batch);
    const curves = pass.thresholds().scores[0]!;
    const judged = withDraftThreshold(draft, curves, 0.3);
    const threshold = judged.threshold!;
    expect(Math.abs(threshold.fit.share - 0.3)).toBeLessThan(0.05);
    expect(Math.abs(threshold.holdout.share - 0.3)).toBeLessThan(0.06);
    expect(threshold.holdout.lift).toBeGreaterThan(1.8);
    expect(curves.holdout.auc).toBeGreaterThan(0.8);
  });

  it('leaves out fields filled in after sales contact unless asked, and refuses a bad row count', () => {
    expect(draft.skipped.some((s) => s.reason === 'leaky')).toBe(true);
    expect(() =>
      draftScorecard(report, catalog, { score: 'fit', asOf: AS_OF, maxRows: 0 }),
    ).toThrow(/maxRows/);
  });
});

describe('draftScorecard on a small set where names carry nothing', () => {
  // 4,000 leads: 60 first names that carry nothing, and a lead source that does. Grouped by
  // their fitted conversion, the names look like a signal (IV well over 0.02); a χ² with as
  // many degrees of freedom as names were grouped says it is chance.
  const random = mulberry32(7);
  const names = Array.from({ length: 60 }, (_, i) => `name${i}`);
  const sources = ['referral', 'webinar', 'paid_search', 'purchased_list'];
  const rates = [0.3, 0.2, 0.1, 0.04];
  const leads = Array.from({ length: 4_000 }, (_, i) => {
    const source = Math.floor(random() * sources.length);
    return {
      id: `L-${i}`,
      attributes: {
        first_name: names[Math.floor(random() * names.length)],
        lead_source: sources[source],
      },
      outcome: { converted: random() < rates[source]! },
    };
  });
  const signals = createSignals(defaultCatalog, split, { asOf: AS_OF });
  signals.add(leads);
  const report = signals.result();
  const draft = draftScorecard(report, defaultCatalog, {
    score: 'fit',
    asOf: AS_OF,
    sample: signals.sample(),
  });

  it('gives the names no row (chance) and the lead source its rows', () => {
    const firstName = report.fields.find((f) => f.field === 'first_name')!;
    expect(firstName.iv.fit).toBeGreaterThan(0.02);
    expect(draft.skipped).toContainEqual({ field: 'first_name', reason: 'chance' });
    expect(draft.rows.some((r) => r.field === 'lead_source')).toBe(true);
    expect(draft.rows.some((r) => r.field === 'first_name')).toBe(false);
  });
});
