import { defaultCatalog } from '../catalog/default-catalog';
import { describe, expect, it } from 'vitest';
import { diffLines, diffWorkflows } from './diff-workflows';
import { defaultWorkflow } from '../defaults/default-workflow';
import { when, field } from '../defaults/builders';
import type { NodeOf } from '../schema/node';
import type { Workflow } from '../schema/workflow';

const scorecard = (w: Workflow, id: string) =>
  w.nodes.find((n) => n.id === id) as NodeOf<'scorecard'>;

describe('diffWorkflows', () => {
  it('finds nothing between equal versions, and ignores layout moves', () => {
    const b = defaultWorkflow();
    b.nodes[3]!.position = { x: 1, y: 2 };
    const diff = diffWorkflows(defaultWorkflow(), b, defaultCatalog);
    expect(diff.unchanged).toBe(true);
    expect(diff.nodes.moved).toEqual([b.nodes[3]!.id]);
    expect(diffLines(diff)).toEqual([]);
  });

  it('names changed rows by label with before and after', () => {
    const b = defaultWorkflow();
    const rows = scorecard(b, 'engagement').data.rows;
    const i = rows.findIndex((r) => r.id === 'pricing_page');
    rows[i]!.points = 20;
    const diff = diffWorkflows(defaultWorkflow(), b, defaultCatalog);
    expect(diff.unchanged).toBe(false);
    expect(diff.nodes.changed).toEqual([
      {
        nodeId: 'engagement',
        label: 'Engagement: what the lead did',
        kind: 'scorecard',
        changes: [
          {
            path: `rows[${i}].points`,
            label: 'Row "Visited the pricing page" points',
            item: 'Visited the pricing page',
            field: 'points',
            before: 15,
            after: 20,
            text: 'Row "Visited the pricing page" points: 15 → 20',
          },
        ],
      },
    ]);
  });

  it('reports rows added, removed, reordered and conditions changed in words', () => {
    const b = defaultWorkflow();
    const fit = scorecard(b, 'fit').data;
    fit.rows.splice(0, 1);
    fit.rows.push({
      id: 'li',
      label: 'LinkedIn profile given',
      category: 'profile',
      points: 3,
      when: when(field('linkedin_url'), 'isSet'),
    });
    fit.rows.reverse();
    const threshold = b.nodes.find((n) => n.id === 'mql_threshold');
    if (threshold?.kind === 'condition')
      threshold.data.when = when(field('company_size'), 'gte', 10);
    const lines = diffLines(diffWorkflows(defaultWorkflow(), b, defaultCatalog));
    expect(lines).toEqual(
      expect.arrayContaining([
        `Changed "Fit: who the lead is": Row "LinkedIn profile given": added ('LinkedIn profile given')`,
        `Changed "Fit: who the lead is": Row "First and last name given": removed (was 'First and last name given')`,
        expect.stringMatching(/^Changed "Fit: who the lead is": Rows order: /),
        'Changed "MQL threshold reached?": Condition: Fit score is at least 40 and Engagement score is at least 30 → Company size (employees) is at least 10',
      ]),
    );
  });

  it('reports steps, connections, stages and scores added, removed and changed', () => {
    const a = defaultWorkflow();
    const b = defaultWorkflow();
    b.nodes = b.nodes.filter((n) => n.id !== 'handover');
    b.nodes.push({
      id: 'note',
      kind: 'assign',
      label: 'Note',
      position: { x: 0, y: 0 },
      data: { tags: [{ tag: 'n', value: 'v' }] },
    });
    b.edges = b.edges.filter((e) => e.source !== 'handover');
    b.edges[0] = { ...b.edges[0]!, target: 'fit' };
    b.stages[1] = { ...b.stages[1]!, label: 'Marketing qualified' };
    b.stages.push({ id: 'won', label: 'Won', order: 9 });
    b.scores = b.scores.filter((s) => s.id !== 'engagement');
    b.scores[0] = { ...b.scores[0]!, max: 120 };
    const diff = diffWorkflows(a, b, defaultCatalog);
    expect(diff.nodes.removed.map((n) => n.id)).toEqual(['handover']);
    expect(diff.nodes.added.map((n) => n.id)).toEqual(['note']);
    expect(diff.edges.removed.map((e) => e.source)).toEqual(['handover']);
    expect(diff.edges.changed[0]?.changes[0]?.text).toBe("To: 'disqualifiers' → 'fit'");
    expect(diff.stages.added.map((s) => s.id)).toEqual(['won']);
    expect(diff.stages.changed[0]?.changes[0]?.text).toBe(
      `Stage "Marketing qualified" label: 'MQL' → 'Marketing qualified'`,
    );
    expect(diff.scores.removed.map((s) => s.id)).toEqual(['engagement']);
    expect(diff.scores.changed[0]?.changes[0]).toMatchObject({
      path: 'max',
      item: 'Fit',
      field: 'maximum',
      before: 100,
      after: 120,
    });
  });
});
