/**
 * Random and mutated workflow documents. Mutations start from the default agreement and the
 * benchmark agreement and change what an editor, a buggy client or an attacker could: any field
 * to any value, nodes and edges deleted, duplicated or re-wired, ids renamed everywhere to hostile
 * strings (so the document stays valid and reaches the compiler), prototype keys injected.
 */
import { defaultWorkflow, type WorkflowInput } from '@accord/engine';
import fc from 'fast-check';
import { benchWorkflow } from '../../../bench/bench-rules';
import { hostileNumber, hostileString, hostileValue, protoObject } from './hostile';

type Json = Record<string, unknown>;
type Slot = { parent: Json | unknown[]; key: string | number; value: unknown };

const BASES: readonly (() => WorkflowInput)[] = [defaultWorkflow, benchWorkflow];

/** Every (parent, key) in a document, depth first. */
function slots(root: unknown): Slot[] {
  const out: Slot[] = [];
  const visit = (value: unknown) => {
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        out.push({ parent: value, key: i, value: item });
        visit(item);
      });
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) {
        out.push({ parent: value as Json, key, value: item });
        visit(item);
      }
    }
  };
  visit(root);
  return out;
}

const pick = <T>(items: readonly T[], n: number): T | undefined =>
  items.length ? items[n % items.length] : undefined;

function setSlot(slot: Slot, value: unknown) {
  (slot.parent as Record<string | number, unknown>)[slot.key] = value;
}

function deleteSlot(slot: Slot) {
  if (Array.isArray(slot.parent)) slot.parent.splice(Number(slot.key), 1);
  else delete slot.parent[slot.key as string];
}

/** Renames every string equal to `from` (ids and references alike) to `to`. */
function renameEverywhere(doc: unknown, from: string, to: string) {
  for (const slot of slots(doc)) if (slot.value === from) setSlot(slot, to);
}

export type Mutation =
  | { op: 'setAny'; at: number; value: unknown }
  | { op: 'setString'; at: number; value: string }
  | { op: 'setNumber'; at: number; value: number }
  | { op: 'delete'; at: number }
  | { op: 'deleteNode'; at: number; withEdges: boolean }
  | { op: 'deleteEdge'; at: number }
  | { op: 'duplicateNode'; at: number }
  | { op: 'duplicateEdge'; at: number }
  | { op: 'rewire'; at: number; to: number; end: 'source' | 'target' | 'sourceHandle' }
  | { op: 'backEdge'; from: number; to: number }
  | { op: 'changeKind'; at: number; kind: number }
  | { op: 'renameId'; which: 'node' | 'stage' | 'score' | 'tag' | 'field'; at: number; to: string }
  | { op: 'protoKey'; at: number };

const KINDS = [
  'start',
  'condition',
  'switch',
  'scorecard',
  'checklist',
  'table',
  'assign',
  'stage',
];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('setAny' as const), at: fc.nat(), value: hostileValue }),
  fc.record({ op: fc.constant('setString' as const), at: fc.nat(), value: hostileString }),
  fc.record({ op: fc.constant('setNumber' as const), at: fc.nat(), value: hostileNumber }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('deleteNode' as const), at: fc.nat(), withEdges: fc.boolean() }),
  fc.record({ op: fc.constant('deleteEdge' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicateNode' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('duplicateEdge' as const), at: fc.nat() }),
  fc.record({
    op: fc.constant('rewire' as const),
    at: fc.nat(),
    to: fc.nat(),
    end: fc.constantFrom('source' as const, 'target' as const, 'sourceHandle' as const),
  }),
  fc.record({ op: fc.constant('backEdge' as const), from: fc.nat(), to: fc.nat() }),
  fc.record({ op: fc.constant('changeKind' as const), at: fc.nat(), kind: fc.nat() }),
  fc.record({
    op: fc.constant('renameId' as const),
    which: fc.constantFrom(
      'node' as const,
      'stage' as const,
      'score' as const,
      'tag' as const,
      'field' as const,
    ),
    at: fc.nat(),
    to: hostileString,
  }),
  fc.record({ op: fc.constant('protoKey' as const), at: fc.nat() }),
);

/** Applies one mutation in place. */
export function applyMutation(doc: Json, m: Mutation): void {
  const objects = (list: unknown): Json[] =>
    Array.isArray(list) ? list.filter((x): x is Json => !!x && typeof x === 'object') : [];
  const nodes = objects(doc.nodes);
  const edges = objects(doc.edges);
  const all = slots(doc);
  switch (m.op) {
    case 'setAny': {
      const slot = pick(all, m.at);
      if (slot) setSlot(slot, m.value);
      return;
    }
    case 'setString': {
      const slot = pick(
        all.filter((s) => typeof s.value === 'string'),
        m.at,
      );
      if (slot) setSlot(slot, m.value);
      return;
    }
    case 'setNumber': {
      const slot = pick(
        all.filter((s) => typeof s.value === 'number'),
        m.at,
      );
      if (slot) setSlot(slot, m.value);
      return;
    }
    case 'delete': {
      const slot = pick(all, m.at);
      if (slot) deleteSlot(slot);
      return;
    }
    case 'deleteNode': {
      const index = nodes.length ? m.at % nodes.length : -1;
      if (index < 0) return;
      const removed = nodes[index]!;
      doc.nodes = nodes.filter((n) => n !== removed);
      if (m.withEdges)
        doc.edges = edges.filter((e) => e.source !== removed.id && e.target !== removed.id);
      return;
    }
    case 'deleteEdge': {
      const removed = pick(edges, m.at);
      if (removed) doc.edges = edges.filter((e) => e !== removed);
      return;
    }
    case 'duplicateNode': {
      const node = pick(nodes, m.at);
      if (node && Array.isArray(doc.nodes)) doc.nodes.push(structuredClone(node));
      return;
    }
    case 'duplicateEdge': {
      const edge = pick(edges, m.at);
      if (edge && Array.isArray(doc.edges)) doc.edges.push(structuredClone(edge));
      return;
    }
    case 'rewire': {
      const edge = pick(edges, m.at);
      const node = pick(nodes, m.to);
      if (!edge || !node) return;
      edge[m.end] =
        m.end === 'sourceHandle'
          ? pick(['true', 'false', 'next', 'pass', 'default', 'x'], m.to)
          : node.id;
      return;
    }
    case 'backEdge': {
      const from = pick(nodes, m.from);
      const to = pick(nodes, m.to);
      if (from && to && Array.isArray(doc.edges))
        doc.edges.push({
          id: `back-${edges.length}`,
          source: from.id,
          sourceHandle: 'next',
          target: to.id,
        });
      return;
    }
    case 'changeKind': {
      const node = pick(nodes, m.at);
      if (node) node.kind = KINDS[m.kind % KINDS.length];
      return;
    }
    case 'renameId': {
      const ids: unknown[] =
        m.which === 'node'
          ? nodes.map((n) => n.id)
          : m.which === 'stage'
            ? (Array.isArray(doc.stages) ? (doc.stages as Json[]) : []).map((s) => s.id)
            : m.which === 'score'
              ? (Array.isArray(doc.scores) ? (doc.scores as Json[]) : []).map((s) => s.id)
              : m.which === 'tag'
                ? all.filter((s) => s.key === 'tag').map((s) => s.value)
                : all.filter((s) => s.key === 'field').map((s) => s.value);
      const from = pick(ids, m.at);
      if (typeof from === 'string' && m.to !== '') renameEverywhere(doc, from, m.to);
      return;
    }
    case 'protoKey': {
      const objects = all.filter(
        (s) => s.value !== null && typeof s.value === 'object' && !Array.isArray(s.value),
      );
      const slot = pick(objects, m.at);
      const target = (slot?.value ?? doc) as Json;
      const proto = protoObject();
      for (const key of Object.keys(proto))
        Object.defineProperty(target, key, {
          value: proto[key],
          enumerable: true,
          writable: true,
          configurable: true,
        });
      return;
    }
  }
}

/** A base agreement with 1–4 mutations. */
export const mutatedDocument: fc.Arbitrary<unknown> = fc
  .tuple(fc.nat(BASES.length - 1), fc.array(mutation, { minLength: 1, maxLength: 4 }))
  .map(([base, mutations]) => {
    const doc = structuredClone(BASES[base]!()) as unknown as Json;
    for (const m of mutations) applyMutation(doc, m);
    return doc;
  });

/**
 * A base agreement whose ids, labels and reason templates are renamed to hostile strings but which
 * stays valid, so the compiler has to carry every one of them as data.
 */
export const hostileValidDocument: fc.Arbitrary<unknown> = fc
  .tuple(
    fc.nat(BASES.length - 1),
    fc.array(
      fc.record({
        which: fc.constantFrom('node' as const, 'stage' as const, 'score' as const, 'tag' as const),
        at: fc.nat(),
        to: hostileString,
      }),
      { minLength: 1, maxLength: 6 },
    ),
    fc.array(fc.tuple(fc.nat(), hostileString), { maxLength: 6 }),
  )
  .map(([base, renames, labels]) => {
    const doc = structuredClone(BASES[base]!()) as unknown as Json;
    for (const r of renames) applyMutation(doc, { op: 'renameId', ...r });
    const texts = slots(doc).filter(
      (s) => (s.key === 'label' || s.key === 'reason') && typeof s.value === 'string',
    );
    for (const [at, text] of labels) {
      const slot = pick(texts, at);
      if (slot) setSlot(slot, text);
    }
    return doc;
  });

/** Anything at all, including objects with hostile keys and prototypes. */
export const randomDocument: fc.Arbitrary<unknown> = fc.oneof(
  fc.anything({
    maxDepth: 4,
    withObjectString: true,
    withNullPrototype: true,
    withBoxedValues: true,
    withSparseArray: true,
    key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'nodes', 'edges')),
  }),
  fc.record({
    schemaVersion: fc.oneof(fc.constant(1), hostileValue),
    stages: fc.array(fc.record({ id: hostileString, label: hostileString, order: hostileNumber }), {
      maxLength: 4,
    }),
    scores: fc.array(fc.record({ id: hostileString, label: hostileString }), { maxLength: 3 }),
    nodes: fc.array(
      fc.record({
        id: hostileString,
        kind: fc.constantFrom(...KINDS, 'script', '__proto__'),
        label: hostileString,
        position: fc.record({ x: hostileNumber, y: hostileNumber }),
        data: fc.oneof(fc.constant({}), fc.jsonValue({ maxDepth: 3 }), fc.constant(protoObject())),
      }),
      { maxLength: 6 },
    ),
    edges: fc.array(
      fc.record({
        id: hostileString,
        source: hostileString,
        sourceHandle: hostileString,
        target: hostileString,
      }),
      { maxLength: 6 },
    ),
  }),
);

/** The documents the workflow fuzz runs: mostly mutated agreements, some valid-but-hostile, some garbage. */
export const fuzzDocument: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: mutatedDocument },
  { weight: 2, arbitrary: hostileValidDocument },
  { weight: 2, arbitrary: randomDocument },
);
