import { appendLeads, createLeadSet, finishLeadSet, type AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import {
  createRulePass,
  createSignals,
  DEFAULT_SAMPLE_AS_OF,
  generateLeads,
  parseWorkflow,
  suggestPoints,
  type Lead,
} from '@accord/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runManagerFor } from '../simulation/run-manager';
import { codeOf, demoCallers } from '../testing';

type Callers = Awaited<ReturnType<typeof demoCallers>>;

const COUNT = 3_000;
const SEED = 5;
const split = { seed: 9, holdoutShare: 0.3 };

describe.each(testBackends())('tuning on $kind', ({ open }) => {
  let database: AccordDatabase;
  let as: Callers;
  let workflowId: string;
  let leadSetId: string;
  beforeAll(async () => {
    database = await open();
    as = await demoCallers(database);
    workflowId = (await as.admin.workflows.list({})).find((w) => w.publishedVersion)!.id;
    const set = await as.ops.leadSets.generate({
      name: 'Outcomes',
      count: COUNT,
      seed: SEED,
      outcome: 'model',
    });
    leadSetId = set!.id;
  });
  afterAll(async () => {
    if (database) await runManagerFor(database.db).shutdown();
    await database?.close();
  });

  const sameLeads = () =>
    generateLeads({ count: COUNT, seed: SEED, asOf: DEFAULT_SAMPLE_AS_OF, outcome: 'model' });

  it('answers evidence per rule equal to the engine on the same leads (auditors may read it)', async () => {
    const evidence = await as.auditor.tuning.evidence({ workflowId, leadSetId, ...split });
    const draft = await as.admin.draft.get({ workflowId });
    const { catalog } = await as.admin.fields.catalog();
    const parsed = parseWorkflow(draft.document);
    if (!parsed.ok) throw new Error('the demo draft parses');
    const pass = createRulePass(parsed.workflow, catalog, split, { asOf: DEFAULT_SAMPLE_AS_OF });
    pass.add(sameLeads());
    const { side, ...report } = evidence;
    expect(report).toEqual(pass.evidence());
    expect(side).toEqual({
      label: `Draft (revision ${draft.revision})`,
      versionId: null,
      draftRevision: draft.revision,
    });
    expect(evidence.split.fit.leads + evidence.split.holdout.leads).toBe(COUNT);
    expect(evidence.rules.some((r) => r.kind === 'scorecardRow')).toBe(true);
    expect(evidence.rules.some((r) => r.kind === 'condition')).toBe(true);
    // The same question again is answered from the cache, identically.
    expect(await as.sales.tuning.evidence({ workflowId, leadSetId, ...split })).toEqual(evidence);
    // The published version's rules, named as such.
    const versionId = (await as.admin.workflows.get({ workflowId })).publishedVersionId!;
    const published = await as.auditor.tuning.evidence({
      workflowId,
      leadSetId,
      ...split,
      side: { versionId },
    });
    expect(published.side.versionId).toBe(versionId);
  });

  it('answers signals and suggested points equal to the engine', async () => {
    const signals = await as.marketing.tuning.signals({ leadSetId, ...split });
    const { catalog } = await as.admin.fields.catalog();
    const engine = createSignals(catalog, split, { asOf: DEFAULT_SAMPLE_AS_OF });
    engine.add(sameLeads());
    expect(signals).toEqual(engine.result());
    expect(['company_size', 'last_activity_at']).toContain(signals.fields[0]!.field);

    const points = await as.marketing.tuning.suggestPoints({
      workflowId,
      leadSetId,
      ...split,
      step: 5,
    });
    const evidence = await as.marketing.tuning.evidence({ workflowId, leadSetId, ...split });
    const draft = parseWorkflow((await as.admin.draft.get({ workflowId })).document);
    if (!draft.ok) throw new Error('the demo draft parses');
    const { side: _side, ...report } = points;
    expect(report).toEqual(suggestPoints(draft.workflow, evidence, { step: 5, shrinkage: 100 }));
  });

  it('refuses bad input with a clear error', async () => {
    expect(await codeOf(as.admin.tuning.signals({ leadSetId, seed: 1, holdoutShare: 0 }))).toBe(
      'BAD_REQUEST',
    );
    expect(
      await codeOf(
        as.admin.tuning.signals({
          leadSetId: '00000000-0000-4000-8000-000000000000',
          seed: 1,
          holdoutShare: 0.3,
        }),
      ),
    ).toBe('NOT_FOUND');
    // A set without outcomes cannot be judged on outcomes.
    const bare = await createLeadSet(database.db, {
      workspaceId: as.users.admin.workspace_id,
      name: 'No outcomes',
      source: { kind: 'test' },
      createdBy: null,
    });
    const lead: Lead = { id: 'a', attributes: { company_size: 5 }, events: [] };
    await appendLeads(database.db, bare.id, 0, [lead]);
    await finishLeadSet(database.db, bare.id, { leadCount: 1, hasOutcomes: false });
    const refused = as.admin.tuning.evidence({
      workflowId,
      leadSetId: bare.id,
      seed: 1,
      holdoutShare: 0.3,
    });
    await expect(refused).rejects.toThrow(/has no outcomes/);
    expect(
      await codeOf(as.admin.tuning.signals({ leadSetId: bare.id, seed: 1, holdoutShare: 0.3 })),
    ).toBe('PRECONDITION_FAILED');
  });

  it('applies suggested points and a threshold as draft edits, audited with their author', async () => {
    const points = await as.marketing.tuning.suggestPoints({
      workflowId,
      leadSetId,
      ...split,
      step: 5,
    });
    const card = points.scorecards.find(
      (c) => c.rows.filter((r) => r.suggested !== null).length >= 2,
    )!;
    const rows = card.rows
      .filter((r) => r.suggested !== null && r.suggested !== r.current)
      .slice(0, 2)
      .map((r) => ({ rowId: r.rowId, points: r.suggested! }));
    expect(rows).toHaveLength(2);
    const before = await as.marketing.draft.get({ workflowId });
    // Only the draft's authors may apply; auditors and ops read.
    expect(
      await codeOf(
        as.auditor.tuning.applyPoints({
          workflowId,
          baseRevision: before.revision,
          nodeId: card.nodeId,
          rows,
        }),
      ),
    ).toBe('FORBIDDEN');
    expect(
      await codeOf(
        as.ops.tuning.applyPoints({
          workflowId,
          baseRevision: before.revision,
          nodeId: card.nodeId,
          rows,
        }),
      ),
    ).toBe('FORBIDDEN');
    const saved = await as.marketing.tuning.applyPoints({
      workflowId,
      baseRevision: before.revision,
      nodeId: card.nodeId,
      rows,
    });
    expect(saved.revision).toBe(before.revision + 1);

    const thresholds = await as.sales.tuning.thresholds({ workflowId, leadSetId, ...split });
    const score = thresholds.scores.find((s) => s.sites.length > 0)!;
    const site = score.sites[0]!;
    const value = site.value + 5;
    // A stale base revision is a conflict, as for any draft save.
    expect(
      await codeOf(
        as.sales.tuning.applyThreshold({ workflowId, baseRevision: before.revision, site, value }),
      ),
    ).toBe('CONFLICT');
    const again = await as.sales.tuning.applyThreshold({
      workflowId,
      baseRevision: saved.revision,
      site,
      value,
    });
    expect(again.revision).toBe(saved.revision + 1);

    const after = parseWorkflow((await as.admin.draft.get({ workflowId })).document);
    if (!after.ok) throw new Error('the draft parses');
    const node = after.workflow.nodes.find((n) => n.id === card.nodeId);
    if (node?.kind !== 'scorecard') throw new Error('the scorecard is still there');
    for (const r of rows)
      expect(node.data.rows.find((x) => x.id === r.rowId)!.points).toBe(r.points);
    const events = await as.auditor.audit.list({ workflowId, action: 'draft.save', limit: 2 });
    const [thresholdEvent, pointsEvent] = events;
    expect(pointsEvent!.actor_id).toBe(as.users.marketing.id);
    expect(pointsEvent!.actor_label).toContain('marketing');
    expect(pointsEvent!.after).toMatchObject({
      revision: saved.revision,
      tuning: 'suggestedPoints',
      nodeId: card.nodeId,
      rows: rows.map((r) => ({ rowId: r.rowId, to: r.points })),
    });
    expect(thresholdEvent!.actor_id).toBe(as.users.sales.id);
    expect(thresholdEvent!.after).toMatchObject({
      tuning: 'threshold',
      nodeId: site.nodeId,
      from: site.value,
      to: value,
    });
    // Evidence follows the new revision.
    const evidence = await as.auditor.tuning.evidence({ workflowId, leadSetId, ...split });
    expect(evidence.side.draftRevision).toBe(again.revision);
  });

  it('drafts a scorecard and applies it into the draft in one audited save', async () => {
    const drafted = await as.sales.tuning.draftScorecard({
      workflowId,
      leadSetId,
      ...split,
      maxRows: 8,
      flagShare: 0.3,
    });
    expect(drafted.data.rows.length).toBeGreaterThan(0);
    expect(drafted.data.rows.length).toBeLessThanOrEqual(8);
    expect(drafted.threshold).not.toBeNull();
    expect(drafted.nodeId).not.toBeNull();
    const { revision } = await as.sales.draft.get({ workflowId });
    const saved = await as.sales.tuning.applyScorecard({
      workflowId,
      baseRevision: revision,
      nodeId: drafted.nodeId!,
      rows: drafted.data.rows,
    });
    expect(saved.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const [event] = await as.auditor.audit.list({ workflowId, action: 'draft.save', limit: 1 });
    expect(event!.actor_id).toBe(as.users.sales.id);
    expect(event!.after).toMatchObject({ tuning: 'draftedScorecard', nodeId: drafted.nodeId });
    expect(
      await codeOf(
        as.sales.tuning.applyScorecard({
          workflowId,
          baseRevision: saved.revision,
          nodeId: 'nope',
          rows: [],
        }),
      ),
    ).toBe('NOT_FOUND');
  });
});
