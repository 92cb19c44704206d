import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../catalog/default-catalog';
import { generateLeads } from '../generate/generate-leads';
import type { Lead } from '../schema/lead';
import { scorecardWorkflow } from './draft-scorecard';
import { createRulePass } from './rule-pass';
import { createSignals } from './signals';
import { splitter } from './split';
import { informationValue, weightOfEvidence } from './statistics';

const AS_OF = Date.UTC(2026, 0, 1);
const split = { seed: 5, holdoutShare: 0.3 };

describe('createSignals on a small set', () => {
  // lead_source: webinar 1,000 (every 2nd converts), website 1,500 (every 10th), referral 500
  // (3 in 10), and 200 with none.
  const leads: Lead[] = [];
  const add = (n: number, source: string | undefined, converts: (i: number) => boolean) => {
    for (let i = 0; i < n; i++)
      leads.push({
        id: `${source ?? 'none'}-${i}`,
        attributes:
          source === undefined ? {} : { lead_source: i % 2 ? source : ` ${source.toUpperCase()} ` },
        events: [],
        outcome: { converted: converts(i) },
      });
  };
  add(1000, 'webinar', (i) => i % 2 === 0);
  add(1500, 'website', (i) => i % 10 === 0);
  add(500, 'referral', (i) => i % 10 < 3);
  add(200, undefined, (i) => i % 4 === 0);
  const signals = createSignals(defaultCatalog, split, { asOf: AS_OF, fields: ['lead_source'] });
  signals.add(leads.slice(0, 1234));
  signals.add(leads.slice(1234));
  const report = signals.result();
  const source = report.fields[0]!;
  const partOf = splitter(split);
  const fit = leads.filter((l) => partOf(l.id) === 'fit');
  const C = fit.filter((l) => l.outcome!.converted).length;
  const N = fit.length - C;

  it('counts each option as the evaluator reads it (trimmed, any case), and missing apart', () => {
    expect(source.bins.map((b) => b.label).sort()).toEqual([
      'Referral',
      'Webinar',
      'Website',
      'missing',
    ]);
    for (const bin of source.bins) {
      const mine = fit.filter((l) => {
        const v = l.attributes.lead_source;
        const text = typeof v === 'string' ? v.trim().toLowerCase() : undefined;
        return bin.key === 'missing' ? text === undefined : bin.values!.includes(text!);
      });
      const c = mine.filter((l) => l.outcome!.converted).length;
      expect(bin.fit.leads, bin.label).toBe(mine.length);
      expect(bin.fit.converted, bin.label).toBe(c);
      expect(bin.fit.woe).toBeCloseTo(weightOfEvidence(c, mine.length - c, C, N), 12);
      expect(bin.iv).toBeCloseTo(informationValue(c, mine.length - c, C, N), 12);
    }
    expect(source.iv.fit).toBeCloseTo(
      source.bins.reduce((s, b) => s + b.iv, 0),
      12,
    );
    expect(source.bins.reduce((s, b) => s + b.fit.leads + b.holdout.leads, 0)).toBe(leads.length);
    expect(source.strength).toBe('strong');
  });

  it('gives the same result read in one chunk or many', () => {
    const once = createSignals(defaultCatalog, split, { asOf: AS_OF, fields: ['lead_source'] });
    once.add(leads);
    expect(once.result()).toEqual(report);
  });
});

describe('createSignals on generated leads', () => {
  const leads = generateLeads({ count: 20_000, seed: 11, asOf: AS_OF, outcome: 'model' });
  const signals = createSignals(defaultCatalog, split, { asOf: AS_OF });
  for (let i = 0; i < leads.length; i += 3_000) signals.add(leads.slice(i, i + 3_000));
  const report = signals.result();
  const byField = (id: string) => report.fields.find((f) => f.field === id)!;

  it('ranks fields by fit information value', () => {
    const ivs = report.fields.map((f) => f.iv.fit);
    expect(ivs).toEqual([...ivs].sort((a, b) => b - a));
    expect(report.fields[0]!.field).toBe('company_size');
  });

  it('bins numbers and dates monotone where the rate rises or falls, with readable cuts', () => {
    const size = byField('company_size');
    expect(size.monotone).toBe(true);
    const woe = size.bins.filter((b) => b.key !== 'missing').map((b) => b.fit.woe);
    expect(woe).toEqual([...woe].sort((a, b) => a - b));
    expect(size.bins[0]!.label).toMatch(/^up to [\d,]+$/);
    expect(size.bins.at(-1)!.label).toMatch(/^over [\d,]+$/);
    const activity = byField('last_activity_at');
    expect(activity.bins[0]!.label).toMatch(/^in the last \d+ days$/);
    const recent = activity.bins.filter((b) => b.key !== 'missing').map((b) => b.fit.woe);
    expect(recent).toEqual([...recent].sort((a, b) => b - a));
    // Free text with thousands of values: judged on given vs missing only.
    expect(byField('email').bins.map((b) => b.key)).toEqual(['present']);
  });

  it('gives every bin a condition that picks exactly its leads (compiled and counted)', () => {
    for (const id of [
      'company_size',
      'last_activity_at',
      'lead_source',
      'added_to_cart',
      'phone',
      'seniority',
    ]) {
      const signal = byField(id);
      const workflow = scorecardWorkflow({
        score: 'fit',
        rows: signal.bins.map((b, i) => ({
          id: `b${i}`,
          label: b.label,
          category: 'profile',
          when: b.when,
          points: 1,
        })),
      });
      const pass = createRulePass(workflow, defaultCatalog, split, { asOf: AS_OF });
      pass.add(leads);
      const evidence = pass.evidence();
      signal.bins.forEach((bin, i) => {
        const rule = evidence.rules[i]!;
        expect(rule.fit.fired, `${id} ${bin.label} fit`).toBe(bin.fit.leads);
        expect(rule.holdout.fired, `${id} ${bin.label} holdout`).toBe(bin.holdout.leads);
      });
    }
  });

  it('judges the bins on the holdout part as well', () => {
    const size = byField('company_size');
    expect(size.iv.holdout).toBeGreaterThan(0.3);
    expect(size.bins.reduce((s, b) => s + b.holdout.leads, 0)).toBe(report.split.holdout.leads);
  });
});
