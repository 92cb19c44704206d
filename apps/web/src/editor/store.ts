import type { Diagnostic, Edge as WorkflowEdge, Workflow, WorkflowNode } from '@accord/engine';
import { temporal, type TemporalState } from 'zundo';
import { createStore, useStore, type StoreApi } from 'zustand';
import { createContext, useContext } from 'react';

/** What is selected on the canvas. */
export interface Selection {
  nodes: readonly string[];
  edges: readonly string[];
}

/** A piece of a workflow on the clipboard: some nodes and the edges between them. */
export interface Fragment {
  nodes: WorkflowNode[];
  edges: WorkflowEdge[];
}

/** The lead path to draw on the canvas after "Try a lead". */
export interface Highlight {
  nodes: ReadonlySet<string>;
  edges: ReadonlySet<string>;
}

/**
 * Classes the canvas adds to nodes and edges by id, beside selection, problems and the highlight:
 * a diff's colours (added, changed, removed) or two leads' paths (baseline, candidate, both).
 */
export interface Decorations {
  nodes: ReadonlyMap<string, string>;
  edges: ReadonlyMap<string, string>;
}

/** The problems of one node or edge, kept referentially stable while they do not change. */
export interface ProblemSummary {
  errors: number;
  warnings: number;
  messages: readonly string[];
}

export type RightPanel = 'inspector' | 'problems' | 'lead';

export interface EditorState {
  /** The workflow being edited: the only state undo/redo tracks. */
  doc: Workflow;
  selection: Selection;
  /**
   * `validate` of the doc, refreshed shortly after edits stop, followed by `serverDiagnostics`.
   */
  diagnostics: readonly Diagnostic[];
  /**
   * What only the server knows and the browser does not recompute: `field-changed` warnings (a
   * field the draft reads changed since its newest version pinned its catalog), from the last
   * load or save of the draft.
   */
  serverDiagnostics: readonly Diagnostic[];
  /** The doc the diagnostics describe (positions aside, what the lead panel compiles). */
  checkedDoc: Workflow;
  problemsByNode: ReadonlyMap<string, ProblemSummary>;
  problemsByEdge: ReadonlyMap<string, ProblemSummary>;
  highlight: Highlight | null;
  decorations: Decorations | null;
  panel: RightPanel;
  /** Asks the canvas to centre a node (each request is a new object). */
  focusRequest: { nodeId: string } | null;
  readOnly: boolean;
  /**
   * Whether the last change of the doc joined the previous undo step (same coalesce key, soon
   * after), so a shared draft's undo manager keeps capturing into one step.
   */
  coalesced: boolean;

  /**
   * Replaces the whole document (load, a shared draft's remote change); recorded in history
   * unless told not to (then the step being typed goes on).
   */
  replaceDoc(doc: Workflow, options?: { record?: boolean }): void;
  /** Applies a change to the document as one undo step, or merged into the previous one. */
  change(recipe: (doc: Workflow) => Workflow, options?: { coalesce?: string }): void;
  select(selection: Selection): void;
  /** The next change starts a new undo step whatever its coalesce key (after undo / redo). */
  endCoalescing(): void;
  setDiagnostics(doc: Workflow, diagnostics: readonly Diagnostic[]): void;
  setServerDiagnostics(diagnostics: readonly Diagnostic[]): void;
  setHighlight(highlight: Highlight | null): void;
  setDecorations(decorations: Decorations | null): void;
  setPanel(panel: RightPanel): void;
  focusNode(nodeId: string): void;
}

/** Undo and redo of the document, and whether they have anything to do. */
export interface DocHistory {
  canUndo: boolean;
  canRedo: boolean;
  undo(): void;
  redo(): void;
}

export type EditorStore = StoreApi<EditorState> & {
  temporal: StoreApi<TemporalState<{ doc: Workflow }>>;
  /**
   * The undo/redo the editor's buttons and shortcuts use: zundo's `temporal` by default; a
   * shared draft puts its per-person undo manager here (see `bindStoreToDoc`).
   */
  history: StoreApi<DocHistory>;
};

/** Edits with the same coalesce key this close together are one undo step (typing, dragging). */
const COALESCE_MS = 1_000;

/**
 * The editor's state: the document with undo/redo (zundo; only `doc` is tracked), the selection
 * and what the canvas decorates (problems, the path of a tried lead, a diff's or two paths'
 * classes).
 * @example const store = createEditorStore(defaultWorkflow());
 */
export function createEditorStore(
  doc: Workflow,
  options: { readOnly?: boolean; decorations?: Decorations } = {},
) {
  let lastKey: string | undefined;
  let lastAt = 0;
  /** The browser's own `validate` result, which `diagnostics` starts with. */
  let localDiagnostics: readonly Diagnostic[] = [];
  const store = createStore<EditorState>()(
    temporal(
      (set, get) => ({
        doc,
        selection: { nodes: [], edges: [] },
        diagnostics: [],
        serverDiagnostics: [],
        checkedDoc: doc,
        problemsByNode: new Map(),
        problemsByEdge: new Map(),
        highlight: null,
        decorations: options.decorations ?? null,
        panel: 'inspector',
        focusRequest: null,
        readOnly: options.readOnly ?? false,
        coalesced: false,

        replaceDoc(next, { record = true } = {}) {
          // A teammate's edit read in (unrecorded) does not split the step I am typing.
          if (record) lastKey = undefined;
          const history = (store as unknown as EditorStore).temporal.getState();
          // Resumed only if it was tracking: a shared draft keeps zundo paused for good.
          const pause = !record && history.isTracking;
          if (pause) history.pause();
          set({
            doc: next,
            selection: pruneSelection(get().selection, next),
            highlight: null,
            coalesced: false,
          });
          if (pause) history.resume();
        },

        change(recipe, { coalesce } = {}) {
          if (get().readOnly) return;
          const current = get().doc;
          const next = recipe(current);
          if (next === current) return;
          const now = Date.now();
          const merge =
            coalesce !== undefined && coalesce === lastKey && now - lastAt < COALESCE_MS;
          lastKey = coalesce;
          lastAt = now;
          const history = (store as unknown as EditorStore).temporal.getState();
          const pause = merge && history.isTracking;
          if (pause) history.pause();
          set({ doc: next, selection: pruneSelection(get().selection, next), coalesced: merge });
          if (pause) history.resume();
        },

        endCoalescing() {
          lastKey = undefined;
        },

        select(selection) {
          const current = get().selection;
          if (sameIds(current.nodes, selection.nodes) && sameIds(current.edges, selection.edges))
            return;
          set({ selection });
        },

        setDiagnostics(checked, local) {
          localDiagnostics = local;
          const { problemsByNode, problemsByEdge, serverDiagnostics } = get();
          const diagnostics = [...local, ...serverDiagnostics];
          set({
            checkedDoc: checked,
            diagnostics,
            problemsByNode: summarise(diagnostics, 'nodeId', problemsByNode),
            problemsByEdge: summarise(diagnostics, 'edgeId', problemsByEdge),
          });
        },

        setServerDiagnostics(serverDiagnostics) {
          const { problemsByNode, problemsByEdge } = get();
          const diagnostics = [...localDiagnostics, ...serverDiagnostics];
          set({
            serverDiagnostics,
            diagnostics,
            problemsByNode: summarise(diagnostics, 'nodeId', problemsByNode),
            problemsByEdge: summarise(diagnostics, 'edgeId', problemsByEdge),
          });
        },

        setHighlight(highlight) {
          set({ highlight });
        },

        setDecorations(decorations) {
          set({ decorations });
        },

        setPanel(panel) {
          set({ panel });
        },

        focusNode(nodeId) {
          set({ selection: { nodes: [nodeId], edges: [] }, focusRequest: { nodeId } });
        },
      }),
      {
        partialize: (state) => ({ doc: state.doc }),
        equality: (past, current) => past.doc === current.doc,
        limit: 200,
      },
    ),
  );
  // Undo / redo replace the doc behind the actions' backs: drop selected things that are gone.
  store.subscribe((state, previous) => {
    if (state.doc === previous.doc) return;
    const selection = pruneSelection(state.selection, state.doc);
    if (selection !== state.selection) store.setState({ selection });
  });
  const editorStore = store as unknown as EditorStore;
  editorStore.history = createStore<DocHistory>(() => temporalHistory(editorStore));
  // zundo's history changes only while it tracks; a shared draft pauses it before taking over.
  editorStore.temporal.subscribe(() => {
    const { canUndo, canRedo } = temporalHistory(editorStore);
    editorStore.history.setState({ canUndo, canRedo });
  });
  return editorStore;
}

/** zundo's undo/redo of the store, as a `DocHistory`. */
export function temporalHistory(store: EditorStore): DocHistory {
  const { pastStates, futureStates } = store.temporal.getState();
  return {
    canUndo: pastStates.length > 0,
    canRedo: futureStates.length > 0,
    undo: () => store.temporal.getState().undo(),
    redo: () => store.temporal.getState().redo(),
  };
}

function sameIds(a: readonly string[], b: readonly string[]) {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

function pruneSelection(selection: Selection, doc: Workflow): Selection {
  const nodeIds = new Set(doc.nodes.map((n) => n.id));
  const edgeIds = new Set(doc.edges.map((e) => e.id));
  const nodes = selection.nodes.filter((id) => nodeIds.has(id));
  const edges = selection.edges.filter((id) => edgeIds.has(id));
  return nodes.length === selection.nodes.length && edges.length === selection.edges.length
    ? selection
    : { nodes, edges };
}

/** Groups diagnostics by node or edge, reusing last round's summary objects when unchanged. */
function summarise(
  diagnostics: readonly Diagnostic[],
  key: 'nodeId' | 'edgeId',
  previous: ReadonlyMap<string, ProblemSummary>,
): ReadonlyMap<string, ProblemSummary> {
  const grouped = new Map<string, Diagnostic[]>();
  for (const d of diagnostics) {
    const id = d[key];
    if (id === undefined) continue;
    if (key === 'nodeId' && d.edgeId !== undefined) continue;
    const list = grouped.get(id);
    if (list) list.push(d);
    else grouped.set(id, [d]);
  }
  const out = new Map<string, ProblemSummary>();
  for (const [id, list] of grouped) {
    const summary: ProblemSummary = {
      errors: list.filter((d) => d.severity === 'error').length,
      warnings: list.filter((d) => d.severity === 'warning').length,
      messages: list.map((d) => d.message),
    };
    const old = previous.get(id);
    out.set(
      id,
      old &&
        old.errors === summary.errors &&
        old.warnings === summary.warnings &&
        sameIds(old.messages, summary.messages)
        ? old
        : summary,
    );
  }
  return out;
}

export const EditorStoreContext = createContext<EditorStore | null>(null);

/** The editor store of the surrounding editor. */
export function useEditorStoreApi(): EditorStore {
  const store = useContext(EditorStoreContext);
  if (!store) throw new Error('useEditorStoreApi needs an EditorStoreContext provider');
  return store;
}

/** Reads a slice of the surrounding editor's state. */
export function useEditor<T>(selector: (state: EditorState) => T): T {
  return useStore(useEditorStoreApi(), selector);
}

/** Whether undo / redo have anything to do (zundo's, or a shared draft's undo manager). */
export function useHistory() {
  const store = useEditorStoreApi();
  const canUndo = useStore(store.history, (h) => h.canUndo);
  const canRedo = useStore(store.history, (h) => h.canRedo);
  return { canUndo, canRedo };
}
