import type { AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, demoCallers } from '../testing';

/** #17: what the editor, the version view and a lead's two paths name fields with. */
describe.each(testBackends())('versions.catalog and each side’s catalog on $kind', ({ open }) => {
  let database: AccordDatabase;
  let as: Awaited<ReturnType<typeof demoCallers>>;
  let workflowId: string;
  let v1: string;
  beforeAll(async () => {
    database = await open();
    as = await demoCallers(database);
    const seeded = (await as.auditor.workflows.list({})).find((w) => w.publishedVersion)!;
    workflowId = seeded.id;
    v1 = (await as.auditor.versions.list({ workflowId })).at(-1)!.id;
  });
  afterAll(() => database?.close());

  it('#17: a version answers the catalog it pinned, not the workspace’s later one', async () => {
    const live = await as.marketing.fields.catalog();
    await as.marketing.fields.add({
      baseRevision: live.revision,
      field: { id: 'visits', label: 'Visits', type: 'number', category: 'behaviour' },
    });
    const pinned = await as.auditor.versions.catalog({ versionId: v1 });
    expect(pinned.versionId).toBe(v1);
    expect(pinned.catalog.fields.map((f) => f.id)).toEqual(live.catalog.fields.map((f) => f.id));
    expect(pinned.catalog.fields.some((f) => f.id === 'visits')).toBe(false);
    const now = await as.auditor.fields.catalog();
    expect(now.catalog.fields.some((f) => f.id === 'visits')).toBe(true);
  });

  it('#17: trying a lead answers each side’s catalog (the draft’s is the live one)', async () => {
    const tried = await as.marketing.simulations.tryLead({
      workflowId,
      baseline: 'published',
      candidate: 'draft',
      lead: { id: 'l1', attributes: { company_size: 10 }, events: [] },
    });
    expect(tried.baseline.catalog.fields.some((f) => f.id === 'visits')).toBe(false);
    expect(tried.candidate.catalog.fields.some((f) => f.id === 'visits')).toBe(true);
  });

  it('answers NOT_FOUND for a version that is not there', async () => {
    expect(
      await codeOf(
        as.auditor.versions.catalog({ versionId: '00000000-0000-4000-8000-000000000000' }),
      ),
    ).toBe('NOT_FOUND');
  });
});
