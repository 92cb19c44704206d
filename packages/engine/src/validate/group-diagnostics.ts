import type { Workflow } from '../schema/workflow';
import type { Diagnostic } from './diagnostic';
import { buildGraph, reachableFrom } from './graph';

/** One problem to fix, with what follows from it (fixed along with it). */
export interface DiagnosticGroup {
  cause: Diagnostic;
  /** Diagnostics that go away when the cause is fixed, e.g. the steps it cuts off. */
  consequences: Diagnostic[];
  /** The consequences in a few words, e.g. "and 12 steps after it cannot be reached". */
  summary: string[];
}

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/**
 * Folds the diagnostics that follow from one cause under it, so one deleted connection reads as
 * one problem: a step whose output leads nowhere, with the steps it cut off (no lead reaches
 * them, and their own loose ends don't matter) and the steps before it whose leads now get no
 * stage. `validate` itself keeps reporting every diagnostic, for the API, the proposal check and
 * the marks on each step; this only orders and folds them for people. Errors come first.
 * @example groupDiagnostics(doc, validate(doc)).length // 1 after deleting one connection
 */
export function groupDiagnostics(
  workflow: Workflow,
  diagnostics: readonly Diagnostic[],
): DiagnosticGroup[] {
  const graph = buildGraph(workflow);
  const reachable = reachableFrom(graph, graph.start?.id);
  const preds = new Map<string, string[]>();
  for (const [source, out] of graph.next)
    for (const target of out.values()) {
      const list = preds.get(target);
      if (list) list.push(source);
      else preds.set(target, [source]);
    }
  const downstream = (from: string) => reachableFrom(graph, from);

  // Steps no lead reaches, in regions: each region is what one entry step leads on to.
  const regionOf = new Map<string, string>();
  const claim = (root: string) => {
    for (const id of downstream(root))
      if (!reachable.has(id) && !regionOf.has(id)) regionOf.set(id, root);
  };
  const unreachable = graph.start
    ? workflow.nodes.filter((n) => graph.nodes.get(n.id) === n && !reachable.has(n.id))
    : [];
  for (const node of unreachable)
    if ((preds.get(node.id) ?? []).every((p) => reachable.has(p))) claim(node.id);
  for (const node of unreachable) if (!regionOf.has(node.id)) claim(node.id);

  // Reachable steps with an output leading nowhere: the dead ends.
  const deadEnds = new Map<string, Diagnostic>();
  for (const d of diagnostics)
    if (
      d.code === 'unconnected-handle' &&
      d.nodeId !== undefined &&
      reachable.has(d.nodeId) &&
      !deadEnds.has(d.nodeId)
    )
      deadEnds.set(d.nodeId, d);
  const roots = new Set(regionOf.values());
  // Which dead end cut a region off is only certain when there is one of each.
  const onlyDeadEnd =
    deadEnds.size === 1 && roots.size === 1 ? [...deadEnds.values()][0] : undefined;

  const groups = new Map<Diagnostic, DiagnosticGroup>();
  const groupOf = (cause: Diagnostic) => {
    let group = groups.get(cause);
    if (!group) groups.set(cause, (group = { cause, consequences: [], summary: [] }));
    return group;
  };
  const rootCause = new Map<string, Diagnostic>();
  for (const d of diagnostics)
    if (d.code === 'unreachable-node' && d.nodeId !== undefined && roots.has(d.nodeId))
      rootCause.set(d.nodeId, d);
  const folded = new Set<Diagnostic>();
  for (const d of diagnostics) {
    const id = d.nodeId;
    if (id === undefined) continue;
    let cause: Diagnostic | undefined;
    const region = regionOf.get(id);
    if (region !== undefined && (d.code === 'unreachable-node' || d.code === 'unconnected-handle'))
      cause = onlyDeadEnd ?? rootCause.get(region);
    else if (d.code === 'path-without-stage') {
      const ahead = downstream(id);
      cause = [...deadEnds].find(([end]) => ahead.has(end))?.[1];
    }
    if (cause && cause !== d) {
      groupOf(cause).consequences.push(d);
      folded.add(d);
    }
  }
  const out: DiagnosticGroup[] = [];
  for (const d of diagnostics) if (!folded.has(d)) out.push(groups.get(d) ?? groupOf(d));
  for (const group of out) {
    const cut = group.consequences.filter((d) => d.code === 'unreachable-node').length;
    const stageless = group.consequences.filter((d) => d.code === 'path-without-stage').length;
    if (cut)
      group.summary.push(
        group.cause.code === 'unreachable-node'
          ? `and ${plural(cut, 'step', 'steps')} after it cannot be reached either`
          : `and ${plural(cut, 'step', 'steps')} after it cannot be reached`,
      );
    if (stageless)
      group.summary.push(
        `so leads through ${plural(stageless, 'step', 'steps')} never get a stage`,
      );
  }
  const rank = (g: DiagnosticGroup) => (g.cause.severity === 'error' ? 0 : 1);
  return out.sort((a, b) => rank(a) - rank(b));
}
