import type { NodeDataOf, Predicate, ScorecardRow, Workflow, WorkflowNode } from '@accord/engine';

/**
 * The draft edits tuning makes, as pure functions of the document: the editor applies them
 * through its store (undoable, autosaved), the Tune page through `useDraftEdit`. Each answers the
 * document unchanged (the same object) when there is nothing to do, and throws an Error naming
 * what is missing when the target is gone (a teammate deleted the row meanwhile).
 */

function scorecardOf(doc: Workflow, nodeId: string): Extract<WorkflowNode, { kind: 'scorecard' }> {
  const node = doc.nodes.find((n) => n.id === nodeId);
  if (!node) throw new Error(`The step ${nodeId} is no longer in the draft.`);
  if (node.kind !== 'scorecard') throw new Error(`The step “${node.label}” is not a scorecard.`);
  return node;
}

function replaceNode(doc: Workflow, node: WorkflowNode): Workflow {
  return { ...doc, nodes: doc.nodes.map((n) => (n.id === node.id ? node : n)) };
}

/**
 * Sets the points of scorecard rows: `points` maps row id to its new points.
 * @example withRowPoints(doc, 'fit', { name: 15 }) // the Fit scorecard's row "name" now +15
 */
export function withRowPoints(
  doc: Workflow,
  nodeId: string,
  points: ReadonlyMap<string, number> | Record<string, number>,
): Workflow {
  const node = scorecardOf(doc, nodeId);
  const wanted = points instanceof Map ? points : new Map(Object.entries(points));
  for (const rowId of wanted.keys())
    if (!node.data.rows.some((r) => r.id === rowId))
      throw new Error(`The row ${rowId} is no longer in “${node.label}”.`);
  let changed = false;
  const rows = node.data.rows.map((row) => {
    const next = wanted.get(row.id);
    if (next === undefined || next === row.points) return row;
    changed = true;
    return { ...row, points: next };
  });
  return changed ? replaceNode(doc, { ...node, data: { ...node.data, rows } }) : doc;
}

/** A row id no row of `rows` uses, from a readable stem (`signal_lead_source`). */
export function freshRowId(stem: string, rows: readonly { id: string }[]): string {
  const base =
    stem
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 40) || 'row';
  const taken = new Set(rows.map((r) => r.id));
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) if (!taken.has(`${base}_${n}`)) return `${base}_${n}`;
}

/**
 * Adds a row to a scorecard (its id made unique among the scorecard's rows).
 * @example withScorecardRow(doc, 'fit', { id: 'source_webinar', label: 'Lead source is webinar', category: 'channel', points: 10, when })
 */
export function withScorecardRow(doc: Workflow, nodeId: string, row: ScorecardRow): Workflow {
  const node = scorecardOf(doc, nodeId);
  const added = { ...row, id: freshRowId(row.id, node.data.rows) };
  return replaceNode(doc, { ...node, data: { ...node.data, rows: [...node.data.rows, added] } });
}

/** Where a threshold sits: a node's predicate (or a case's, a criterion's) and a path into it. */
export interface ThresholdTarget {
  nodeId: string;
  rowId: string | null;
  path: readonly number[];
}

function setAt(predicate: Predicate, path: readonly number[], value: number): Predicate {
  if (path.length === 0) {
    if (!('op' in predicate) || (predicate.op !== 'gte' && predicate.op !== 'gt'))
      throw new Error('The threshold is no longer a “score at least” comparison.');
    // "Flag leads scoring the threshold or more": `over` becomes `at least` with it.
    return { ...predicate, op: 'gte', value };
  }
  const [index, ...rest] = path as [number, ...number[]];
  if ('all' in predicate || 'any' in predicate) {
    const key = 'all' in predicate ? 'all' : 'any';
    const children = (predicate as Record<typeof key, Predicate[]>)[key];
    const child = children[index];
    if (!child) throw new Error('The threshold is no longer where it was in the draft.');
    return {
      [key]: children.map((c, i) => (i === index ? setAt(child, rest, value) : c)),
    } as Predicate;
  }
  if ('not' in predicate && index === 0) return { not: setAt(predicate.not, rest, value) };
  throw new Error('The threshold is no longer where it was in the draft.');
}

/**
 * Sets a `score >= value` (or `>`) comparison to `score >= value`: in a condition's predicate, a switch case's
 * or a checklist criterion's (`target.rowId`), at `target.path`.
 * @example withThreshold(doc, { nodeId: 'mql_threshold', rowId: null, path: [0] }, 45)
 */
export function withThreshold(doc: Workflow, target: ThresholdTarget, value: number): Workflow {
  const node = doc.nodes.find((n) => n.id === target.nodeId);
  if (!node) throw new Error(`The step ${target.nodeId} is no longer in the draft.`);
  const missingRow = () =>
    new Error(`The rule ${target.rowId ?? ''} is no longer in “${node.label}”.`);
  let next: WorkflowNode;
  if (node.kind === 'condition' && target.rowId === null)
    next = { ...node, data: { ...node.data, when: setAt(node.data.when, target.path, value) } };
  else if (node.kind === 'switch') {
    if (!node.data.cases.some((c) => c.id === target.rowId)) throw missingRow();
    next = {
      ...node,
      data: {
        ...node.data,
        cases: node.data.cases.map((c) =>
          c.id === target.rowId ? { ...c, when: setAt(c.when, target.path, value) } : c,
        ),
      },
    };
  } else if (node.kind === 'checklist') {
    if (!node.data.criteria.some((c) => c.id === target.rowId)) throw missingRow();
    next = {
      ...node,
      data: {
        ...node.data,
        criteria: node.data.criteria.map((c) =>
          c.id === target.rowId ? { ...c, when: setAt(c.when, target.path, value) } : c,
        ),
      },
    };
  } else throw new Error(`“${node.label}” holds no score threshold.`);
  return replaceNode(doc, next);
}

/**
 * Puts a drafted scorecard in place of a scorecard's rows (and caps, which were set for the old
 * rows); the step keeps its place, name, connections and score.
 * @example withDraftedRows(doc, 'fit', drafted.data)
 */
export function withDraftedRows(
  doc: Workflow,
  nodeId: string,
  data: NodeDataOf<'scorecard'>,
): Workflow {
  const node = scorecardOf(doc, nodeId);
  return replaceNode(doc, { ...node, data: { score: node.data.score, rows: data.rows } });
}
