import { blankWorkflow, defaultWorkflow, type WorkflowNode } from '@accord/engine';
import { describe, expect, it } from 'vitest';
import {
  addNodeOfKind,
  copySelection,
  deleteSelection,
  duplicateSelection,
  pasteClipboard,
  redo,
  undo,
} from './commands';
import { estimatedSize } from './auto-layout';
import { updateNode } from './doc-ops';
import { createEditorStore } from './store';

/** Pairs of cards drawn over each other. */
function overlapping(nodes: readonly WorkflowNode[]): string[] {
  const box = (n: WorkflowNode) => ({ ...n.position, ...estimatedSize(n) });
  const out: string[] = [];
  nodes.forEach((a, i) =>
    nodes.slice(i + 1).forEach((b) => {
      const [p, q] = [box(a), box(b)];
      if (
        p.x < q.x + q.width &&
        q.x < p.x + p.width &&
        p.y < q.y + q.height &&
        q.y < p.y + p.height
      )
        out.push(`${a.id}/${b.id}`);
    }),
  );
  return out;
}

describe('editor store', () => {
  it('undoes and redoes document changes, not selection', () => {
    const store = createEditorStore(blankWorkflow());
    const id = addNodeOfKind(store, 'condition', { x: 0, y: 0 })!;
    expect(store.getState().doc.nodes.map((n) => n.id)).toContain(id);
    expect(store.getState().selection.nodes).toEqual([id]);
    undo(store);
    expect(store.getState().doc.nodes).toHaveLength(2);
    expect(store.getState().selection.nodes).toEqual([]);
    redo(store);
    expect(store.getState().doc.nodes.map((n) => n.id)).toContain(id);
  });

  it('makes one undo step of quick edits with the same key (typing a name)', () => {
    const store = createEditorStore(blankWorkflow());
    for (const label of ['N', 'Nu', 'Nur'])
      store.getState().change((d) => updateNode(d, 'stage_nurture', (n) => ({ ...n, label })), {
        coalesce: 'label',
      });
    expect(store.temporal.getState().pastStates).toHaveLength(1);
    undo(store);
    expect(store.getState().doc.nodes[1]!.label).toBe('Nurture');
  });

  it('copies, pastes and duplicates with fresh ids; delete keeps the start', () => {
    const store = createEditorStore(blankWorkflow());
    store.getState().select({ nodes: ['start', 'stage_nurture'], edges: [] });
    expect(copySelection(store)).toBe(true);
    pasteClipboard(store);
    const doc = store.getState().doc;
    expect(doc.nodes).toHaveLength(3); // the start is not copied
    const pasted = doc.nodes[2]!;
    expect(pasted.id).not.toBe('stage_nurture');
    expect(overlapping(doc.nodes)).toEqual([]);
    duplicateSelection(store);
    expect(store.getState().doc.nodes).toHaveLength(4);
    store.getState().select({ nodes: store.getState().doc.nodes.map((n) => n.id), edges: [] });
    deleteSelection(store);
    expect(store.getState().doc.nodes.map((n) => n.id)).toEqual(['start']);
    expect(store.getState().doc.edges).toEqual([]);
  });

  it('#15: pastes beside the original, and each further paste beside the earlier ones', () => {
    const store = createEditorStore(defaultWorkflow());
    store.getState().select({ nodes: ['mql_threshold'], edges: [] });
    copySelection(store);
    for (let i = 0; i < 3; i++) pasteClipboard(store);
    duplicateSelection(store);
    const nodes = store.getState().doc.nodes;
    expect(nodes).toHaveLength(defaultWorkflow().nodes.length + 4);
    expect(overlapping(nodes)).toEqual([]);
    // Near the original, not far away.
    const original = nodes.find((n) => n.id === 'mql_threshold')!.position;
    const first = nodes.at(-4)!.position;
    expect(Math.hypot(first.x - original.x, first.y - original.y)).toBeLessThan(600);
  });

  it('refuses edits when read only', () => {
    const store = createEditorStore(blankWorkflow(), { readOnly: true });
    addNodeOfKind(store, 'stage', { x: 0, y: 0 });
    expect(store.getState().doc.nodes).toHaveLength(2);
  });
});
