import { indexCatalog } from '../catalog/catalog-index';
import type { TextContext } from '../describe/predicate-text';
import { canonicalJson } from '../hash/canonical-json';
import type { FieldCatalog } from '../schema/field-catalog';
import type { Workflow } from '../schema/workflow';
import { ITEM_NOUNS, KEY_WORDS, valueText } from './diff-workflows';

/** Which side a person chose for one conflict. */
export type MergeSide = 'mine' | 'theirs';

/** One value both sides changed to different things: a person chooses. */
export interface MergeConflict {
  /** Stable key of the conflict (a path such as `nodes[fit].data.rows[vp].points`). */
  id: string;
  /** Where, in words: step › row › field, e.g. `['Fit', 'Title is VP', 'points']`. */
  where: string[];
  base: unknown;
  mine: unknown;
  theirs: unknown;
  /** Each side's value in words (`15`, `removed`, `kept, with changes`). */
  mineText: string;
  theirsText: string;
}

export interface WorkflowMerge {
  /** The merged document; each conflict holds the chosen side (mine where none was chosen). */
  doc: Workflow;
  conflicts: MergeConflict[];
}

interface Ctx {
  choices: Readonly<Record<string, MergeSide>>;
  conflicts: MergeConflict[];
  text: TextContext;
}

type Item = { id: string; label?: unknown };
type Rec = Record<string, unknown>;

const same = (a: unknown, b: unknown) => a === b || canonicalJson(a) === canonicalJson(b);
const isRecord = (v: unknown): v is Rec => typeof v === 'object' && v !== null && !Array.isArray(v);
const isItem = (v: unknown): v is Item => isRecord(v) && typeof v.id === 'string';

/** Values merged as one: conditions, operands, event rules, table cells and comparisons. */
const ATOMIC_KEYS = new Set(['when', 'operand', 'perEvent', 'not', 'all', 'any']);
const atomicRecord = (v: Rec) =>
  'operand' in v || 'op' in v || 'all' in v || 'any' in v || 'not' in v;
/** Lists whose items are merged as one (an edge's id says what it joins). */
const ATOMIC_ITEM_LISTS = new Set(['edges']);
/** Items of these lists are named with a noun (`Stage MQL`); steps and rows by their label. */
const LIST_NOUNS: Record<string, string> = {
  stages: 'Stage',
  scores: 'Score',
  edges: 'Connection',
};
/** Keys that add no word to where a conflict is (`Fit › Title is VP › points`). */
const UNNAMED_KEYS = new Set([
  'data',
  'nodes',
  'edges',
  'stages',
  'scores',
  ...Object.keys(ITEM_NOUNS),
]);
const FIELD_WORDS: Record<string, string> = { label: 'name', description: 'description' };

function idList(values: unknown[]): Item[][] | undefined {
  const lists = values.map((v) => (v === undefined ? [] : v));
  if (!lists.every(Array.isArray)) return undefined;
  const arrays = lists as unknown[][];
  if (!arrays.some((a) => a.length > 0)) return undefined;
  for (const a of arrays) {
    if (!a.every(isItem)) return undefined;
    if (new Set(a.map((x) => x.id)).size !== a.length) return undefined;
  }
  return arrays as Item[][];
}

function describe(value: unknown, other: unknown, ctx: Ctx): string {
  if (value === undefined) return isRecord(other) ? 'removed' : '(none)';
  if (isItem(value)) return 'kept, with changes';
  return valueText(value, ctx.text);
}

function conflict(
  id: string,
  where: string[],
  base: unknown,
  mine: unknown,
  theirs: unknown,
  ctx: Ctx,
): unknown {
  ctx.conflicts.push({
    id,
    where,
    base,
    mine,
    theirs,
    mineText: describe(mine, theirs, ctx),
    theirsText: describe(theirs, mine, ctx),
  });
  return ctx.choices[id] === 'theirs' ? theirs : mine;
}

/** Three-way merge of one value; `undefined` means absent. */
function merge3(
  base: unknown,
  mine: unknown,
  theirs: unknown,
  path: string,
  where: string[],
  key: string,
  ctx: Ctx,
): unknown {
  if (same(mine, theirs)) return mine;
  if (same(mine, base)) return theirs;
  if (same(theirs, base)) return mine;
  // Both changed it, differently. Layout is not part of the agreement: my position stands.
  if (key === 'position') return mine;
  const lists = idList([base, mine, theirs]);
  if (lists) return mergeList(lists[0]!, lists[1]!, lists[2]!, path, where, key, ctx);
  if (
    isRecord(mine) &&
    isRecord(theirs) &&
    (base === undefined || isRecord(base)) &&
    !ATOMIC_KEYS.has(key) &&
    !atomicRecord(mine) &&
    !atomicRecord(theirs) &&
    mine.kind === theirs.kind
  ) {
    const b = (base ?? {}) as Rec;
    const out: Rec = {};
    for (const k of new Set([...Object.keys(theirs), ...Object.keys(mine)])) {
      const field = UNNAMED_KEYS.has(k) ? where : [...where, KEY_WORDS[k] ?? FIELD_WORDS[k] ?? k];
      const v = merge3(b[k], mine[k], theirs[k], path ? `${path}.${k}` : k, field, k, ctx);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  if (
    Array.isArray(base) &&
    Array.isArray(mine) &&
    Array.isArray(theirs) &&
    base.length === mine.length &&
    mine.length === theirs.length &&
    !ATOMIC_KEYS.has(key)
  )
    return base.map((b, i) =>
      merge3(b, mine[i], theirs[i], `${path}[${i}]`, [...where, `#${i + 1}`], '', ctx),
    );
  return conflict(path, where, base, mine, theirs, ctx);
}

const sharedOrder = (xs: Item[], ys: Item[]) => {
  const other = new Set(ys.map((y) => y.id));
  return xs.map((x) => x.id).filter((id) => other.has(id));
};

function itemName(listKey: string, item: Item | undefined, id: string): string {
  const label = typeof item?.label === 'string' && item.label ? item.label : id;
  if (listKey === 'nodes') return label;
  const noun = LIST_NOUNS[listKey];
  return noun ? `${noun} ${label}` : label;
}

/** Merges lists of items with ids by id: added, removed and changed per item, order kept. */
function mergeList(
  base: Item[],
  mine: Item[],
  theirs: Item[],
  path: string,
  where: string[],
  key: string,
  ctx: Ctx,
): Item[] {
  const b = new Map(base.map((x) => [x.id, x]));
  const m = new Map(mine.map((x) => [x.id, x]));
  const t = new Map(theirs.map((x) => [x.id, x]));
  // Order: whoever reordered the items they share with the base sets the order.
  const theirsMoved = !same(sharedOrder(theirs, base), sharedOrder(base, theirs));
  const mineMoved = !same(sharedOrder(mine, base), sharedOrder(base, mine));
  let skeleton = theirs;
  if (mineMoved && !theirsMoved) skeleton = mine;
  else if (
    mineMoved &&
    theirsMoved &&
    !same(sharedOrder(mine, theirs), sharedOrder(theirs, mine))
  ) {
    const names = (xs: Item[]) => xs.map((x) => itemName(key, x, x.id)).join(', ');
    const chosen = conflict(
      `${path}#order`,
      [...where, 'order'],
      undefined,
      names(mine),
      names(theirs),
      ctx,
    );
    skeleton = chosen === names(mine) ? mine : theirs;
  }
  const other = skeleton === mine ? theirs : mine;
  const order = skeleton.map((x) => x.id);
  const placed = new Set(order);
  other.forEach((x, i) => {
    if (placed.has(x.id)) return;
    // After the nearest item before it (in its own list) that is already placed.
    let at = 0;
    for (let j = i - 1; j >= 0; j--) {
      const k = order.indexOf(other[j]!.id);
      if (k >= 0) {
        at = k + 1;
        break;
      }
    }
    order.splice(at, 0, x.id);
    placed.add(x.id);
  });
  const atomic = ATOMIC_ITEM_LISTS.has(key);
  const out: Item[] = [];
  for (const id of order) {
    const bi = b.get(id);
    const mi = m.get(id);
    const ti = t.get(id);
    const itemPath = `${path}[${id}]`;
    const itemWhere = [...where, itemName(key, mi ?? ti ?? bi, id)];
    let v: unknown;
    if (mi && ti)
      v = atomic
        ? same(mi, ti) || same(mi, bi)
          ? ti
          : same(ti, bi)
            ? mi
            : conflict(itemPath, itemWhere, bi, mi, ti, ctx)
        : merge3(bi, mi, ti, itemPath, itemWhere, '', ctx);
    else if (!bi)
      v = mi ?? ti; // added by one side
    else if (mi)
      v = same(mi, bi) ? undefined : conflict(itemPath, itemWhere, bi, mi, undefined, ctx);
    else if (ti)
      v = same(ti, bi) ? undefined : conflict(itemPath, itemWhere, bi, undefined, ti, ctx);
    if (v !== undefined) out.push(v as Item);
  }
  return out;
}

/**
 * Three-way merge of two edits of one base document, item by item (steps, rows, cases,
 * criteria, columns, stages, scores, connections matched by id) and field by field. What only
 * one side changed is taken from that side; where both changed the same value differently (or
 * one removed what the other changed) a conflict is reported and `choices[conflict.id]` decides
 * (mine when not given). Positions both sides moved keep mine: layout is not the agreement.
 * @example
 * const { conflicts } = mergeWorkflows(base, mine, theirs, catalog);
 * const { doc } = mergeWorkflows(base, mine, theirs, catalog, { [conflicts[0].id]: 'theirs' });
 */
export function mergeWorkflows(
  base: Workflow,
  mine: Workflow,
  theirs: Workflow,
  catalog: FieldCatalog,
  choices: Readonly<Record<string, MergeSide>> = {},
): WorkflowMerge {
  const ctx: Ctx = {
    choices,
    conflicts: [],
    text: {
      catalog: indexCatalog(catalog),
      scores: new Map([...theirs.scores, ...mine.scores].map((s) => [s.id, s])),
    },
  };
  const doc = merge3(base, mine, theirs, '', [], '', ctx) as Workflow;
  return { doc, conflicts: ctx.conflicts };
}
