import { createWorkflowDoc, readWorkflow } from '@accord/collab';
import { defaultWorkflow, type NodeOf, type Workflow } from '@accord/engine';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { redo, undo } from '../commands';
import { updateNode } from '../doc-ops';
import { createEditorStore, type EditorStore } from '../store';
import { bindStoreToDoc, keepUnchanged, LOCAL_ORIGIN } from './bind-store';

const WIRE = Symbol('wire');

/** Two replicas of one draft that pass every update to each other at once, as a server would. */
function wiredPair() {
  const seed = createWorkflowDoc(defaultWorkflow(), 'seed');
  const a = new Y.Doc();
  const b = new Y.Doc();
  Y.applyUpdate(a, Y.encodeStateAsUpdate(seed), WIRE);
  Y.applyUpdate(b, Y.encodeStateAsUpdate(seed), WIRE);
  a.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== WIRE) Y.applyUpdate(b, update, WIRE);
  });
  b.on('update', (update: Uint8Array, origin: unknown) => {
    if (origin !== WIRE) Y.applyUpdate(a, update, WIRE);
  });
  return { a, b };
}

function editorOn(ydoc: Y.Doc, readOnly = false) {
  const read = readWorkflow(ydoc);
  if (!read.ok) throw new Error('empty');
  const store = createEditorStore(read.workflow, { readOnly });
  const binding = bindStoreToDoc(store, ydoc);
  return { store, binding };
}

function shared(ydoc: Y.Doc): Workflow {
  const read = readWorkflow(ydoc);
  if (!read.ok) throw new Error('empty');
  return read.workflow;
}

const labelOf = (doc: Workflow, index: number) => doc.nodes[index]!.label;

function relabel(store: EditorStore, index: number, label: string, coalesce?: string) {
  const id = store.getState().doc.nodes[index]!.id;
  store.getState().change((d) => updateNode(d, id, (n) => ({ ...n, label })), { coalesce });
}

describe('the editor bound to a shared draft', () => {
  it('sends a local change to the other replica and into its editor', () => {
    const { a, b } = wiredPair();
    const maya = editorOn(a);
    const sam = editorOn(b);
    relabel(maya.store, 1, 'Maya’s step');
    expect(labelOf(shared(b), 1)).toBe('Maya’s step');
    expect(labelOf(sam.store.getState().doc, 1)).toBe('Maya’s step');
  });

  it('takes a remote change into the store without writing it back or recording it', () => {
    const { a, b } = wiredPair();
    const maya = editorOn(a);
    const sam = editorOn(b);
    const written: unknown[] = [];
    a.on('update', (_u: Uint8Array, origin: unknown) => written.push(origin));
    relabel(sam.store, 2, 'Sam’s step');
    expect(labelOf(maya.store.getState().doc, 2)).toBe('Sam’s step');
    // The only transaction on Maya's replica is the one that arrived: nothing of hers went out.
    expect(written).toEqual([WIRE]);
    expect(maya.store.history.getState().canUndo).toBe(false);
    expect(maya.binding.undoManager.undoStack).toHaveLength(0);
  });

  it('undoes only my edit and keeps the other person’s, on both replicas', () => {
    const { a, b } = wiredPair();
    const maya = editorOn(a);
    const sam = editorOn(b);
    const before = labelOf(shared(a), 1);
    relabel(maya.store, 1, 'Maya’s step');
    relabel(sam.store, 2, 'Sam’s step');
    expect(maya.store.history.getState().canUndo).toBe(true);
    undo(maya.store);
    for (const doc of [maya.store.getState().doc, sam.store.getState().doc, shared(b)]) {
      expect(labelOf(doc, 1)).toBe(before);
      expect(labelOf(doc, 2)).toBe('Sam’s step');
    }
    expect(maya.store.history.getState()).toMatchObject({ canUndo: false, canRedo: true });
    redo(maya.store);
    expect(labelOf(sam.store.getState().doc, 1)).toBe('Maya’s step');
    expect(labelOf(sam.store.getState().doc, 2)).toBe('Sam’s step');
  });

  it('keeps a step whole when I undo a value a teammate changed at the same moment', () => {
    // Two replicas whose updates cross on the wire; Maya's client id is the higher, so her value
    // wins the race (Yjs' rule), and Yjs cannot bring back the old value on her undo.
    const seed = createWorkflowDoc(defaultWorkflow(), 'seed');
    const a = new Y.Doc();
    const b = new Y.Doc();
    a.clientID = 2_000_000_000;
    b.clientID = 1;
    for (const doc of [a, b]) Y.applyUpdate(doc, Y.encodeStateAsUpdate(seed), WIRE);
    const maya = editorOn(a);
    const sam = editorOn(b);
    const setPoints = (store: EditorStore, points: number) =>
      store.getState().change((d) =>
        updateNode(d, 'fit', (n) => {
          const card = n as NodeOf<'scorecard'>;
          const rows = card.data.rows.map((r) => (r.id === 'size_mid' ? { ...r, points } : r));
          return { ...card, data: { ...card.data, rows } };
        }),
      );
    setPoints(maya.store, 10);
    setPoints(sam.store, 12);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a), WIRE);
    Y.applyUpdate(a, Y.encodeStateAsUpdate(b), WIRE);
    undo(maya.store);
    Y.applyUpdate(b, Y.encodeStateAsUpdate(a), WIRE);
    for (const doc of [a, b]) {
      const read = readWorkflow(doc);
      if (!read.ok) throw new Error('unreadable');
      expect(read.dropped).toEqual([]);
      const fit = read.workflow.nodes.find((n) => n.id === 'fit') as NodeOf<'scorecard'>;
      expect(fit.data.rows.find((r) => r.id === 'size_mid')?.points).toBe(10);
    }
    expect(sam.store.getState().doc.nodes.some((n) => n.id === 'fit')).toBe(true);
  });

  it('makes typing in one field one undo step, and a different field a new one', () => {
    const { a } = wiredPair();
    const maya = editorOn(a);
    const original = labelOf(shared(a), 1);
    for (const label of ['F', 'Fi', 'Fit']) relabel(maya.store, 1, label, 'n1:label');
    relabel(maya.store, 2, 'Other', 'n2:label');
    expect(maya.binding.undoManager.undoStack).toHaveLength(2);
    undo(maya.store);
    expect(labelOf(maya.store.getState().doc, 1)).toBe('Fit');
    undo(maya.store);
    expect(labelOf(maya.store.getState().doc, 1)).toBe(original);
  });

  it('keeps typing one undo step while a teammate’s edits arrive in between', () => {
    const { a, b } = wiredPair();
    const maya = editorOn(a);
    const sam = editorOn(b);
    const original = labelOf(shared(a), 1);
    relabel(maya.store, 1, 'F', 'n1:label');
    relabel(sam.store, 2, 'Sam’s step');
    relabel(maya.store, 1, 'Fi', 'n1:label');
    relabel(maya.store, 1, 'Fit', 'n1:label');
    expect(maya.binding.undoManager.undoStack).toHaveLength(1);
    undo(maya.store);
    expect(labelOf(sam.store.getState().doc, 1)).toBe(original);
    expect(labelOf(sam.store.getState().doc, 2)).toBe('Sam’s step');
  });

  it('keeps the objects of steps a remote change did not touch (only the changed step redraws)', () => {
    const { a, b } = wiredPair();
    const maya = editorOn(a);
    const sam = editorOn(b);
    const before = maya.store.getState().doc;
    relabel(sam.store, 2, 'Sam’s step');
    const after = maya.store.getState().doc;
    expect(after.nodes[2]).not.toBe(before.nodes[2]);
    expect(after.nodes.filter((n, i) => n !== before.nodes[i]).map((n) => n.id)).toEqual([
      before.nodes[2]!.id,
    ]);
    expect(after.edges).toBe(before.edges);
    expect(after.stages).toBe(before.stages);
    expect(keepUnchanged(after, structuredClone(after))).toBe(after);
  });

  it('never writes from a read-only editor', () => {
    const { a, b } = wiredPair();
    const auditor = editorOn(a, true);
    editorOn(b);
    const before = Y.encodeStateVector(a);
    relabel(auditor.store, 1, 'forged');
    expect(Y.encodeStateVector(a)).toEqual(before);
    expect(labelOf(auditor.store.getState().doc, 1)).not.toBe('forged');
  });

  it('hands undo back to zundo when unbound', () => {
    const { a } = wiredPair();
    const maya = editorOn(a);
    maya.binding.unbind();
    relabel(maya.store, 1, 'after');
    expect(labelOf(shared(a), 1)).not.toBe('after');
    expect(maya.store.history.getState().canUndo).toBe(true);
    undo(maya.store);
    expect(labelOf(maya.store.getState().doc, 1)).not.toBe('after');
  });

  it('writes local edits with the local origin (the one its undo manager tracks)', () => {
    const { a } = wiredPair();
    const maya = editorOn(a);
    const origins: unknown[] = [];
    a.on('update', (_u: Uint8Array, origin: unknown) => origins.push(origin));
    relabel(maya.store, 1, 'x');
    expect(origins).toEqual([LOCAL_ORIGIN]);
  });
});
