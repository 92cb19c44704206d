import { defaultWorkflow } from '@accord/engine';
import { describe, expect, it } from 'vitest';
import { createFlowCache, fromFlow, nodeChangesToEdits, toFlow } from './flow-mapping';
import { moveNodes } from './doc-ops';

describe('flow mapping', () => {
  it('round-trips a workflow through React Flow shapes', () => {
    const doc = defaultWorkflow();
    const flow = toFlow(doc, { nodes: ['fit'], edges: [] });
    expect(flow.nodes).toHaveLength(doc.nodes.length);
    expect(flow.nodes.find((n) => n.id === 'fit')?.selected).toBe(true);
    const back = fromFlow(flow.nodes, flow.edges);
    expect(back.nodes).toEqual(doc.nodes);
    expect(back.edges).toEqual(doc.edges);
    expect(back.selection).toEqual({ nodes: ['fit'], edges: [] });
  });

  it('hands back the same objects for nodes that did not change (cheap re-renders)', () => {
    const cache = createFlowCache();
    const doc = defaultWorkflow();
    const first = toFlow(doc, { nodes: [], edges: [] }, cache);
    const moved = moveNodes(doc, new Map([['fit', { x: 999, y: 40 }]]));
    const second = toFlow(moved, { nodes: [], edges: [] }, cache);
    const changed = second.nodes.filter((n, i) => n !== first.nodes[i]).map((n) => n.id);
    expect(changed).toEqual(['fit']);
    expect(second.edges).toBe(first.edges);
  });

  it('turns a drag into moves of the dragged node only, and keeps measured sizes', () => {
    const cache = createFlowCache();
    const doc = defaultWorkflow();
    const { nodes } = toFlow(doc, { nodes: [], edges: [] }, cache);
    const outcome = nodeChangesToEdits(
      [
        { type: 'position', id: 'fit', position: { x: 10, y: 20 }, dragging: true },
        { type: 'dimensions', id: 'fit', dimensions: { width: 248, height: 180 } },
      ],
      nodes,
      [],
      cache,
    );
    expect([...outcome.moves]).toEqual([['fit', { x: 10, y: 20 }]]);
    expect(outcome.dragging).toBe(true);
    expect(outcome.measured).toBe(true);
    const again = toFlow(doc, { nodes: [], edges: [] }, cache);
    expect(again.nodes.find((n) => n.id === 'fit')?.measured).toEqual({ width: 248, height: 180 });
  });
});
