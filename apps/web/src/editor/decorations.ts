import {
  nodeHandles,
  type Edge as WorkflowEdge,
  type Workflow,
  type WorkflowDiff,
} from '@accord/engine';
import type { Decorations, Highlight } from './store';

/**
 * What a read-only canvas draws: a document (possibly with "ghost" nodes and edges from another
 * version, e.g. removed steps at their old positions) and the classes of its nodes and edges.
 */
export interface DecoratedWorkflow {
  doc: Workflow;
  decorations: Decorations;
}

/** The classes of a diff on the canvas; ghosts (not in the newer version) add `is-ghost`. */
export const DIFF_CLASSES = {
  added: 'is-added',
  changed: 'is-changed',
  unchanged: 'is-unchanged',
  removed: 'is-removed',
} as const;

/** The classes of two leads' paths on the canvas. */
export const PATH_CLASSES = {
  baseline: 'on-baseline',
  candidate: 'on-candidate',
  both: 'on-both',
  neither: 'off-path',
} as const;

/** Added to nodes and edges drawn from the other version (not in the document shown). */
export const GHOST_CLASS = 'is-ghost';

/** The edges a lead's path went along: consecutive steps of the path. */
export function pathHighlight(doc: Workflow, path: readonly string[]): Highlight {
  const edges = new Set<string>();
  for (let i = 0; i + 1 < path.length; i++)
    for (const e of doc.edges)
      if (e.source === path[i] && e.target === path[i + 1]) edges.add(e.id);
  return { nodes: new Set(path), edges };
}

/** Edges of `extra` that can be drawn on `doc`: new ids, both ends present, the output still there. */
function drawableEdges(doc: Workflow, extra: readonly WorkflowEdge[]): WorkflowEdge[] {
  const nodes = new Map(doc.nodes.map((n) => [n.id, n]));
  const ids = new Set(doc.edges.map((e) => e.id));
  return extra.filter((edge) => {
    const source = nodes.get(edge.source);
    return (
      !ids.has(edge.id) &&
      source !== undefined &&
      nodes.has(edge.target) &&
      nodeHandles(source).some((h) => h.id === edge.sourceHandle)
    );
  });
}

/**
 * The newer side of a diff decorated by change: added, changed and unchanged steps, plus the
 * removed steps and connections of the older side drawn as ghosts at their old positions.
 * Everything comes from the engine's diff; nothing is compared here.
 * @example diffDecorations(b, diffWorkflows(a, b)).decorations.nodes.get('fit') // 'is-changed'
 */
export function diffDecorations(after: Workflow, diff: WorkflowDiff): DecoratedWorkflow {
  const added = new Set(diff.nodes.added.map((n) => n.id));
  const changed = new Set(diff.nodes.changed.map((n) => n.nodeId));
  const nodes = new Map<string, string>();
  for (const node of after.nodes)
    nodes.set(
      node.id,
      added.has(node.id)
        ? DIFF_CLASSES.added
        : changed.has(node.id)
          ? DIFF_CLASSES.changed
          : DIFF_CLASSES.unchanged,
    );
  const removedNodes = diff.nodes.removed.filter((n) => !nodes.has(n.id));
  for (const node of removedNodes) nodes.set(node.id, `${DIFF_CLASSES.removed} ${GHOST_CLASS}`);
  const withNodes: Workflow = { ...after, nodes: [...after.nodes, ...removedNodes] };
  const removedEdges = drawableEdges(withNodes, diff.edges.removed);
  const edges = new Map<string, string>();
  for (const edge of diff.edges.added) edges.set(edge.id, DIFF_CLASSES.added);
  for (const edge of diff.edges.changed) edges.set(edge.edgeId, DIFF_CLASSES.changed);
  for (const edge of removedEdges) edges.set(edge.id, `${DIFF_CLASSES.removed} ${GHOST_CLASS}`);
  return {
    doc: { ...withNodes, edges: [...after.edges, ...removedEdges] },
    decorations: { nodes, edges },
  };
}

/**
 * A candidate workflow with a lead's baseline path and candidate path on it: steps and
 * connections on one path, on both, or on neither. Baseline steps the candidate does not have
 * are drawn as ghosts from `baselineDoc` when given, else left out.
 * @example pathDecorations(candidate, ['start', 'fit'], ['start', 'engagement']).decorations.nodes.get('start') // 'on-both'
 */
export function pathDecorations(
  doc: Workflow,
  baselinePath: readonly string[],
  candidatePath: readonly string[],
  baselineDoc?: Workflow,
): DecoratedWorkflow {
  const present = new Set(doc.nodes.map((n) => n.id));
  const ghostNodes = (baselineDoc?.nodes ?? []).filter(
    (n) => !present.has(n.id) && baselinePath.includes(n.id),
  );
  const withNodes: Workflow = { ...doc, nodes: [...doc.nodes, ...ghostNodes] };
  const baselineEdges = baselineDoc ? pathHighlight(baselineDoc, baselinePath).edges : new Set();
  const ghostEdges = drawableEdges(
    withNodes,
    (baselineDoc?.edges ?? []).filter(
      (e) =>
        baselineEdges.has(e.id) &&
        !doc.edges.some((d) => d.source === e.source && d.target === e.target),
    ),
  );
  const shown: Workflow = { ...withNodes, edges: [...doc.edges, ...ghostEdges] };
  const baseline = pathHighlight(shown, baselinePath);
  const candidate = pathHighlight(shown, candidatePath);
  const classOf = (onBaseline: boolean, onCandidate: boolean) =>
    onBaseline && onCandidate
      ? PATH_CLASSES.both
      : onBaseline
        ? PATH_CLASSES.baseline
        : onCandidate
          ? PATH_CLASSES.candidate
          : PATH_CLASSES.neither;
  const nodes = new Map<string, string>();
  for (const node of doc.nodes)
    nodes.set(node.id, classOf(baseline.nodes.has(node.id), candidate.nodes.has(node.id)));
  for (const node of ghostNodes) nodes.set(node.id, `${PATH_CLASSES.baseline} ${GHOST_CLASS}`);
  const edges = new Map<string, string>();
  for (const edge of doc.edges)
    edges.set(edge.id, classOf(baseline.edges.has(edge.id), candidate.edges.has(edge.id)));
  for (const edge of ghostEdges) edges.set(edge.id, `${PATH_CLASSES.baseline} ${GHOST_CLASS}`);
  return { doc: shown, decorations: { nodes, edges } };
}

/** How many nodes carry a class, e.g. for a legend's counts. */
export function countNodesWith(decorations: Decorations, className: string): number {
  let count = 0;
  for (const classes of decorations.nodes.values())
    if (classes.split(' ').includes(className)) count++;
  return count;
}
