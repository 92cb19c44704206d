import { validate, type Diagnostic, type FieldCatalog, type Workflow } from '@accord/engine';
import { useEffect, useRef } from 'react';
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

/**
 * Runs the engine's `validate` on the draft with the given catalog shortly after each edit (not
 * after mere moves), and at once when the catalog itself changes (a field added in another tab).
 */
export function useLiveValidation(store: EditorStore, catalog: FieldCatalog) {
  const doc = useStore(store, (s) => s.doc);
  /** What the store's diagnostics were last computed from. */
  const checked = useRef<{ doc: Workflow; catalog: FieldCatalog } | null>(null);
  useEffect(() => {
    const last = checked.current;
    const sameCatalog = last?.catalog === catalog;
    if (last && sameCatalog && sameContent(last.doc, doc)) return;
    const timer = setTimeout(
      () => {
        const current = store.getState().doc;
        checked.current = { doc: current, catalog };
        store.getState().setDiagnostics(current, validate(current, catalog));
      },
      last && sameCatalog ? DEBOUNCE_MS : 0,
    );
    return () => clearTimeout(timer);
  }, [doc, store, catalog]);
}

/**
 * The diagnostics of `draft.get` / `draft.save` that the browser does not compute itself: a field
 * the draft reads changed since its newest version (`field-changed`).
 */
export function serverOnlyDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return diagnostics.filter((d) => d.code === 'field-changed');
}
