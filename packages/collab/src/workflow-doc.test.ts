import { defaultWorkflow, type Workflow } from '@accord/engine';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createWorkflowDoc, readWorkflow, writeWorkflow } from './workflow-doc';

const read = (doc: Y.Doc): Workflow => {
  const result = readWorkflow(doc);
  if (!result.ok) throw new Error(result.errors[0]?.message);
  return result.workflow;
};

/** A replica of `doc` that has seen everything `doc` has. */
function replica(doc: Y.Doc): Y.Doc {
  const copy = new Y.Doc();
  Y.applyUpdate(copy, Y.encodeStateAsUpdate(doc));
  return copy;
}

function exchange(a: Y.Doc, b: Y.Doc) {
  Y.applyUpdate(a, Y.encodeStateAsUpdate(b, Y.encodeStateVector(a)));
  Y.applyUpdate(b, Y.encodeStateAsUpdate(a, Y.encodeStateVector(b)));
}

function relabel(workflow: Workflow, index: number, label: string): Workflow {
  return {
    ...workflow,
    nodes: workflow.nodes.map((n, i) => (i === index ? { ...n, label } : n)),
  };
}

describe('the shared workflow document', () => {
  it('reads back what was written', () => {
    const workflow = defaultWorkflow();
    expect(read(createWorkflowDoc(workflow))).toEqual(workflow);
  });

  it('keeps both people’s edits to different steps and different fields of one step', () => {
    const a = createWorkflowDoc(defaultWorkflow());
    const b = replica(a);
    writeWorkflow(a, relabel(read(a), 0, 'Maya’s label'), 'maya');
    const bDoc = read(b);
    const moved = {
      ...bDoc,
      nodes: bDoc.nodes.map((n, i) =>
        i === 0 ? { ...n, position: { x: 999, y: 111 } } : i === 1 ? { ...n, label: 'Sam’s' } : n,
      ),
    };
    writeWorkflow(b, moved, 'sam');
    exchange(a, b);
    const merged = read(a);
    expect(read(b)).toEqual(merged);
    expect(merged.nodes[0]?.label).toBe('Maya’s label');
    expect(merged.nodes[0]?.position).toEqual({ x: 999, y: 111 });
    expect(merged.nodes[1]?.label).toBe('Sam’s');
  });

  it('writes only what changed (an unchanged document makes no update)', () => {
    const doc = createWorkflowDoc(defaultWorkflow());
    let updates = 0;
    doc.on('update', () => updates++);
    writeWorkflow(doc, read(doc), 'nobody');
    expect(updates).toBe(0);
  });

  it('drops an edge whose step someone else deleted, on every replica alike', () => {
    const a = createWorkflowDoc(defaultWorkflow());
    const b = replica(a);
    const wa = read(a);
    const target = wa.edges[0]!.target;
    writeWorkflow(
      a,
      {
        ...wa,
        nodes: wa.nodes.filter((n) => n.id !== target),
        edges: wa.edges.filter((e) => e.source !== target && e.target !== target),
      },
      'maya',
    );
    const wb = read(b);
    const source = wb.nodes.find((n) => n.id !== target)!.id;
    writeWorkflow(
      b,
      { ...wb, edges: [...wb.edges, { id: 'late', source, sourceHandle: 'out', target }] },
      'sam',
    );
    exchange(a, b);
    const ra = readWorkflow(a);
    expect(ra.ok && ra.dropped).toContain('edge late');
    expect(read(a)).toEqual(read(b));
  });
});

describe('writes change only what the writer saw (issue #20)', () => {
  it('keep a step that reads as broken for a moment, its new label still on its way', () => {
    const maya = createWorkflowDoc(defaultWorkflow());
    const sam = replica(maya);
    const updates: Uint8Array[] = [];
    maya.on('update', (update: Uint8Array) => updates.push(update));
    const before = read(maya);
    writeWorkflow(maya, { ...before, name: 'Renamed' }, 'maya');
    writeWorkflow(maya, relabel(read(maya), 0, 'Start here'), 'maya');
    // The relabel arrives first: its deletion of the old label applies, its new label waits for
    // the rename, so Sam reads the start step as broken and leaves it out.
    Y.applyUpdate(sam, updates[1]!);
    const seen = readWorkflow(sam);
    expect(seen.ok && seen.dropped).toContain('step start');
    const samView = read(sam);
    writeWorkflow(sam, { ...samView, nodes: samView.nodes.slice(0, -1) }, 'sam');
    Y.applyUpdate(sam, updates[0]!);
    exchange(maya, sam);
    expect(read(maya)).toEqual(read(sam));
    expect(read(sam).nodes[0]).toMatchObject({ id: 'start', label: 'Start here' });
  });

  it('delete the first step and add one at the end without replacing the steps between', () => {
    const maya = createWorkflowDoc(defaultWorkflow());
    const sam = replica(maya);
    const w = read(maya);
    const added = { ...w.nodes[1]!, id: 'added', label: 'Added' };
    writeWorkflow(maya, { ...w, nodes: [...w.nodes.slice(1), added] }, 'maya');
    writeWorkflow(sam, relabel(read(sam), 5, 'Sam’s label'), 'sam');
    exchange(maya, sam);
    const merged = read(maya);
    expect(merged.nodes.map((n) => n.id)).toEqual([...w.nodes.slice(1).map((n) => n.id), 'added']);
    expect(merged.nodes[4]?.label).toBe('Sam’s label');
  });
});

describe('lists of plain values', () => {
  it('are one value: two people changing the same bound end with one list, not both merged', () => {
    const a = createWorkflowDoc(defaultWorkflow());
    const b = replica(a);
    writeWorkflow(a, withBounds(read(a), [40, 199]), 'maya');
    writeWorkflow(b, withBounds(read(b), [60, 199]), 'sam');
    exchange(a, b);
    const merged = boundsOf(read(a));
    expect(boundsOf(read(b))).toEqual(merged);
    expect([
      [40, 199],
      [60, 199],
    ]).toContainEqual(merged);
    const result = readWorkflow(a);
    expect(result.ok && result.dropped).toEqual([]);
  });
});

/** The Fit scorecard's "between 50 and 199 employees" row (a plain list of two bounds). */
const BOUNDED = { node: 2, row: 6 };

function boundsOf(workflow: Workflow): unknown {
  const node = workflow.nodes[BOUNDED.node]!;
  if (node.kind !== 'scorecard') throw new Error('The default workflow changed.');
  return (node.data.rows[BOUNDED.row]!.when as { value: unknown }).value;
}

function withBounds(workflow: Workflow, bounds: number[]): Workflow {
  const copy = structuredClone(workflow);
  const node = copy.nodes[BOUNDED.node]!;
  if (node.kind !== 'scorecard') throw new Error('The default workflow changed.');
  (node.data.rows[BOUNDED.row]!.when as { value: unknown }).value = bounds;
  return copy;
}
