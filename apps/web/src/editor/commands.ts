import type { NodeKind, WorkflowNode } from '@accord/engine';
import {
  addNode,
  copyFragment,
  freeSpot,
  freshId,
  moveNodes,
  nodeIds,
  pasteFragment,
  removeElements,
} from './doc-ops';
import { autoLayout, estimatedSize } from './auto-layout';
import { NODE_SPECS } from './kinds';
import type { EditorStore, Fragment } from './store';

/** The editor's clipboard, shared by every editor in the tab (copy here, paste there). */
let clipboard: Fragment | null = null;

/** Adds a node of a kind at a canvas position and selects it. */
export function addNodeOfKind(
  store: EditorStore,
  kind: NodeKind,
  position: { x: number; y: number },
) {
  const state = store.getState();
  if (state.readOnly) return;
  const doc = state.doc;
  const id = freshId(kind, nodeIds(doc));
  const { label, data } = NODE_SPECS[kind].create(doc);
  const node = {
    id,
    kind,
    label,
    data,
    position: { x: Math.round(position.x / 20) * 20, y: Math.round(position.y / 20) * 20 },
  } as WorkflowNode;
  state.change((d) => addNode(d, node));
  state.select({ nodes: [id], edges: [] });
  return id;
}

/** Deletes what is selected (the start node stays: a workflow needs its entry). */
export function deleteSelection(store: EditorStore) {
  const state = store.getState();
  const start = new Set(state.doc.nodes.filter((n) => n.kind === 'start').map((n) => n.id));
  const selection = {
    nodes: state.selection.nodes.filter((id) => !start.has(id)),
    edges: state.selection.edges,
  };
  state.change((d) => removeElements(d, selection));
  state.select({ nodes: [], edges: [] });
}

export function copySelection(store: EditorStore): boolean {
  const state = store.getState();
  const fragment = copyFragment(state.doc, state.selection);
  if (!fragment) return false;
  clipboard = fragment;
  return true;
}

export function pasteClipboard(store: EditorStore): boolean {
  return clipboard ? pasteFragmentInto(store, clipboard) : false;
}

export function duplicateSelection(store: EditorStore): boolean {
  const state = store.getState();
  const fragment = copyFragment(state.doc, state.selection);
  return fragment ? pasteFragmentInto(store, fragment) : false;
}

const boxOf = (node: WorkflowNode) => ({ ...node.position, ...estimatedSize(node) });

/**
 * Pastes a fragment on free ground next to where it was copied from: never on top of the
 * original, nor of an earlier paste of it.
 */
function pasteFragmentInto(store: EditorStore, fragment: Fragment): boolean {
  const state = store.getState();
  if (state.readOnly) return false;
  const boxes = fragment.nodes.map(boxOf);
  const left = Math.min(...boxes.map((b) => b.x));
  const top = Math.min(...boxes.map((b) => b.y));
  const size = {
    width: Math.max(...boxes.map((b) => b.x + b.width)) - left,
    height: Math.max(...boxes.map((b) => b.y + b.height)) - top,
  };
  const spot = freeSpot({ x: left + 40, y: top + 40 }, size, state.doc.nodes.map(boxOf));
  let added: string[] = [];
  state.change((d) => {
    const result = pasteFragment(d, fragment, { x: spot.x - left, y: spot.y - top });
    added = result.added;
    return result.doc;
  });
  state.select({ nodes: added, edges: [] });
  return true;
}

export function selectAll(store: EditorStore) {
  const { doc, select } = store.getState();
  select({ nodes: doc.nodes.map((n) => n.id), edges: doc.edges.map((e) => e.id) });
}

/** Re-arranges the whole graph to fit the pane readably (see `autoLayout`), as one undo step. */
export function layoutAll(
  store: EditorStore,
  sizeOf: (id: string) => { width?: number; height?: number } | undefined,
  pane?: { width: number; height: number },
) {
  const state = store.getState();
  state.change((d) => moveNodes(d, autoLayout(d, sizeOf, pane)));
}

export function undo(store: EditorStore) {
  store.getState().endCoalescing();
  store.history.getState().undo();
}

export function redo(store: EditorStore) {
  store.getState().endCoalescing();
  store.history.getState().redo();
}
