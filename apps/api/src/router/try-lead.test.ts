import type { AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import type { LeadInput } from '@accord/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccordServer } from '../server';
import { codeOf, servedDemo, type demoCallers } from '../testing';

const DAY = 86_400_000;

/** A lead whose events happened in the last days, so the day it is evaluated as of matters. */
function recentLead(): LeadInput {
  const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString();
  return {
    id: 'recent-1',
    attributes: {
      first_name: 'Ann',
      last_name: 'Lee',
      job_title: 'VP Marketing',
      seniority: 'vp',
      email: 'ann@northwind.com',
      company: 'Northwind',
      company_size: 450,
      industry: 'software',
      lead_source: 'website',
      form_type: 'demo_request',
    },
    events: [
      { type: 'form_submit', at: at(1), props: { form: 'demo_request' } },
      { type: 'pricing_page_view', at: at(2) },
      { type: 'page_view', at: at(3), props: { path: '/pricing', seconds: 90 } },
      { type: 'webinar_attended', at: at(5), props: { webinar: 'Q4', minutes: 50 } },
      { type: 'email_click', at: at(6), props: { campaign: 'launch', url: '/demo' } },
    ],
  };
}

describe.each(testBackends())('simulations.tryLead on $kind', ({ open }) => {
  let database: AccordDatabase;
  let app: AccordServer;
  let as: Awaited<ReturnType<typeof demoCallers>>;
  let workflowId: string;
  let slug: string;
  let key: string;

  beforeAll(async () => {
    database = await open();
    ({ app, as, workflowId, slug, key } = await servedDemo(database));
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('#15: without asOf answers a pasted lead as the REST API does without asOf (both: now)', async () => {
    const lead = recentLead();
    const before = Date.now();
    const tried = await as.marketing.simulations.tryLead({
      workflowId,
      baseline: 'published',
      candidate: 'draft',
      lead,
    });
    const rest = await app.inject({
      method: 'POST',
      url: `/v1/workflows/${slug}/evaluate`,
      headers: { authorization: `Bearer ${key}` },
      payload: { lead },
    });
    expect(rest.statusCode, rest.body).toBe(200);
    const answered = rest.json().results[0];
    expect(tried.asOf.getTime()).toBeGreaterThanOrEqual(before);
    expect(tried.asOf.getTime()).toBeLessThanOrEqual(Date.now());
    expect(tried.baseline.stage).toBe(answered.stage);
    for (const [score, value] of Object.entries(answered.scores as Record<string, number>))
      expect(tried.baseline.scores[score]).toBeCloseTo(value, 1);
    // As of the sample day (2026-01-01) this lead's events lie ahead and it answers otherwise.
    const sampleDay = await as.marketing.simulations.tryLead({
      workflowId,
      baseline: 'published',
      candidate: 'draft',
      lead,
      asOf: new Date('2026-01-01T00:00:00Z'),
    });
    expect(sampleDay.baseline.scores).not.toEqual(tried.baseline.scores);
  });

  it('#15: refuses wrongly typed values with BAD_REQUEST naming the path, and lists unknown attributes', async () => {
    const input = { workflowId, baseline: 'published' as const, candidate: 'draft' as const };
    const email = as.marketing.simulations.tryLead({
      ...input,
      lead: { id: 'x', attributes: { email: 42 }, events: [] },
    });
    await expect(email).rejects.toThrow(
      'lead.attributes.email: expected an email address (text), got 42',
    );
    expect(await codeOf(email)).toBe('BAD_REQUEST');
    const event = as.marketing.simulations.tryLead({
      ...input,
      lead: { id: 'x', attributes: {}, events: [{ type: 'nope', at: 'yesterday' }] },
    });
    await expect(event).rejects.toThrow('lead.events[0].type');
    const size = as.marketing.simulations.tryLead({
      ...input,
      lead: { id: 'x', attributes: { company_size: 'lots' }, events: [] },
    });
    expect(await codeOf(size)).toBe('BAD_REQUEST');
    const extra = await as.marketing.simulations.tryLead({
      ...input,
      lead: { id: 'x', attributes: { compnay_size: 40 }, events: [] },
    });
    expect(extra.warnings.map((w) => w.path)).toEqual(['attributes.compnay_size']);
  });

  it('#18: refuses a lead number past PostgreSQL integer as BAD_REQUEST', async () => {
    const set = await as.ops.leadSets.generate({ name: 'Numbers', count: 5, seed: 3 });
    expect(
      await codeOf(
        as.marketing.simulations.tryLead({
          workflowId,
          baseline: 'published',
          candidate: 'draft',
          fromSet: { leadSetId: set.id, leadNumber: 2_147_483_648 },
        }),
      ),
    ).toBe('BAD_REQUEST');
  });
});
