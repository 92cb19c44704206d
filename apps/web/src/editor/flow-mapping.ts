import type { Edge as WorkflowEdge, Workflow, WorkflowNode } from '@accord/engine';
import {
  MarkerType,
  applyEdgeChanges,
  applyNodeChanges,
  type Connection,
  type Edge,
  type EdgeChange,
  type Node,
  type NodeChange,
} from '@xyflow/react';
import type { Selection } from './store';

/**
 * The one place that knows React Flow's shapes: engine documents become React Flow nodes and
 * edges (`toFlow`) and React Flow's changes become document edits (`fromFlow`). A flow node
 * carries its engine node, so nothing is copied twice and unchanged nodes keep their identity
 * (React Flow re-renders only the nodes whose object changed: this is what keeps dragging on a
 * 500-node workflow cheap).
 */

export const FLOW_NODE_TYPE = 'workflow';
export const FLOW_EDGE_TYPE = 'workflow';

export type FlowNode = Node<{ node: WorkflowNode }, typeof FLOW_NODE_TYPE>;
export type FlowEdge = Edge<{ edge: WorkflowEdge }, typeof FLOW_EDGE_TYPE>;

interface Measured {
  width?: number;
  height?: number;
}

/** What toFlow remembers between calls to hand back the same objects for unchanged nodes. */
export interface FlowCache {
  nodes: Map<
    string,
    { source: WorkflowNode; selected: boolean; measured?: Measured; out: FlowNode }
  >;
  edges: Map<string, { source: WorkflowEdge; selected: boolean; out: FlowEdge }>;
  /** Sizes React Flow measured; it needs them back on every node it is given. */
  measured: Map<string, Measured>;
  /** The last edge array handed out: the same array while no edge changed (React Flow then
   * skips rebuilding its connection index, which matters on every frame of a drag). */
  lastEdges?: FlowEdge[];
}

// In user space, so a thick highlighted edge does not draw a huge arrow head.
const ARROW = {
  type: MarkerType.ArrowClosed,
  width: 14,
  height: 14,
  color: '#94a3b8',
  markerUnits: 'userSpaceOnUse',
};

export function createFlowCache(): FlowCache {
  return { nodes: new Map(), edges: new Map(), measured: new Map() };
}

/**
 * A workflow as React Flow nodes and edges, with the selection applied.
 * @example const { nodes, edges } = toFlow(doc, { nodes: ['start'], edges: [] }, cache);
 */
export function toFlow(
  doc: Workflow,
  selection: Selection,
  cache: FlowCache = createFlowCache(),
  /** Nodes not to draw (yet), with their edges. */
  hidden: ReadonlySet<string> = new Set(),
): { nodes: FlowNode[]; edges: FlowEdge[] } {
  const selectedNodes = new Set(selection.nodes);
  const selectedEdges = new Set(selection.edges);
  const seenNodes = new Set<string>();
  const shownNodes = hidden.size ? doc.nodes.filter((n) => !hidden.has(n.id)) : doc.nodes;
  const shownEdges = hidden.size
    ? doc.edges.filter((e) => !hidden.has(e.source) && !hidden.has(e.target))
    : doc.edges;
  const nodes = shownNodes.map((node) => {
    seenNodes.add(node.id);
    const selected = selectedNodes.has(node.id);
    const measured = cache.measured.get(node.id);
    const hit = cache.nodes.get(node.id);
    if (hit && hit.source === node && hit.selected === selected && hit.measured === measured)
      return hit.out;
    const out: FlowNode = {
      id: node.id,
      type: FLOW_NODE_TYPE,
      position: node.position,
      data: { node },
      selected,
      deletable: false,
      ...(measured ? { measured } : {}),
    };
    cache.nodes.set(node.id, { source: node, selected, measured, out });
    return out;
  });
  for (const id of cache.nodes.keys()) if (!seenNodes.has(id)) cache.nodes.delete(id);
  const seenEdges = new Set<string>();
  const edges = shownEdges.map((edge) => {
    seenEdges.add(edge.id);
    const selected = selectedEdges.has(edge.id);
    const hit = cache.edges.get(edge.id);
    if (hit && hit.source === edge && hit.selected === selected) return hit.out;
    const out: FlowEdge = {
      id: edge.id,
      type: FLOW_EDGE_TYPE,
      source: edge.source,
      sourceHandle: edge.sourceHandle,
      target: edge.target,
      data: { edge },
      selected,
      deletable: false,
      markerEnd: ARROW,
    };
    cache.edges.set(edge.id, { source: edge, selected, out });
    return out;
  });
  for (const id of cache.edges.keys()) if (!seenEdges.has(id)) cache.edges.delete(id);
  const last = cache.lastEdges;
  const sameEdges = last?.length === edges.length && edges.every((e, i) => e === last[i]);
  if (!sameEdges) cache.lastEdges = edges;
  return { nodes, edges: sameEdges ? last! : edges };
}

/**
 * React Flow nodes and edges back as engine nodes and edges: positions from the canvas, the
 * rest from the engine objects they carry (same object when the node did not move).
 */
export function fromFlow(
  nodes: readonly FlowNode[],
  edges: readonly FlowEdge[],
): { nodes: WorkflowNode[]; edges: WorkflowEdge[]; selection: Selection } {
  return {
    nodes: nodes.map((n) => {
      const node = n.data.node;
      return n.position.x === node.position.x && n.position.y === node.position.y
        ? node
        : { ...node, position: { x: n.position.x, y: n.position.y } };
    }),
    edges: edges.map((e) => e.data?.edge ?? flowEdgeToEdge(e)),
    selection: {
      nodes: nodes.filter((n) => n.selected).map((n) => n.id),
      edges: edges.filter((e) => e.selected).map((e) => e.id),
    },
  };
}

function flowEdgeToEdge(e: FlowEdge): WorkflowEdge {
  return { id: e.id, source: e.source, sourceHandle: e.sourceHandle ?? '', target: e.target };
}

/** What a batch of React Flow node changes means for the document. */
export interface NodeChangeOutcome {
  /** New positions of moved nodes. */
  moves: Map<string, { x: number; y: number }>;
  /** Whether a drag is still under way (moves of one drag are one undo step). */
  dragging: boolean;
  /** The selection after the changes, when they changed it. */
  selection?: Selection;
  /** Whether React Flow measured a node (the caller re-renders to hand the sizes back). */
  measured: boolean;
}

/**
 * Interprets React Flow's node changes (drag, select, measure) against the flow nodes shown.
 * Removals and additions never come from React Flow: the editor makes them itself.
 */
export function nodeChangesToEdits(
  changes: NodeChange<FlowNode>[],
  shown: FlowNode[],
  currentEdgesSelected: readonly string[],
  cache: FlowCache,
): NodeChangeOutcome {
  const outcome: NodeChangeOutcome = { moves: new Map(), dragging: false, measured: false };
  let selectionChanged = false;
  const relevant: NodeChange<FlowNode>[] = [];
  for (const change of changes) {
    if (change.type === 'dimensions') {
      if (change.dimensions) {
        const old = cache.measured.get(change.id);
        if (old?.width !== change.dimensions.width || old?.height !== change.dimensions.height) {
          cache.measured.set(change.id, { ...change.dimensions });
          outcome.measured = true;
        }
      }
    } else if (change.type === 'position') {
      if (change.dragging) outcome.dragging = true;
      relevant.push(change);
    } else if (change.type === 'select') {
      selectionChanged = true;
      relevant.push(change);
    }
  }
  if (relevant.length === 0) return outcome;
  const next = applyNodeChanges(relevant, shown);
  const back = fromFlow(next, []);
  back.nodes.forEach((node, i) => {
    if (node !== shown[i]?.data.node) outcome.moves.set(node.id, node.position);
  });
  if (selectionChanged)
    outcome.selection = { nodes: back.selection.nodes, edges: currentEdgesSelected };
  return outcome;
}

/** The edge selection after React Flow's edge changes (only selection comes from it). */
export function edgeChangesToSelection(
  changes: EdgeChange<FlowEdge>[],
  shown: FlowEdge[],
  currentNodesSelected: readonly string[],
): Selection | undefined {
  const relevant = changes.filter((c) => c.type === 'select');
  if (relevant.length === 0) return undefined;
  const back = fromFlow([], applyEdgeChanges(relevant, shown));
  return { nodes: currentNodesSelected, edges: back.selection.edges };
}

/** A React Flow connection as the ends of a document edge, or null when incomplete. */
export function connectionToEdgeEnds(
  connection: Connection | FlowEdge,
): { source: string; sourceHandle: string; target: string } | null {
  if (!connection.source || !connection.target || !connection.sourceHandle) return null;
  return {
    source: connection.source,
    sourceHandle: connection.sourceHandle,
    target: connection.target,
  };
}
