import { defaultCatalog } from '../catalog/default-catalog';
import { describe, expect, it } from 'vitest';
import { generateLeads, leadBatches } from './generate-leads';
import { mulberry32, seedOf } from './prng';
import { parseLead } from '../schema/parse-workflow';
import { compile } from '../compile/compile';
import { defaultWorkflow } from '../defaults/default-workflow';
import { isFreeEmail, toText } from '../runtime/values';

const asOf = '2026-01-01T00:00:00Z';

describe('generateLeads', () => {
  it('is deterministic: same seed, same leads; another seed, other leads', () => {
    const a = generateLeads({ count: 200, seed: 7, asOf });
    expect(generateLeads({ count: 200, seed: 7, asOf })).toEqual(a);
    expect(generateLeads({ count: 200, seed: 8, asOf })).not.toEqual(a);
    expect(generateLeads({ count: 50, seed: 'demo', asOf })).toEqual(
      generateLeads({ count: 50, seed: 'demo', asOf }),
    );
  });

  it('streams the same leads in batches', () => {
    const all = generateLeads({ count: 2500, seed: 3, asOf });
    const batches = [...leadBatches({ count: 2500, seed: 3, asOf, batchSize: 1000 })];
    expect(batches.map((b) => b.length)).toEqual([1000, 1000, 500]);
    expect(batches.flat()).toEqual(all);
  });

  it('produces valid leads with events in the 180 days before asOf', () => {
    const end = Date.parse(asOf);
    for (const lead of generateLeads({ count: 500, seed: 1, asOf })) {
      expect(parseLead(lead).ok).toBe(true);
      for (const e of lead.events) {
        expect(e.at as number).toBeLessThanOrEqual(end);
        expect(e.at as number).toBeGreaterThanOrEqual(end - 180 * 86_400_000);
      }
    }
  });

  it('has realistic mixes and outcomes that follow the signals', () => {
    const leads = generateLeads({ count: 10_000, seed: 42, asOf });
    const share = (f: (l: (typeof leads)[number]) => boolean) =>
      leads.filter(f).length / leads.length;
    const title = (l: (typeof leads)[number]) => toText(l.attributes.job_title) ?? '';
    expect(share((l) => isFreeEmail(toText(l.attributes.email)))).toBeGreaterThan(0.18);
    expect(share((l) => isFreeEmail(toText(l.attributes.email)))).toBeLessThan(0.32);
    for (const word of ['director', 'vp', 'manager', 'procurement', 'student'])
      expect(share((l) => title(l).includes(word))).toBeGreaterThan(0.01);
    expect(share((l) => (l.attributes.company_size as number) >= 1000)).toBeGreaterThan(0.05);
    expect(share((l) => (l.attributes.company_size as number) < 50)).toBeGreaterThan(0.2);
    expect(share((l) => l.attributes.buying_cycle !== undefined)).toBeGreaterThan(0.02);
    expect(share((l) => l.outcome.converted)).toBeGreaterThan(0.02);
    expect(share((l) => l.outcome.converted)).toBeLessThan(0.4);
    const types = new Set(leads.flatMap((l) => l.events.map((e) => e.type)));
    for (const t of [
      'page_view',
      'email_click',
      'form_submit',
      'webinar_attended',
      'trade_show_conversation',
      'quote_request',
    ])
      expect(types.has(t)).toBe(true);

    const compiled = compile(defaultWorkflow(), defaultCatalog);
    if (!compiled.ok) throw new Error('default must compile');
    const rate = (stages: string[]) => {
      const hit = leads.filter((l) => stages.includes(compiled.evaluate(l, { asOf }).stage));
      return hit.filter((l) => l.outcome.converted).length / hit.length;
    };
    expect(rate(['sql', 'sal'])).toBeGreaterThan(2 * rate(['nurture']));
    expect(rate(['disqualified'])).toBeLessThan(rate(['nurture']));
  });
});

describe('mulberry32', () => {
  it('is a deterministic stream in [0, 1)', () => {
    const a = mulberry32(seedOf('x'));
    const b = mulberry32(seedOf('x'));
    const xs = Array.from({ length: 1000 }, () => a());
    expect(Array.from({ length: 1000 }, () => b())).toEqual(xs);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(new Set(xs).size).toBeGreaterThan(990);
  });
});
