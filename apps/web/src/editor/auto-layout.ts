import dagre from '@dagrejs/dagre';
import type { Workflow } from '@accord/engine';

const DEFAULT_SIZE = { width: 240, height: 120 };

/**
 * Lays the graph out left to right with dagre: each step right of the one before it, branches
 * stacked. Returns the new top-left position of every node.
 */
export function autoLayout(
  doc: Workflow,
  sizeOf: (nodeId: string) => { width?: number; height?: number } | undefined,
): Map<string, { x: number; y: number }> {
  const graph = new dagre.graphlib.Graph();
  graph.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 90, marginx: 20, marginy: 20 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of doc.nodes) {
    const size = sizeOf(node.id);
    graph.setNode(node.id, {
      width: size?.width ?? DEFAULT_SIZE.width,
      height: size?.height ?? DEFAULT_SIZE.height,
    });
  }
  for (const edge of doc.edges)
    if (graph.hasNode(edge.source) && graph.hasNode(edge.target))
      graph.setEdge(edge.source, edge.target);
  dagre.layout(graph);
  const positions = new Map<string, { x: number; y: number }>();
  for (const node of doc.nodes) {
    const laid = graph.node(node.id);
    if (!laid) continue;
    // dagre gives centres; the canvas wants top-left corners, on the 20 px grid.
    positions.set(node.id, {
      x: Math.round((laid.x - laid.width / 2) / 20) * 20,
      y: Math.round((laid.y - laid.height / 2) / 20) * 20,
    });
  }
  return positions;
}
