import { defaultCatalog, validate, type FieldCatalog, type Workflow } from '@accord/engine';
import { useEffect } from 'react';
import { useStore } from 'zustand';
import type { EditorStore } from './store';

/** How long after the last edit the workflow is validated again. */
const DEBOUNCE_MS = 200;

/** Whether two documents differ only in node positions (moving nodes changes no rule). */
export function sameContent(a: Workflow, b: Workflow): boolean {
  if (a === b) return true;
  if (a.edges !== b.edges || a.stages !== b.stages || a.scores !== b.scores) return false;
  if (a.nodes.length !== b.nodes.length) return false;
  return a.nodes.every((n, i) => {
    const m = b.nodes[i]!;
    return (
      n === m ||
      (n.id === m.id &&
        n.kind === m.kind &&
        n.data === m.data &&
        n.label === m.label &&
        n.description === m.description)
    );
  });
}

/** Runs the engine's `validate` on the draft shortly after each edit (not after mere moves). */
export function useLiveValidation(store: EditorStore, catalog: FieldCatalog = defaultCatalog) {
  const doc = useStore(store, (s) => s.doc);
  useEffect(() => {
    const state = store.getState();
    const fresh = state.diagnostics.length === 0 && state.checkedDoc === doc;
    if (!fresh && sameContent(state.checkedDoc, doc)) return;
    const timer = setTimeout(
      () => {
        const current = store.getState().doc;
        store.getState().setDiagnostics(current, validate(current, catalog));
      },
      fresh ? 0 : DEBOUNCE_MS,
    );
    return () => clearTimeout(timer);
  }, [doc, store, catalog]);
}
