import type { AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import type { Workflow } from '@accord/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, demoCallers } from '../testing';

describe.each(testBackends())('versions.diff and versions.agreement on $kind', ({ open }) => {
  let database: AccordDatabase;
  let as: Awaited<ReturnType<typeof demoCallers>>;
  let workflowId: string;
  let v1: string;
  beforeAll(async () => {
    database = await open();
    as = await demoCallers(database);
    const seeded = (await as.auditor.workflows.list({})).find(
      (w) => w.slug === 'inbound-b2b-qualification',
    )!;
    workflowId = seeded.id;
    v1 = (await as.auditor.versions.list({ workflowId }))[0]!.id;
  });
  afterAll(() => database?.close());

  it('names the changed row and its points between the published version and the draft', async () => {
    const draft = await as.marketing.draft.get({ workflowId });
    const document = structuredClone(draft.document) as Workflow;
    const scorecard = document.nodes.find((n) => n.kind === 'scorecard');
    if (scorecard?.kind !== 'scorecard') throw new Error('the default agreement has a scorecard');
    const row = scorecard.data.rows[0]!;
    const before = row.points;
    row.points = before + 7;
    await as.marketing.draft.save({ workflowId, baseRevision: draft.revision, document });

    const result = await as.auditor.versions.diff({
      workflowId,
      from: { versionId: v1 },
      to: 'draft',
    });
    expect(result.from).toBe('version 1');
    expect(result.to).toBe(`draft revision ${draft.revision + 1}`);
    expect(result.diff.unchanged).toBe(false);
    expect(result.lines.join('\n')).toContain(`${before} → ${before + 7}`);

    const same = await as.auditor.versions.diff({ workflowId, from: 'draft', to: 'draft' });
    expect(same.diff.unchanged).toBe(true);
  });

  it('answers NOT_FOUND for an unknown version or a version of another workflow', async () => {
    const other = await as.marketing.workflows.create({ name: 'Other', from: 'default' });
    expect(
      await codeOf(
        as.auditor.versions.diff({ workflowId: other.id, from: { versionId: v1 }, to: 'draft' }),
      ),
    ).toBe('NOT_FOUND');
    expect(
      await codeOf(
        as.auditor.versions.agreement({ versionId: '00000000-0000-4000-8000-000000000000' }),
      ),
    ).toBe('NOT_FOUND');
  });

  it('gives the plain-language agreement of a version as sections and Markdown', async () => {
    const agreement = await as.auditor.versions.agreement({ versionId: v1 });
    expect(agreement.number).toBe(1);
    expect(agreement.doc.sections.length).toBeGreaterThan(0);
    expect(agreement.markdown.startsWith('# ')).toBe(true);
    expect(agreement.markdown).toMatch(/MQL/);
  });
});
