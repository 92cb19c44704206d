import { readWorkflow, workflowMap, writeWorkflow } from '@accord/collab';
import * as Y from 'yjs';
import type { Workflow } from '@accord/engine';
import { temporalHistory, type DocHistory, type EditorStore } from '../store';

/** The origin of this tab's own edits: the only ones its undo manager records. */
export const LOCAL_ORIGIN = Symbol('accord.local-edit');

/** What `bindStoreToDoc` hands back. */
export interface StoreBinding {
  undoManager: Y.UndoManager;
  /** Ends the binding: edits stop flowing both ways, zundo's undo comes back. */
  unbind(): void;
}

/**
 * Binds the editor store to a shared draft, both ways: each local change of the doc is written
 * into the Y document as a minimal diff (origin `LOCAL_ORIGIN`); every other transaction (a
 * teammate's update, this tab's own undo/redo) is read back whole into the store, unrecorded and
 * never written back. Undo/redo become per person: a `Y.UndoManager` that tracks only
 * `LOCAL_ORIGIN`, so undoing never removes someone else's edit; a change that joins the previous
 * undo step in the store (same coalesce key, soon after) joins it in the undo manager too.
 * The Y document must have synced first (it is the source of truth: the store takes its content).
 * @example const { unbind } = bindStoreToDoc(store, ydoc);
 */
export function bindStoreToDoc(store: EditorStore, ydoc: Y.Doc): StoreBinding {
  const map = workflowMap(ydoc);
  const undoManager = new Y.UndoManager(map, {
    trackedOrigins: new Set([LOCAL_ORIGIN]),
    // Steps end where the store's coalescing says (stopCapturing below), not on a timer.
    captureTimeout: Number.POSITIVE_INFINITY,
  });
  /** True while the store takes in the shared document (its change is not written back). */
  let applying = false;

  const readIntoStore = () => {
    const read = readWorkflow(ydoc);
    if (!read.ok) return;
    const current = store.getState().doc;
    const next = keepUnchanged(current, read.workflow);
    if (next === current) return;
    applying = true;
    try {
      store.getState().replaceDoc(next, { record: false });
    } finally {
      applying = false;
    }
  };

  const onDeep = (_events: Y.YEvent<Y.AbstractType<unknown>>[], transaction: Y.Transaction) => {
    if (transaction.origin !== LOCAL_ORIGIN) readIntoStore();
  };
  map.observeDeep(onDeep);

  const unsubscribe = store.subscribe((state, previous) => {
    if (applying || state.doc === previous.doc || state.readOnly) return;
    if (!state.coalesced) undoManager.stopCapturing();
    writeWorkflow(ydoc, state.doc, LOCAL_ORIGIN);
  });

  // zundo stays paused while the shared draft's undo manager is the history.
  const temporal = store.temporal.getState();
  temporal.pause();
  temporal.clear();
  const history = () => ({
    canUndo: undoManager.canUndo(),
    canRedo: undoManager.canRedo(),
  });
  store.history.setState(
    {
      ...history(),
      undo: () => keepWhole(ydoc, store, () => undoManager.undo(), undoManager),
      redo: () => keepWhole(ydoc, store, () => undoManager.redo(), undoManager),
    } satisfies DocHistory,
    true,
  );
  const refresh = () => store.history.setState(history());
  undoManager.on('stack-item-added', refresh);
  undoManager.on('stack-item-popped', refresh);
  undoManager.on('stack-cleared', refresh);

  readIntoStore();

  return {
    undoManager,
    unbind() {
      map.unobserveDeep(onDeep);
      unsubscribe();
      undoManager.destroy();
      store.history.setState(temporalHistory(store), true);
      store.temporal.getState().resume();
    },
  };
}

/** The origin of the values `keepWhole` puts back (neither mine to undo nor a teammate's). */
const KEEP_WHOLE_ORIGIN = Symbol('accord.keep-whole');

/**
 * Runs an undo or redo, and keeps every step whole. Yjs cannot undo my change of a value that a
 * teammate changed at the same moment: it deletes my value and, the old one being in conflict,
 * puts nothing back, so the key goes missing, the step no longer parses and every replica drops
 * it (in the e2e, a scorecard vanished for everyone after a points race and one Ctrl+Z). When the
 * undo leaves a step unreadable, each value it removed that way is put back as it was before the
 * undo: that part of the undo does not happen, and nothing is lost.
 */
function keepWhole(
  ydoc: Y.Doc,
  store: EditorStore,
  action: () => unknown,
  undoManager: Y.UndoManager,
) {
  const map = workflowMap(ydoc);
  // The store holds what read whole before the undo (it follows the document).
  const before = store.getState().doc;
  const removed: [Y.Map<unknown>, string, unknown][] = [];
  const watch = (events: Y.YEvent<Y.AbstractType<unknown>>[], transaction: Y.Transaction) => {
    if (transaction.origin !== undoManager) return;
    for (const event of events) {
      if (!(event instanceof Y.YMapEvent)) continue;
      const target = event.target as Y.Map<unknown>;
      for (const [key, change] of event.changes.keys)
        if (
          change.action === 'delete' &&
          !target.has(key) &&
          !(change.oldValue instanceof Y.AbstractType)
        )
          removed.push([target, key, change.oldValue]);
    }
  };
  map.observeDeep(watch);
  try {
    action();
  } finally {
    map.unobserveDeep(watch);
  }
  // Only an undo that removed a value can break a step: the document is read only then.
  if (removed.length === 0 || !brokeAPart(readWorkflow(ydoc), before)) return;
  ydoc.transact(() => {
    for (const [target, key, value] of removed) if (!target.has(key)) target.set(key, value);
  }, KEEP_WHOLE_ORIGIN);
}

/** Whether a step or connection that read whole in `before` no longer does. */
function brokeAPart(read: ReturnType<typeof readWorkflow>, before: Workflow): boolean {
  if (!read.ok) return true;
  const steps = new Set(before.nodes.map((n) => n.id));
  const edges = new Set(before.edges.map((e) => e.id));
  return read.dropped.some((part) =>
    part.startsWith('step ') ? steps.has(part.slice(5)) : edges.has(part.slice(5)),
  );
}

/**
 * `next` with every part equal to `previous`'s (a step, an edge, the stages…) taken from
 * `previous`, so a teammate's keystroke redraws only the step it changed (the canvas and the
 * inspector compare by identity); `previous` itself when nothing changed.
 */
export function keepUnchanged(previous: Workflow, next: Workflow): Workflow {
  const nodes = shareById(previous.nodes, next.nodes);
  const edges = shareById(previous.edges, next.edges);
  const merged: Record<string, unknown> = { ...next, nodes, edges };
  let same = nodes === previous.nodes && edges === previous.edges;
  for (const key of Object.keys(merged)) {
    if (key === 'nodes' || key === 'edges') continue;
    const old = (previous as Record<string, unknown>)[key];
    if (deepEqual(old, merged[key])) merged[key] = old;
    else same = false;
  }
  if (same && Object.keys(previous).length === Object.keys(merged).length) return previous;
  return merged as Workflow;
}

function shareById<T extends { id: string }>(previous: readonly T[], next: readonly T[]): T[] {
  const byId = new Map(previous.map((item) => [item.id, item]));
  let same = previous.length === next.length;
  const out = next.map((item, i) => {
    const old = byId.get(item.id);
    if (old !== undefined && deepEqual(old, item)) {
      if (previous[i] !== old) same = false;
      return old;
    }
    same = false;
    return item;
  });
  return same ? (previous as T[]) : out;
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const other = b as unknown[];
    return a.length === other.length && a.every((item, i) => deepEqual(item, other[i]));
  }
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  const keys = Object.keys(x).filter((k) => x[k] !== undefined);
  const otherKeys = Object.keys(y).filter((k) => y[k] !== undefined);
  return keys.length === otherKeys.length && keys.every((k) => deepEqual(x[k], y[k]));
}
