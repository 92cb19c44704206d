import type { AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AccordServer } from '../server';
import { codeOf, servedDemo, type demoCallers } from '../testing';

const asOf = '2026-11-01T00:00:00Z';
const lead = (id: string, attributes: Record<string, unknown>) => ({ id, attributes, events: [] });
const director = { first_name: 'Ann', last_name: 'Lee', job_title: 'Marketing Director' };
const student = { first_name: 'Bo', last_name: 'Kim', job_title: 'Student' };

describe.each(testBackends())('decision log on $kind', ({ open }) => {
  let database: AccordDatabase;
  let app: AccordServer;
  let as: Awaited<ReturnType<typeof demoCallers>>;
  let workflowId: string;
  let slug: string;
  let key: string;

  const evaluate = async (leads: unknown[]) => {
    const res = await app.inject({
      method: 'POST',
      url: `/v1/workflows/${slug}/evaluate`,
      headers: { authorization: `Bearer ${key}` },
      payload: { leads, asOf },
    });
    expect(res.statusCode, res.body).toBe(200);
    return res.json() as { results: { leadId: string; stage?: string; reasons?: unknown }[] };
  };

  beforeAll(async () => {
    database = await open();
    ({ app, as, workflowId, slug, key } = await servedDemo(database));
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('stores nothing while off, which is the default', async () => {
    await evaluate([lead('off-1', director)]);
    const log = await as.auditor.decisions.list({ workflowId });
    expect(log).toEqual({ enabled: false, decisions: [] });
  });

  it('lets only admins switch it, and audits the switch', async () => {
    expect(await codeOf(as.marketing.workflows.setDecisionLog({ workflowId, enabled: true }))).toBe(
      'FORBIDDEN',
    );
    expect(await codeOf(as.ops.workflows.setDecisionLog({ workflowId, enabled: true }))).toBe(
      'FORBIDDEN',
    );
    await as.admin.workflows.setDecisionLog({ workflowId, enabled: true });
    const events = await as.auditor.audit.list({ action: 'workflow.decisionLogOn' });
    expect(events.map((e) => e.entity_id)).toEqual([workflowId]);
    expect((await as.auditor.workflows.get({ workflowId })).decisionLog).toBe(true);
  });

  it('answers "why did lead L get stage S" with what the API answered, from the next request on', async () => {
    const { results } = await evaluate([
      lead('L-1', director),
      { id: 'broken', attributes: 'not an object', events: [] },
      lead('L-2', student),
    ]);
    const log = await as.auditor.decisions.list({ workflowId });
    expect(log.enabled).toBe(true);
    // Newest first; the bad lead got an error, not a decision.
    expect(log.decisions.map((d) => d.leadId)).toEqual(['L-2', 'L-1']);
    const [why] = (await as.auditor.decisions.list({ workflowId, leadId: 'L-1' })).decisions;
    const answered = results.find((r) => r.leadId === 'L-1')!;
    expect(why).toMatchObject({ leadId: 'L-1', version: 1, stage: answered.stage });
    expect(why!.reasons).toEqual(answered.reasons);
    expect(why!.asOf.toISOString()).toBe('2026-11-01T00:00:00.000Z');
    const byStage = await as.auditor.decisions.list({ workflowId, stage: answered.stage! });
    expect(byStage.decisions.every((d) => d.stage === answered.stage)).toBe(true);
    expect(byStage.decisions.map((d) => d.leadId)).toContain('L-1');
  });

  it('pages back through a long log', async () => {
    await evaluate(Array.from({ length: 25 }, (_, i) => lead(`P-${i}`, director)));
    const first = await as.auditor.decisions.list({ workflowId, limit: 10 });
    const second = await as.auditor.decisions.list({
      workflowId,
      limit: 10,
      beforeId: first.decisions.at(-1)!.id,
    });
    expect(first.decisions).toHaveLength(10);
    expect(second.decisions).toHaveLength(10);
    const ids = [...first.decisions, ...second.decisions].map((d) => BigInt(d.id));
    expect(ids).toEqual([...ids].sort((a, b) => (b > a ? 1 : b < a ? -1 : 0)));
    expect(new Set(ids).size).toBe(20);
    expect(
      await codeOf(as.auditor.decisions.list({ workflowId, beforeId: '1; drop table decisions' })),
    ).toBe('BAD_REQUEST');
  });

  it('stops logging on the next request once switched off', async () => {
    await as.admin.workflows.setDecisionLog({ workflowId, enabled: false });
    await evaluate([lead('after-off', director)]);
    const log = await as.auditor.decisions.list({ workflowId, leadId: 'after-off' });
    expect(log).toEqual({ enabled: false, decisions: [] });
  });

  it('does not show another workspace the log', async () => {
    expect(
      await codeOf(
        as.auditor.decisions.list({ workflowId: '00000000-0000-4000-8000-000000000000' }),
      ),
    ).toBe('NOT_FOUND');
  });
});
