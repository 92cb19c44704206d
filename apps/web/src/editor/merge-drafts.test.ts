import { defaultWorkflow, type Workflow } from '@accord/engine';
import { describe, expect, it } from 'vitest';
import { mergeDrafts } from './merge-drafts';
import { addNode, connect, updateNode } from './doc-ops';

const rename = (doc: Workflow, id: string, label: string) =>
  updateNode(doc, id, (n) => ({ ...n, label }));

describe('mergeDrafts (keep mine on top of theirs)', () => {
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
    const { doc, report } = mergeDrafts(base, mine, theirs);
    expect(doc.nodes.find((n) => n.id === 'stage_sql')?.label).toBe('SQL (sales)');
    expect(doc.nodes.find((n) => n.id === 'condition_x')?.label).toBe('Budget?');
    expect(doc.edges.some((e) => e.id === 'condition_x:true->stage_sql')).toBe(true);
    expect(report.overlaps).toEqual([]);
  });

  it('merges field by field inside a node and reports real overlaps (mine wins)', () => {
    const base = defaultWorkflow();
    const theirs = updateNode(rename(base, 'fit', 'Fit (theirs)'), 'fit', (n) => ({
      ...n,
      description: 'their note',
    }));
    const mine = rename(
      updateNode(base, 'fit', (n) => ({ ...n, position: { x: 5, y: 5 } })),
      'fit',
      'Fit (mine)',
    );
    const { doc, report } = mergeDrafts(base, mine, theirs);
    const fit = doc.nodes.find((n) => n.id === 'fit')!;
    expect(fit.label).toBe('Fit (mine)');
    expect(fit.description).toBe('their note');
    expect(fit.position).toEqual({ x: 5, y: 5 });
    expect(report.overlaps).toEqual(['Fit (mine) (label)']);
  });

  it('keeps a node I deleted when they edited it meanwhile', () => {
    const base = defaultWorkflow();
    const theirs = rename(base, 'handover', 'Hand over (edited)');
    const mine = { ...base, nodes: base.nodes.filter((n) => n.id !== 'handover') };
    const { doc } = mergeDrafts(base, mine, theirs);
    expect(doc.nodes.find((n) => n.id === 'handover')?.label).toBe('Hand over (edited)');
  });
});
