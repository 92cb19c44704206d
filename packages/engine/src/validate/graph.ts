import { nodeHandles } from '../handles';
import type { WorkflowNode } from '../schema/node';
import type { Workflow } from '../schema/workflow';

/** The routing of a workflow: for each node and handle, the node it leads to. */
export interface WorkflowGraph {
  nodes: Map<string, WorkflowNode>;
  /** node id → handle id → target node id (the first edge for that handle). */
  next: Map<string, Map<string, string>>;
  start: WorkflowNode | undefined;
}

/**
 * Indexes nodes and the usable edges (both ends exist, the handle is one of the source's).
 * @example buildGraph(workflow).next.get('start')?.get('next')
 */
export function buildGraph(workflow: Workflow): WorkflowGraph {
  const nodes = new Map<string, WorkflowNode>();
  for (const node of workflow.nodes) if (!nodes.has(node.id)) nodes.set(node.id, node);
  const next = new Map<string, Map<string, string>>();
  const handleSets = new Map<string, Set<string>>();
  for (const edge of workflow.edges) {
    const source = nodes.get(edge.source);
    const target = nodes.get(edge.target);
    if (!source || !target || target.kind === 'start') continue;
    let handles = handleSets.get(source.id);
    if (!handles)
      handleSets.set(source.id, (handles = new Set(nodeHandles(source).map((h) => h.id))));
    if (!handles.has(edge.sourceHandle)) continue;
    let out = next.get(source.id);
    if (!out) next.set(source.id, (out = new Map()));
    if (!out.has(edge.sourceHandle)) out.set(edge.sourceHandle, target.id);
  }
  const start = workflow.nodes.find((n) => n.kind === 'start');
  return { nodes, next, start };
}

/** The node ids reachable from the start, in discovery order. */
export function reachableFrom(graph: WorkflowGraph, from: string | undefined): Set<string> {
  const seen = new Set<string>();
  if (from === undefined) return seen;
  const stack = [from];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const target of graph.next.get(id)?.values() ?? [])
      if (!seen.has(target)) stack.push(target);
  }
  return seen;
}

/** Strongly connected components that form loops (size > 1, or a node pointing to itself). */
export function findCycles(graph: WorkflowGraph): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const cycles: string[][] = [];
  let counter = 0;
  const succ = (id: string) => [...(graph.next.get(id)?.values() ?? [])];
  for (const root of graph.nodes.keys()) {
    if (index.has(root)) continue;
    // Iterative Tarjan: frames of (node, successors, next successor position).
    const frames: { id: string; succ: string[]; i: number }[] = [];
    const enter = (id: string) => {
      index.set(id, counter);
      low.set(id, counter);
      counter++;
      stack.push(id);
      onStack.add(id);
      frames.push({ id, succ: succ(id), i: 0 });
    };
    enter(root);
    while (frames.length) {
      const frame = frames[frames.length - 1]!;
      if (frame.i < frame.succ.length) {
        const w = frame.succ[frame.i++]!;
        if (!index.has(w)) enter(w);
        else if (onStack.has(w)) low.set(frame.id, Math.min(low.get(frame.id)!, index.get(w)!));
        continue;
      }
      frames.pop();
      const parent = frames[frames.length - 1];
      if (parent) low.set(parent.id, Math.min(low.get(parent.id)!, low.get(frame.id)!));
      if (low.get(frame.id) === index.get(frame.id)) {
        const component: string[] = [];
        let w: string;
        do {
          w = stack.pop()!;
          onStack.delete(w);
          component.push(w);
        } while (w !== frame.id);
        const selfLoop = component.length === 1 && succ(frame.id).includes(frame.id);
        if (component.length > 1 || selfLoop) cycles.push(component.reverse());
      }
    }
  }
  return cycles;
}
