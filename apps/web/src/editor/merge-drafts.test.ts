import { defaultCatalog, defaultWorkflow, type NodeOf, type Workflow } from '@accord/engine';
import { describe, expect, it } from 'vitest';
import { allChosen, conflictText, mergeDrafts } from './merge-drafts';
import { addNode, connect, updateNode } from './doc-ops';

const rename = (doc: Workflow, id: string, label: string) =>
  updateNode(doc, id, (n) => ({ ...n, label }));

/** The document with one Fit scorecard row's points changed. */
const withPoints = (doc: Workflow, rowId: string, points: number) =>
  updateNode(doc, 'fit', (n) => {
    const fit = n as NodeOf<'scorecard'>;
    return {
      ...fit,
      data: {
        ...fit.data,
        rows: fit.data.rows.map((r) => (r.id === rowId ? { ...r, points } : r)),
      },
    };
  });
const points = (doc: Workflow, rowId: string) =>
  (doc.nodes.find((n) => n.id === 'fit') as NodeOf<'scorecard'>).data.rows.find(
    (r) => r.id === rowId,
  )?.points;

describe('mergeDrafts (my edits on top of theirs)', () => {
  it('#15: marketing’s row survives sales’ edit of another row of the same scorecard', () => {
    const base = defaultWorkflow();
    const marketing = withPoints(base, 'title_executive', 25);
    const sales = withPoints(base, 'title_director', 12);
    const { doc, conflicts } = mergeDrafts(base, sales, marketing, defaultCatalog);
    expect(conflicts).toEqual([]);
    expect(points(doc, 'title_executive')).toBe(25);
    expect(points(doc, 'title_director')).toBe(12);
  });

  it('#15: both changing one row’s points is a conflict in plain words, settled by a choice', () => {
    const base = defaultWorkflow();
    const marketing = withPoints(base, 'title_executive', 15);
    const sales = withPoints(base, 'title_executive', 30);
    const { conflicts } = mergeDrafts(base, sales, marketing, defaultCatalog);
    expect(conflicts.map((c) => conflictText(c, 'Maya Marketing, marketing'))).toEqual([
      'Fit: who the lead is › Title is VP or C-level › points: theirs: 15 (Maya Marketing, marketing) / mine: 30',
    ]);
    expect(allChosen(conflicts, {})).toBe(false);
    const choices = { [conflicts[0]!.id]: 'theirs' as const };
    expect(allChosen(conflicts, choices)).toBe(true);
    expect(
      points(mergeDrafts(base, sales, marketing, defaultCatalog, choices).doc, 'title_executive'),
    ).toBe(15);
  });

  it('keeps both sides’ edits when they touched different things', () => {
    const base = defaultWorkflow();
    const theirs = rename(base, 'stage_sql', 'SQL (sales)');
    const mine = connect(
      addNode(base, {
        id: 'condition_x',
        kind: 'condition',
        label: 'Budget?',
        position: { x: 0, y: 0 },
        data: { when: { all: [] } },
      }),
      { source: 'condition_x', sourceHandle: 'true', target: 'stage_sql' },
    );
    const { doc, conflicts } = mergeDrafts(base, mine, theirs, defaultCatalog);
    expect(doc.nodes.find((n) => n.id === 'stage_sql')?.label).toBe('SQL (sales)');
    expect(doc.nodes.find((n) => n.id === 'condition_x')?.label).toBe('Budget?');
    expect(doc.edges.some((e) => e.id === 'condition_x:true->stage_sql')).toBe(true);
    expect(conflicts).toEqual([]);
  });

  it('asks about a step I deleted that they edited meanwhile', () => {
    const base = defaultWorkflow();
    const theirs = rename(base, 'handover', 'Hand over (edited)');
    const mine = { ...base, nodes: base.nodes.filter((n) => n.id !== 'handover') };
    const { conflicts } = mergeDrafts(base, mine, theirs, defaultCatalog);
    expect(conflicts.map((c) => [c.mineText, c.theirsText])).toEqual([
      ['removed', 'kept, with changes'],
    ]);
    const kept = mergeDrafts(base, mine, theirs, defaultCatalog, {
      [conflicts[0]!.id]: 'theirs',
    }).doc;
    expect(kept.nodes.find((n) => n.id === 'handover')?.label).toBe('Hand over (edited)');
  });
});
