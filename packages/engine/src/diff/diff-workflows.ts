import { indexCatalog } from '../catalog/catalog-index';
import { predicateText, type TextContext } from '../describe/predicate-text';
import { canonicalJson } from '../hash/canonical-json';
import type { FieldCatalog } from '../schema/field-catalog';
import type { WorkflowNode } from '../schema/node';
import type { Predicate } from '../schema/predicate';
import type { Edge, ScoreDef, Stage, Workflow } from '../schema/workflow';

/** One changed value, e.g. row "Visited pricing page" points 10 → 15. */
export interface FieldChange {
  /** Path inside the node's data (or the stage / score), e.g. `rows[2].points`. */
  path: string;
  /** What a reviewer reads, e.g. `Row "Visited pricing page" points`. */
  label: string;
  /** The row, case, criterion or column the change is in, by its label (e.g. `Title is VP`). */
  item?: string;
  /** The changed field in words within the item or step, e.g. `points`; `''` for a whole item. */
  field: string;
  before: unknown;
  after: unknown;
  /** The whole change in words, e.g. `Row "Visited pricing page" points: 10 → 15`. */
  text: string;
}

export interface NodeChange {
  nodeId: string;
  label: string;
  kind: WorkflowNode['kind'];
  changes: FieldChange[];
}

export interface ItemChanges<T> {
  added: T[];
  removed: T[];
  changed: { id: string; label: string; changes: FieldChange[] }[];
}

export interface WorkflowDiff {
  nodes: { added: WorkflowNode[]; removed: WorkflowNode[]; changed: NodeChange[]; moved: string[] };
  edges: { added: Edge[]; removed: Edge[]; changed: { edgeId: string; changes: FieldChange[] }[] };
  stages: ItemChanges<Stage>;
  scores: ItemChanges<ScoreDef>;
  /** True when nothing but layout changed. */
  unchanged: boolean;
}

/** What one item of an id'd list is called, by the list's key. */
export const ITEM_NOUNS: Record<string, string> = {
  rows: 'Row',
  cases: 'Case',
  criteria: 'Criterion',
  inputs: 'Column',
};

/** How a data key reads to a person (`perEvent` → per-event rule). */
export const KEY_WORDS: Record<string, string> = {
  when: 'condition',
  perEvent: 'per-event rule',
  decayHalfLifeDays: 'half-life (days)',
  categoryCaps: 'category caps',
  atLeast: 'at least',
  hitPolicy: 'hit policy',
  cells: 'cells',
  reason: 'reason',
  min: 'minimum',
  max: 'maximum',
};

const isPredicate = (v: unknown): v is Predicate =>
  typeof v === 'object' && v !== null && ('operand' in v || 'all' in v || 'any' in v || 'not' in v);

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/**
 * A value as a reviewer reads it: a condition in words, text quoted, an item by its label.
 * @example valueText(15, ctx) // '15'
 */
export function valueText(value: unknown, ctx: TextContext): string {
  if (value === undefined) return '(none)';
  if (isPredicate(value)) return predicateText(value, ctx);
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'object' && value !== null && 'label' in value)
    return `'${String((value as { label: unknown }).label)}'`;
  return canonicalJson(value);
}

interface DiffContext {
  text: TextContext;
  out: FieldChange[];
}

/** The item a change sits in: its label as people read it and the prefix of its changes' labels. */
interface ItemScope {
  name: string;
  prefix: string;
}

function change(
  path: string,
  label: string,
  before: unknown,
  after: unknown,
  ctx: DiffContext,
  item?: ItemScope,
) {
  const text =
    before === undefined
      ? `${label}: added (${valueText(after, ctx.text)})`
      : after === undefined
        ? `${label}: removed (was ${valueText(before, ctx.text)})`
        : `${label}: ${valueText(before, ctx.text)} → ${valueText(after, ctx.text)}`;
  const field = item ? label.slice(item.prefix.length).trim() : label;
  ctx.out.push({ path, label, ...(item && { item: item.name }), field, before, after, text });
}

const hasIds = (v: unknown): v is { id: string; label?: string }[] =>
  Array.isArray(v) &&
  v.length > 0 &&
  v.every(
    (x) => typeof x === 'object' && x !== null && typeof (x as { id?: unknown }).id === 'string',
  );

const join = (path: string, key: string) => (path ? `${path}.${key}` : key);

/** Field-level differences of two values, matching id'd lists (rows, cases…) by id. */
function diffValue(
  before: unknown,
  after: unknown,
  path: string,
  label: string,
  key: string,
  ctx: DiffContext,
  item?: ItemScope,
): void {
  if (same(before, after)) return;
  const noun = ITEM_NOUNS[key];
  if (
    noun &&
    (hasIds(before) || hasIds(after)) &&
    Array.isArray(before ?? []) &&
    Array.isArray(after ?? [])
  ) {
    const a = (before ?? []) as { id: string; label?: string }[];
    const b = (after ?? []) as { id: string; label?: string }[];
    const scope = (x: { id: string; label?: string }): ItemScope => {
      const name = x.label || x.id;
      return { name, prefix: `${noun} "${name}"` };
    };
    b.forEach((x, j) => {
      const s = scope(x);
      const old = a.find((y) => y.id === x.id);
      if (old === undefined) change(`${path}[${j}]`, s.prefix, undefined, x, ctx, s);
      else diffValue(old, x, `${path}[${j}]`, s.prefix, '', ctx, s);
    });
    a.forEach((x, i) => {
      const s = scope(x);
      if (!b.some((y) => y.id === x.id)) change(`${path}[${i}]`, s.prefix, x, undefined, ctx, s);
    });
    const order = (xs: { id: string }[]) =>
      xs.map((x) => x.id).filter((id) => a.some((y) => y.id === id) && b.some((y) => y.id === id));
    if (!same(order(a), order(b)))
      change(`${path}`, `${label || key} order`, order(a), order(b), ctx, item);
    return;
  }
  const plain = (v: unknown) =>
    typeof v === 'object' && v !== null && !Array.isArray(v) && !isPredicate(v);
  if (plain(before) && plain(after)) {
    const x = before as Record<string, unknown>;
    const y = after as Record<string, unknown>;
    for (const k of new Set([...Object.keys(x), ...Object.keys(y)])) {
      const word = KEY_WORDS[k] ?? k;
      diffValue(
        x[k],
        y[k],
        join(path, k),
        label ? `${label} ${word}` : word.charAt(0).toUpperCase() + word.slice(1),
        k,
        ctx,
        item,
      );
    }
    return;
  }
  change(path, label || key, before, after, ctx, item);
}

function diffById<T extends { id: string; label: string }>(
  a: readonly T[],
  b: readonly T[],
  noun: string,
  text: TextContext,
): ItemChanges<T> {
  const result: ItemChanges<T> = { added: [], removed: [], changed: [] };
  for (const item of b) {
    const old = a.find((x) => x.id === item.id);
    if (!old) {
      result.added.push(item);
      continue;
    }
    const ctx: DiffContext = { text, out: [] };
    const prefix = `${noun} "${item.label || item.id}"`;
    diffValue(old, item, '', prefix, '', ctx, { name: item.label || item.id, prefix });
    if (ctx.out.length) result.changed.push({ id: item.id, label: item.label, changes: ctx.out });
  }
  for (const item of a) if (!b.some((x) => x.id === item.id)) result.removed.push(item);
  return result;
}

/**
 * What changed between two versions: steps, connections, stages and scores added, removed or
 * changed, with each changed value (e.g. row "Visited pricing page" points 10 → 15).
 * @example diffWorkflows(live, candidate).nodes.changed[0]?.changes[0]?.text
 * // 'Row "Visited pricing page" points: 10 → 15'
 */
export function diffWorkflows(a: Workflow, b: Workflow, catalog: FieldCatalog): WorkflowDiff {
  const text: TextContext = {
    catalog: indexCatalog(catalog),
    scores: new Map(b.scores.map((s) => [s.id, s])),
  };
  const nodes: WorkflowDiff['nodes'] = { added: [], removed: [], changed: [], moved: [] };
  for (const node of b.nodes) {
    const old = a.nodes.find((n) => n.id === node.id);
    if (!old) {
      nodes.added.push(node);
      continue;
    }
    const ctx: DiffContext = { text, out: [] };
    if (old.kind !== node.kind) change('kind', 'Kind', old.kind, node.kind, ctx);
    diffValue(old.label, node.label, 'label', 'Label', 'label', ctx);
    diffValue(old.description, node.description, 'description', 'Description', 'description', ctx);
    diffValue(old.data, node.data, '', '', 'data', ctx);
    if (ctx.out.length)
      nodes.changed.push({ nodeId: node.id, label: node.label, kind: node.kind, changes: ctx.out });
    if (!same(old.position, node.position)) nodes.moved.push(node.id);
  }
  for (const node of a.nodes) if (!b.nodes.some((n) => n.id === node.id)) nodes.removed.push(node);

  const edges: WorkflowDiff['edges'] = { added: [], removed: [], changed: [] };
  for (const edge of b.edges) {
    const old = a.edges.find((e) => e.id === edge.id);
    if (!old) edges.added.push(edge);
    else if (!same(old, edge)) {
      const ctx: DiffContext = { text, out: [] };
      for (const key of ['source', 'sourceHandle', 'target'] as const)
        diffValue(
          old[key],
          edge[key],
          key,
          key === 'sourceHandle' ? 'Output' : key === 'source' ? 'From' : 'To',
          key,
          ctx,
        );
      edges.changed.push({ edgeId: edge.id, changes: ctx.out });
    }
  }
  for (const edge of a.edges) if (!b.edges.some((e) => e.id === edge.id)) edges.removed.push(edge);

  const stages = diffById(a.stages, b.stages, 'Stage', text);
  const scores = diffById(a.scores, b.scores, 'Score', text);
  const unchanged =
    [nodes.added, nodes.removed, nodes.changed, edges.added, edges.removed, edges.changed].every(
      (x) => x.length === 0,
    ) && [stages, scores].every((x) => x.added.length + x.removed.length + x.changed.length === 0);
  return { nodes, edges, stages, scores, unchanged };
}

/**
 * The diff as plain lines for a change list or review comment.
 * @example diffLines(diffWorkflows(a, b)) // ['Changed "Engagement": Row "Visited pricing page" points: 10 → 15']
 */
export function diffLines(diff: WorkflowDiff): string[] {
  const lines: string[] = [];
  for (const n of diff.nodes.added) lines.push(`Added step "${n.label || n.id}" (${n.kind})`);
  for (const n of diff.nodes.removed) lines.push(`Removed step "${n.label || n.id}" (${n.kind})`);
  for (const n of diff.nodes.changed)
    for (const c of n.changes) lines.push(`Changed "${n.label || n.nodeId}": ${c.text}`);
  if (diff.edges.added.length) lines.push(`Added ${diff.edges.added.length} connection(s)`);
  if (diff.edges.removed.length) lines.push(`Removed ${diff.edges.removed.length} connection(s)`);
  for (const e of diff.edges.changed)
    for (const c of e.changes) lines.push(`Rerouted connection ${e.edgeId}: ${c.text}`);
  for (const [noun, items] of [
    ['stage', diff.stages],
    ['score', diff.scores],
  ] as const) {
    for (const s of items.added) lines.push(`Added ${noun} "${s.label || s.id}"`);
    for (const s of items.removed) lines.push(`Removed ${noun} "${s.label || s.id}"`);
    for (const s of items.changed) for (const c of s.changes) lines.push(c.text);
  }
  return lines;
}
