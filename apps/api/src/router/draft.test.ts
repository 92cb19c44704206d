import type { AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import {
  describeAuditChange,
  isAuditChangeSummary,
  mergeWorkflows,
  parseWorkflow,
  type NodeOf,
  type Workflow,
  defaultCatalog,
} from '@accord/engine';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, demoCallers } from '../testing';

const fitRow = (doc: Workflow, rowId: string) =>
  (doc.nodes.find((n) => n.id === 'fit') as NodeOf<'scorecard'>).data.rows.find(
    (r) => r.id === rowId,
  )!;

const docOf = (document: unknown) => {
  const parsed = parseWorkflow(document);
  if (!parsed.ok) throw new Error(parsed.errors[0]?.message);
  return parsed.workflow;
};

describe.each(testBackends())('draft.save, draft.revision and merges on $kind', ({ open }) => {
  let database: AccordDatabase;
  let as: Awaited<ReturnType<typeof demoCallers>>;
  let workflowId: string;
  beforeAll(async () => {
    database = await open();
    as = await demoCallers(database);
    const created = await as.marketing.workflows.create({ name: 'Merge story', from: 'default' });
    workflowId = created.id;
  });
  afterAll(() => database?.close());

  it('#15: two teammates edit two rows of the Fit scorecard: both edits survive; the same row asks', async () => {
    const opened = await as.sales.draft.get({ workflowId });
    const base = docOf(opened.document);

    // Marketing changes one row and saves.
    const marketing = structuredClone(base);
    fitRow(marketing, 'title_executive').points = 25;
    const m = await as.marketing.draft.save({
      workflowId,
      baseRevision: opened.revision,
      document: marketing,
    });

    // Sales, still on the old revision, changes another row: CONFLICT naming marketing.
    const sales = structuredClone(base);
    fitRow(sales, 'title_director').points = 12;
    const refused = await as.sales.draft
      .save({ workflowId, baseRevision: opened.revision, document: sales })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(refused).toBeInstanceOf(TRPCError);
    expect((refused as TRPCError).code).toBe('CONFLICT');
    const moved = await as.sales.draft.revision({ workflowId });
    expect(moved).toMatchObject({
      revision: m.revision,
      savedBy: { name: 'Maya Marketing', role: 'marketing' },
    });

    // The editor's merge: theirs is the newest draft; nothing conflicts, both rows are kept.
    const newest = await as.sales.draft.get({ workflowId });
    const merged = mergeWorkflows(base, sales, docOf(newest.document), defaultCatalog);
    expect(merged.conflicts).toEqual([]);
    await as.sales.draft.save({ workflowId, baseRevision: newest.revision, document: merged.doc });
    const after = docOf((await as.auditor.draft.get({ workflowId })).document);
    expect(fitRow(after, 'title_executive').points).toBe(25);
    expect(fitRow(after, 'title_director').points).toBe(12);

    // Both change the same row's points: reported for a choice, not resolved silently.
    const base2 = after;
    const r2 = (await as.sales.draft.revision({ workflowId })).revision;
    const theirs = structuredClone(base2);
    fitRow(theirs, 'title_executive').points = 15;
    await as.marketing.draft.save({ workflowId, baseRevision: r2, document: theirs });
    const mine = structuredClone(base2);
    fitRow(mine, 'title_executive').points = 20;
    expect(
      await codeOf(as.sales.draft.save({ workflowId, baseRevision: r2, document: mine })),
    ).toBe('CONFLICT');
    const newest2 = await as.sales.draft.get({ workflowId });
    const clash = mergeWorkflows(base2, mine, docOf(newest2.document), defaultCatalog);
    expect(clash.conflicts.map((c) => [c.where.join(' › '), c.theirsText, c.mineText])).toEqual([
      ['Fit: who the lead is › Title is VP or C-level › points', '15', '20'],
    ]);
    const chosen = mergeWorkflows(base2, mine, docOf(newest2.document), defaultCatalog, {
      [clash.conflicts[0]!.id]: 'theirs',
    });
    await as.sales.draft.save({
      workflowId,
      baseRevision: newest2.revision,
      document: chosen.doc,
    });
    const final = docOf((await as.auditor.draft.get({ workflowId })).document);
    expect(fitRow(final, 'title_executive').points).toBe(15);
    expect(fitRow(final, 'title_director').points).toBe(12);
  });

  it('#15: the audit log names the step, row and value each draft save changed', async () => {
    const draft = await as.marketing.draft.get({ workflowId });
    const doc = docOf(draft.document);
    fitRow(doc, 'phone').points = 6;
    await as.marketing.draft.save({ workflowId, baseRevision: draft.revision, document: doc });
    const [event] = await as.auditor.audit.list({ workflowId, action: 'draft.save', limit: 1 });
    const after = event!.after as Record<string, unknown>;
    expect(after).toMatchObject({ revision: draft.revision + 1 });
    expect(isAuditChangeSummary(after)).toBe(true);
    if (!isAuditChangeSummary(after)) return;
    expect(after.changes).toEqual([
      {
        step: 'Fit: who the lead is',
        row: 'Direct phone given',
        field: 'points',
        before: 5,
        after: 6,
      },
    ]);
    expect(describeAuditChange(after.changes[0]!)).toBe(
      'Fit: who the lead is › Direct phone given › points: 5 → 6',
    );
  });

  it('draft.revision answers any signed-in role, NOT_FOUND for an unknown workflow', async () => {
    const r = await as.auditor.draft.revision({ workflowId });
    expect(r.revision).toBeGreaterThan(1);
    expect(r.savedAt).toBeInstanceOf(Date);
    expect(
      await codeOf(
        as.auditor.draft.revision({ workflowId: '00000000-0000-4000-8000-000000000000' }),
      ),
    ).toBe('NOT_FOUND');
    expect(await codeOf(as.anonymous.draft.revision({ workflowId }))).toBe('UNAUTHORIZED');
  });
});
