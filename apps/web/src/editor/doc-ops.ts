import {
  nodeHandles,
  type Edge as WorkflowEdge,
  type Workflow,
  type WorkflowNode,
} from '@accord/engine';
import type { Fragment, Selection } from './store';

/** Pure edits of a workflow document; each returns a new document sharing what did not change. */

/** A fresh id with a readable prefix that no node (or item) in `taken` uses. */
export function freshId(prefix: string, taken: ReadonlySet<string>): string {
  for (;;) {
    const id = `${prefix}_${Math.random().toString(36).slice(2, 8)}`;
    if (!taken.has(id)) return id;
  }
}

export function nodeIds(doc: Workflow): Set<string> {
  return new Set(doc.nodes.map((n) => n.id));
}

/** The id an edge gets from its ends, as the default workflow writes them. */
export function edgeId(source: string, sourceHandle: string, target: string): string {
  return `${source}:${sourceHandle}->${target}`;
}

export function addNode(doc: Workflow, node: WorkflowNode): Workflow {
  return { ...doc, nodes: [...doc.nodes, node] };
}

export function updateNode(
  doc: Workflow,
  id: string,
  recipe: (node: WorkflowNode) => WorkflowNode,
): Workflow {
  let changed = false;
  const nodes = doc.nodes.map((node) => {
    if (node.id !== id) return node;
    const next = recipe(node);
    if (next !== node) changed = true;
    return next;
  });
  if (!changed) return doc;
  return { ...doc, nodes, edges: pruneEdges(doc.edges, nodes) };
}

/** Moves nodes; nodes not listed keep their identity (the canvas re-renders only what moved). */
export function moveNodes(
  doc: Workflow,
  moves: ReadonlyMap<string, { x: number; y: number }>,
): Workflow {
  if (moves.size === 0) return doc;
  let changed = false;
  const nodes = doc.nodes.map((node) => {
    const to = moves.get(node.id);
    if (!to || (to.x === node.position.x && to.y === node.position.y)) return node;
    changed = true;
    return { ...node, position: { x: to.x, y: to.y } };
  });
  return changed ? { ...doc, nodes } : doc;
}

/** Removes nodes and edges, and every edge that touched a removed node. */
export function removeElements(doc: Workflow, selection: Selection): Workflow {
  if (selection.nodes.length === 0 && selection.edges.length === 0) return doc;
  const nodes = new Set(selection.nodes);
  const edges = new Set(selection.edges);
  return {
    ...doc,
    nodes: doc.nodes.filter((n) => !nodes.has(n.id)),
    edges: doc.edges.filter(
      (e) => !edges.has(e.id) && !nodes.has(e.source) && !nodes.has(e.target),
    ),
  };
}

/** Whether an edge from `source` to `target` may be drawn at all. */
export function canConnect(doc: Workflow, source: string, target: string): boolean {
  if (source === target) return false;
  const to = doc.nodes.find((n) => n.id === target);
  const from = doc.nodes.find((n) => n.id === source);
  return !!to && !!from && to.kind !== 'start' && from.kind !== 'stage';
}

/**
 * Connects an output handle to a node. An output leads to one next step, so an edge already
 * leaving that handle is replaced.
 */
export function connect(
  doc: Workflow,
  connection: { source: string; sourceHandle: string; target: string },
): Workflow {
  if (!canConnect(doc, connection.source, connection.target)) return doc;
  const id = edgeId(connection.source, connection.sourceHandle, connection.target);
  if (doc.edges.some((e) => e.id === id)) return doc;
  const edges = doc.edges.filter(
    (e) => !(e.source === connection.source && e.sourceHandle === connection.sourceHandle),
  );
  return { ...doc, edges: [...edges, { id, ...connection }] };
}

/** Moves one end of an edge (keeping the one-edge-per-output rule). */
export function reconnect(
  doc: Workflow,
  edgeIdToMove: string,
  connection: { source: string; sourceHandle: string; target: string },
): Workflow {
  const without = { ...doc, edges: doc.edges.filter((e) => e.id !== edgeIdToMove) };
  const next = connect(without, connection);
  return next === without ? doc : next;
}

/** Edges whose output handle no longer exists (a switch case was deleted) are dropped. */
function pruneEdges(edges: WorkflowEdge[], nodes: WorkflowNode[]): WorkflowEdge[] {
  const handles = new Map<string, Set<string>>();
  for (const node of nodes) handles.set(node.id, new Set(nodeHandles(node).map((h) => h.id)));
  const kept = edges.filter((e) => {
    const ofSource = handles.get(e.source);
    return !ofSource || ofSource.has(e.sourceHandle);
  });
  return kept.length === edges.length ? edges : kept;
}

/** The selected nodes and the edges between them. */
export function copyFragment(doc: Workflow, selection: Selection): Fragment | null {
  const ids = new Set(selection.nodes);
  const nodes = doc.nodes.filter((n) => ids.has(n.id) && n.kind !== 'start');
  if (nodes.length === 0) return null;
  const kept = new Set(nodes.map((n) => n.id));
  const edges = doc.edges.filter((e) => kept.has(e.source) && kept.has(e.target));
  return structuredClone({ nodes, edges });
}

/** Pastes a fragment with fresh ids, shifted by `offset`; returns the new doc and what was added. */
export function pasteFragment(
  doc: Workflow,
  fragment: Fragment,
  offset: { x: number; y: number },
): { doc: Workflow; added: string[] } {
  const taken = nodeIds(doc);
  const ids = new Map<string, string>();
  for (const node of fragment.nodes) {
    const id = freshId(node.kind, taken);
    taken.add(id);
    ids.set(node.id, id);
  }
  const nodes = fragment.nodes.map(
    (node) =>
      ({
        ...structuredClone(node),
        id: ids.get(node.id)!,
        position: { x: node.position.x + offset.x, y: node.position.y + offset.y },
      }) as WorkflowNode,
  );
  const edges = fragment.edges.map((e) => {
    const source = ids.get(e.source)!;
    const target = ids.get(e.target)!;
    return {
      id: edgeId(source, e.sourceHandle, target),
      source,
      sourceHandle: e.sourceHandle,
      target,
    };
  });
  return {
    doc: { ...doc, nodes: [...doc.nodes, ...nodes], edges: [...doc.edges, ...edges] },
    added: nodes.map((n) => n.id),
  };
}

interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * The point nearest `wanted` (searching outwards on the 20 px grid) where a box of `size` overlaps
 * none of `taken`, keeping a margin: new steps never land on top of existing ones.
 */
export function freeSpot(
  wanted: { x: number; y: number },
  size: { width: number; height: number },
  taken: readonly Rect[],
  margin = 30,
): { x: number; y: number } {
  const fits = (x: number, y: number) =>
    taken.every(
      (r) =>
        x + size.width + margin <= r.x ||
        r.x + r.width + margin <= x ||
        y + size.height + margin <= r.y ||
        r.y + r.height + margin <= y,
    );
  const snap = (v: number) => Math.round(v / 20) * 20;
  const x0 = snap(wanted.x);
  const y0 = snap(wanted.y);
  for (let ring = 0; ring < 60; ring++) {
    const step = ring * 40;
    for (let dx = -step; dx <= step; dx += 40)
      for (const dy of ring === 0 ? [0] : [-step, step])
        if (fits(x0 + dx, y0 + dy)) return { x: x0 + dx, y: y0 + dy };
    for (let dy = -step + 40; dy <= step - 40; dy += 40)
      for (const dx of [-step, step]) if (fits(x0 + dx, y0 + dy)) return { x: x0 + dx, y: y0 + dy };
  }
  return { x: x0, y: y0 };
}
