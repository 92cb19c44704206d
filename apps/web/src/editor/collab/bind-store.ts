import { readWorkflow, workflowMap, writeWorkflow } from '@accord/collab';
import * as Y from 'yjs';
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
    applying = true;
    try {
      store.getState().replaceDoc(read.workflow, { record: false });
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
      undo: () => void undoManager.undo(),
      redo: () => void undoManager.redo(),
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
