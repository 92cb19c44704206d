import {
  defaultCatalog,
  defaultWorkflow,
  nodeHandles,
  validate,
  type Comparison,
  type Predicate,
  type ScorecardRow,
  type Workflow,
  type WorkflowNode,
} from '@accord/engine';
import { predicateArb, workflowArb } from '@accord/engine/testing';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { createWorkflowDoc, readWorkflow, workflowMap, writeWorkflow } from './workflow-doc';

/**
 * Issue #20: three people edit one shared draft at once, their updates reach each other in any
 * order (late, twice, some only at the very end), and every replica ends on the same document,
 * which parses and validates. Each edit is made as the editor makes it: read the replica's
 * workflow, change it immutably, write it back.
 */

/** A pick among whatever candidates the replica has when the edit is made (index modulo count). */
type Choice = number;

type Edit =
  | { kind: 'relabel'; step: Choice; label: string }
  | { kind: 'move'; step: Choice; x: number; y: number }
  | { kind: 'addRow'; step: Choice; label: string; points: number; when: Comparison }
  | { kind: 'removeRow'; step: Choice; row: Choice }
  | { kind: 'rowPoints'; step: Choice; row: Choice; points: number }
  /** A new field: the inspector resets operator and value with it. */
  | { kind: 'rowField'; step: Choice; row: Choice; leaf: Choice; comparison: Comparison }
  | { kind: 'rowOperator'; step: Choice; row: Choice; leaf: Choice; comparison: Comparison }
  | { kind: 'rowValue'; step: Choice; row: Choice; leaf: Choice; change: ValueChange }
  | { kind: 'addStep'; step: NewStep; suffix: string; x: number; y: number }
  | { kind: 'deleteStep'; step: Choice }
  | { kind: 'connect'; source: Choice; handle: Choice; target: Choice }
  | { kind: 'disconnect'; edge: Choice }
  | { kind: 'threshold'; at: Choice; value: number }
  | { kind: 'rename'; name: string };

type ValueChange =
  | { type: 'set'; number: number; text: string }
  | { type: 'listReplace'; at: Choice; number: number; text: string }
  | { type: 'listAdd'; number: number; text: string }
  | { type: 'listRemove'; at: Choice };

type NewStep = { kind: WorkflowNode['kind']; data: unknown };

const SCORES = ['fit', 'engagement'];
const comparisonArb = predicateArb(SCORES, 0) as fc.Arbitrary<Comparison>;
const pick = fc.nat({ max: 999 });
const labelArb = fc.constantFrom('Fit', 'Title is VP', '', 'Maya’s label', 'Sam’s', 'a, b; c');
const pointsArb = fc.integer({ min: -30, max: 40 });
const numberArb = fc.constantFrom(0, 1, 5, 30, 40, 60, 200);
const textArb = fc.constantFrom('director', 'vp', 'software', 'gmail.com', '/pricing');
const valueChangeArb: fc.Arbitrary<ValueChange> = fc.oneof(
  fc.record({ type: fc.constant('set' as const), number: numberArb, text: textArb }),
  fc.record({
    type: fc.constant('listReplace' as const),
    at: pick,
    number: numberArb,
    text: textArb,
  }),
  fc.record({ type: fc.constant('listAdd' as const), number: numberArb, text: textArb }),
  fc.record({ type: fc.constant('listRemove' as const), at: pick }),
);
const newStepArb: fc.Arbitrary<NewStep> = fc.oneof(
  comparisonArb.map((when): NewStep => ({ kind: 'condition', data: { when } })),
  fc.constantFrom<NewStep>(
    { kind: 'scorecard', data: { score: 'fit', rows: [] } },
    { kind: 'assign', data: { tags: [{ tag: 'segment', value: 'SMB' }] } },
    { kind: 'stage', data: { stage: 'mql' } },
  ),
);
const rowTarget = { step: pick, row: pick };

const editArb: fc.Arbitrary<Edit> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('relabel' as const), step: pick, label: labelArb }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('move' as const),
      step: pick,
      x: fc.integer({ min: -500, max: 2000 }),
      y: fc.integer({ min: -500, max: 2000 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('addRow' as const),
      step: pick,
      label: labelArb,
      points: pointsArb,
      when: comparisonArb,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('removeRow' as const), ...rowTarget }) },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('rowPoints' as const),
      ...rowTarget,
      points: pointsArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('rowField' as const),
      ...rowTarget,
      leaf: pick,
      comparison: comparisonArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('rowOperator' as const),
      ...rowTarget,
      leaf: pick,
      comparison: comparisonArb,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('rowValue' as const),
      ...rowTarget,
      leaf: pick,
      change: valueChangeArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('addStep' as const),
      step: newStepArb,
      // A small pool, so that two people sometimes add a step with the same id at once.
      suffix: fc.constantFrom('x1', 'x2', 'x3'),
      x: fc.integer({ min: 0, max: 1200 }),
      y: fc.integer({ min: 0, max: 1200 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deleteStep' as const), step: pick }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('connect' as const),
      source: pick,
      handle: pick,
      target: pick,
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('disconnect' as const), edge: pick }) },
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('threshold' as const), at: pick, value: numberArb }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('rename' as const),
      name: fc.constantFrom('Inbound', 'Inbound B2B qualification', ''),
    }),
  },
);

const at = <T>(items: readonly T[], i: Choice): T | undefined =>
  items.length === 0 ? undefined : items[i % items.length];

const replaceNode = (w: Workflow, node: WorkflowNode): Workflow => ({
  ...w,
  nodes: w.nodes.map((n) => (n.id === node.id ? node : n)),
});

/** The comparisons of a predicate, depth first. */
function leaves(p: Predicate): Comparison[] {
  if ('operand' in p) return [p];
  if ('all' in p) return p.all.flatMap(leaves);
  if ('any' in p) return p.any.flatMap(leaves);
  return leaves(p.not);
}

/** The predicate with its comparisons mapped (immutably), depth first. */
function mapLeaves(p: Predicate, fn: (c: Comparison) => Comparison): Predicate {
  if ('operand' in p) return fn(p);
  if ('all' in p) return { all: p.all.map((q) => mapLeaves(q, fn)) };
  if ('any' in p) return { any: p.any.map((q) => mapLeaves(q, fn)) };
  return { not: mapLeaves(p.not, fn) };
}

/** The node with every predicate it holds mapped, leaf by leaf. */
function mapNodeLeaves(node: WorkflowNode, fn: (c: Comparison) => Comparison): WorkflowNode {
  const map = (p: Predicate) => mapLeaves(p, fn);
  switch (node.kind) {
    case 'condition':
      return { ...node, data: { when: map(node.data.when) } };
    case 'switch':
      return {
        ...node,
        data: { cases: node.data.cases.map((c) => ({ ...c, when: map(c.when) })) },
      };
    case 'checklist':
      return {
        ...node,
        data: {
          ...node.data,
          criteria: node.data.criteria.map((c) => ({ ...c, when: map(c.when) })),
        },
      };
    case 'scorecard':
      return {
        ...node,
        data: {
          ...node.data,
          rows: node.data.rows.map((r) => (r.when ? { ...r, when: map(r.when) } : r)),
        },
      };
    default:
      return node;
  }
}

function changeValue(value: Comparison['value'], change: ValueChange): Comparison['value'] {
  const item = (like: unknown, c: { number: number; text: string }) =>
    typeof like === 'number' ? c.number : c.text;
  switch (change.type) {
    case 'set':
      if (typeof value === 'number') return change.number;
      if (typeof value === 'boolean') return !value;
      return Array.isArray(value) || value === undefined ? change.number : change.text;
    case 'listReplace':
      if (!Array.isArray(value) || value.length === 0) return value;
      return value.map((v, i) => (i === change.at % value.length ? item(v, change) : v));
    case 'listAdd':
      return Array.isArray(value) ? [...value, item(value[0] ?? '', change)] : value;
    case 'listRemove':
      return Array.isArray(value) && value.length > 1
        ? value.filter((_, i) => i !== change.at % value.length)
        : value;
  }
}

/** What an edit did that the end state can be checked against. */
interface Trace {
  addedSteps: Set<string>;
  deletedSteps: Set<string>;
}

/** The document after one person's edit, as the editor computes it from what that person sees. */
function applyEdit(w: Workflow, edit: Edit, trace: Trace): Workflow {
  const scorecards = w.nodes.filter((n) => n.kind === 'scorecard');
  const withRow = (
    step: Choice,
    row: Choice,
    fn: (row: ScorecardRow) => ScorecardRow,
  ): Workflow => {
    const node = at(scorecards, step);
    const target = node && at(node.data.rows, row);
    if (!node || !target) return w;
    return replaceNode(w, {
      ...node,
      data: { ...node.data, rows: node.data.rows.map((r) => (r === target ? fn(r) : r)) },
    });
  };
  const withLeaf = (
    e: { step: Choice; row: Choice; leaf: Choice },
    fn: (c: Comparison) => Comparison,
  ): Workflow =>
    withRow(e.step, e.row, (row) => {
      if (!row.when) return row;
      const target = at(leaves(row.when), e.leaf);
      return { ...row, when: mapLeaves(row.when, (c) => (c === target ? fn(c) : c)) };
    });

  switch (edit.kind) {
    case 'relabel': {
      const node = at(w.nodes, edit.step);
      return node ? replaceNode(w, { ...node, label: edit.label }) : w;
    }
    case 'move': {
      const node = at(w.nodes, edit.step);
      return node ? replaceNode(w, { ...node, position: { x: edit.x, y: edit.y } }) : w;
    }
    case 'addRow': {
      const node = at(scorecards, edit.step);
      if (!node) return w;
      // As the inspector names a new row (freshItemId): two people adding one at once pick the
      // same id, which validation then reports.
      const taken = new Set(node.data.rows.map((r) => r.id));
      let n = node.data.rows.length + 1;
      while (taken.has(`row_${n}`)) n++;
      const row: ScorecardRow = {
        id: `row_${n}`,
        label: edit.label,
        category: 'profile',
        points: edit.points,
        when: edit.when,
      };
      return replaceNode(w, { ...node, data: { ...node.data, rows: [...node.data.rows, row] } });
    }
    case 'removeRow': {
      const node = at(scorecards, edit.step);
      const target = node && at(node.data.rows, edit.row);
      if (!node || !target) return w;
      return replaceNode(w, {
        ...node,
        data: { ...node.data, rows: node.data.rows.filter((r) => r !== target) },
      });
    }
    case 'rowPoints':
      return withRow(edit.step, edit.row, (row) => ({ ...row, points: edit.points }));
    case 'rowField':
      return withLeaf(edit, () => edit.comparison);
    case 'rowOperator':
      return withLeaf(edit, (c) => {
        const { value } = edit.comparison;
        return value === undefined
          ? { operand: c.operand, op: edit.comparison.op }
          : { operand: c.operand, op: edit.comparison.op, value };
      });
    case 'rowValue':
      return withLeaf(edit, (c) => {
        const value = changeValue(c.value, edit.change);
        return value === undefined ? c : { ...c, value };
      });
    case 'addStep': {
      const ids = new Set(w.nodes.map((n) => n.id));
      let id = `${edit.step.kind}_${edit.suffix}`;
      for (let n = 2; ids.has(id); n++) id = `${edit.step.kind}_${edit.suffix}${n}`;
      trace.addedSteps.add(id);
      const node = {
        id,
        label: 'New step',
        position: { x: edit.x, y: edit.y },
        ...edit.step,
      } as WorkflowNode;
      return { ...w, nodes: [...w.nodes, node] };
    }
    case 'deleteStep': {
      const node = at(w.nodes, edit.step);
      if (!node) return w;
      trace.deletedSteps.add(node.id);
      return {
        ...w,
        nodes: w.nodes.filter((n) => n !== node),
        edges: w.edges.filter((e) => e.source !== node.id && e.target !== node.id),
      };
    }
    case 'connect': {
      const source = at(
        w.nodes.filter((n) => n.kind !== 'stage'),
        edit.source,
      );
      const handle = source && at(nodeHandles(source), edit.handle);
      const target = at(
        w.nodes.filter((n) => n.kind !== 'start' && n.id !== source?.id),
        edit.target,
      );
      if (!source || !handle || !target) return w;
      const id = `${source.id}:${handle.id}->${target.id}`;
      if (w.edges.some((e) => e.id === id)) return w;
      // One output leads to one next step: an edge already leaving this handle is replaced.
      const others = w.edges.filter(
        (e) => !(e.source === source.id && e.sourceHandle === handle.id),
      );
      return {
        ...w,
        edges: [...others, { id, source: source.id, sourceHandle: handle.id, target: target.id }],
      };
    }
    case 'disconnect': {
      const target = at(w.edges, edit.edge);
      return target ? { ...w, edges: w.edges.filter((e) => e !== target) } : w;
    }
    case 'threshold': {
      const thresholds = w.nodes.flatMap((node) =>
        collectLeaves(node).filter((c) => c.operand.kind === 'score'),
      );
      const target = at(thresholds, edit.at);
      if (!target) return w;
      return {
        ...w,
        nodes: w.nodes.map((node) =>
          mapNodeLeaves(node, (c) => (c === target ? { ...c, value: edit.value } : c)),
        ),
      };
    }
    case 'rename':
      return { ...w, name: edit.name };
  }
}

function collectLeaves(node: WorkflowNode): Comparison[] {
  const found: Comparison[] = [];
  mapNodeLeaves(node, (c) => {
    found.push(c);
    return c;
  });
  return found;
}

type Action =
  | { type: 'edit'; replica: number; edit: Edit; hold: boolean }
  | { type: 'deliver'; pick: Choice; again: boolean };

const rarely = fc.oneof(
  { weight: 6, arbitrary: fc.constant(false) },
  { weight: 1, arbitrary: fc.constant(true) },
);
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  fc.record({
    type: fc.constant('edit' as const),
    replica: fc.integer({ min: 0, max: 2 }),
    edit: editArb,
    // Its update reaches the others only at the very end.
    hold: rarely,
  }),
  // A message delivered, and with `again` left in the queue to arrive a second time.
  fc.record({ type: fc.constant('deliver' as const), pick, again: rarely }),
);

const REMOTE = Symbol('remote');

interface Message {
  to: number;
  update: Uint8Array;
  held: boolean;
}

/**
 * Three replicas of `start`, as three editors load it from the server, each broadcasting its own
 * updates into one shared queue of messages that `deliver` hands out in any order.
 */
function network(start: Workflow) {
  const server = createWorkflowDoc(start);
  const docs = [1, 2, 3].map((clientID) => {
    const doc = new Y.Doc();
    doc.clientID = clientID;
    Y.applyUpdate(doc, Y.encodeStateAsUpdate(server), REMOTE);
    return doc;
  });
  const queue: Message[] = [];
  let holding = false;
  docs.forEach((doc, from) =>
    doc.on('update', (update: Uint8Array, origin: unknown) => {
      if (origin === REMOTE) return;
      docs.forEach((_, to) => {
        if (to !== from) queue.push({ to, update, held: holding });
      });
    }),
  );
  return {
    docs,
    queue,
    /** Makes `fn`'s updates wait until `flush`. */
    holdWhile(hold: boolean, fn: () => void) {
      holding = hold;
      try {
        fn();
      } finally {
        holding = false;
      }
    },
    /** Delivers one waiting (not held) message; with `again` it stays queued for a second delivery. */
    deliver(choice: Choice, again: boolean) {
      const ready = queue.filter((m) => !m.held);
      const message = at(ready, choice);
      if (!message) return;
      if (!again) queue.splice(queue.indexOf(message), 1);
      Y.applyUpdate(docs[message.to]!, message.update, REMOTE);
    },
    /** Delivers everything still queued, held ones included, in the order `choices` picks. */
    flush(choices: readonly Choice[]) {
      for (let i = 0; queue.length > 0; i++) {
        const index = (choices[i % Math.max(1, choices.length)] ?? 0) % queue.length;
        const [message] = queue.splice(index, 1);
        Y.applyUpdate(docs[message!.to]!, message!.update, REMOTE);
      }
    },
  };
}

function readOk(doc: Y.Doc): Workflow {
  const read = readWorkflow(doc);
  if (!read.ok) throw new Error(`does not read: ${read.errors[0]?.message}`);
  return read.workflow;
}

const origins = ['maya', 'sam', 'ana'];

function run(start: Workflow, actions: readonly Action[], flushOrder: readonly Choice[]) {
  const net = network(start);
  const trace: Trace = { addedSteps: new Set(), deletedSteps: new Set() };
  for (const action of actions) {
    if (action.type === 'deliver') {
      net.deliver(action.pick, action.again);
      continue;
    }
    const doc = net.docs[action.replica]!;
    const next = applyEdit(readOk(doc), action.edit, trace);
    net.holdWhile(action.hold, () => writeWorkflow(doc, next, origins[action.replica]));
  }
  net.flush(flushOrder);
  return { docs: net.docs, trace };
}

function expectConverged(docs: Y.Doc[]): Workflow {
  const [first, ...rest] = docs.map((doc) => ({
    vector: Y.decodeStateVector(Y.encodeStateVector(doc)),
    raw: workflowMap(doc).toJSON(),
    read: readWorkflow(doc),
  }));
  for (const other of rest) {
    expect(other.vector).toEqual(first!.vector);
    expect(other.raw).toEqual(first!.raw);
    expect(other.read).toEqual(first!.read);
  }
  expect(first!.read.ok).toBe(true);
  const workflow = readOk(docs[0]!);
  expect(() => validate(workflow, defaultCatalog)).not.toThrow();
  const ids = workflow.nodes.map((n) => n.id);
  expect(new Set(ids).size).toBe(ids.length);
  return workflow;
}

const sessionArb = fc.record({
  actions: fc.array(actionArb, { minLength: 10, maxLength: 80, size: 'medium' }),
  flushOrder: fc.array(pick, { maxLength: 30 }),
});

describe('three people editing one draft at once (issue #20)', () => {
  it('converge on one document that parses and validates, from the default workflow', () => {
    fc.assert(
      fc.property(sessionArb, ({ actions, flushOrder }) => {
        const { docs, trace } = run(defaultWorkflow(), actions, flushOrder);
        const workflow = expectConverged(docs);
        const ids = new Set(workflow.nodes.map((n) => n.id));
        // A step somebody added and nobody deleted is there; a step somebody deleted is gone
        // (unless somebody added one with its id again).
        for (const id of trace.addedSteps)
          if (!trace.deletedSteps.has(id)) expect(ids).toContain(id);
        for (const id of trace.deletedSteps)
          if (!trace.addedSteps.has(id)) expect(ids).not.toContain(id);
      }),
      { numRuns: 100 },
    );
  }, 60_000);

  it('converge from random valid workflows', () => {
    fc.assert(
      fc.property(workflowArb, sessionArb, (start, { actions, flushOrder }) => {
        const { docs } = run(start, actions, flushOrder);
        expectConverged(docs);
      }),
      { numRuns: 100 },
    );
  }, 60_000);
});

/** What the undoer's edit changed, which nobody else touches in the undo test. */
interface Mine {
  step?: string;
  name?: boolean;
}

/**
 * The edit aimed at the step `choose` picks among those it applies to, or a new step or a new
 * name; with `mine` saying what it changes. Undefined when the document has nothing to aim at.
 */
function aimedEdit(
  w: Workflow,
  choose: (candidates: WorkflowNode[]) => WorkflowNode | undefined,
  edit: Edit,
): { edit: Edit; mine: Mine } | undefined {
  const scorecards: WorkflowNode[] = w.nodes.filter((n) => n.kind === 'scorecard');
  switch (edit.kind) {
    case 'relabel':
    case 'move':
    case 'deleteStep': {
      const node = choose(w.nodes);
      return node && { edit: { ...edit, step: w.nodes.indexOf(node) }, mine: { step: node.id } };
    }
    case 'addRow':
    case 'removeRow':
    case 'rowPoints':
    case 'rowField':
    case 'rowOperator':
    case 'rowValue': {
      const node = choose(scorecards);
      return node && { edit: { ...edit, step: scorecards.indexOf(node) }, mine: { step: node.id } };
    }
    case 'threshold': {
      const counts = w.nodes.map(
        (node) => collectLeaves(node).filter((c) => c.operand.kind === 'score').length,
      );
      const withThresholds = w.nodes.filter((_, i) => counts[i]! > 0);
      const node = choose(withThresholds);
      if (!node) return undefined;
      const index = w.nodes.indexOf(node);
      const before = counts.slice(0, index).reduce((sum, n) => sum + n, 0);
      return {
        edit: { ...edit, at: before + (edit.at % counts[index]!) },
        mine: { step: node.id },
      };
    }
    case 'addStep':
      return {
        edit: { ...edit, suffix: 'mine' },
        mine: { step: `${edit.step.kind}_mine` },
      };
    case 'rename':
      return { edit, mine: { name: true } };
    case 'connect':
    case 'disconnect':
      return undefined;
  }
}

const incident = (w: Workflow, id: string) =>
  w.edges.filter((e) => e.source === id || e.target === id);

/** Whether going from `a` to `b` changes what the undoer's edit changed. */
function touches(a: Workflow, b: Workflow, mine: Mine): boolean {
  if (mine.name && a.name !== b.name) return true;
  if (mine.step === undefined) return false;
  const id = mine.step;
  return (
    JSON.stringify(a.nodes.find((n) => n.id === id)) !==
      JSON.stringify(b.nodes.find((n) => n.id === id)) ||
    JSON.stringify(incident(a, id)) !== JSON.stringify(incident(b, id))
  );
}

/** The workflow with the undoer's step (and its connections) or name as they were at the start. */
function restored(w: Workflow, start: Workflow, mine: Mine): Workflow {
  const id = mine.step;
  const base: Workflow =
    id === undefined
      ? w
      : {
          ...w,
          nodes: [...w.nodes.filter((n) => n.id !== id), ...start.nodes.filter((n) => n.id === id)],
          edges: [
            ...w.edges.filter((e) => e.source !== id && e.target !== id),
            ...incident(start, id),
          ],
        };
  if (!mine.name) return base;
  const { name: _, ...rest } = base;
  return start.name === undefined ? rest : { ...rest, name: start.name };
}

/** Steps and connections in id order: their order in the lists carries no meaning. */
const normalised = (w: Workflow) => ({
  ...w,
  nodes: [...w.nodes].sort((a, b) => a.id.localeCompare(b.id)),
  edges: [...w.edges].sort((a, b) => a.id.localeCompare(b.id)),
});

interface UndoSession {
  start: Workflow;
  target: Choice;
  edit: Edit;
  hold: boolean;
  before: Action[];
  after: Action[];
  flushOrder: Choice[];
}

/**
 * Maya (replica 0) makes one edit and undoes it with an UndoManager tracking her origin, while
 * Sam and Ana (replicas 1 and 2) edit everything else; updates travel as in the convergence
 * test, and the undo runs before Maya has seen all of theirs.
 */
function undoSession(session: UndoSession, undo: boolean) {
  const net = network(session.start);
  const trace: Trace = { addedSteps: new Set(), deletedSteps: new Set() };
  const maya = net.docs[0]!;
  const undoManager = new Y.UndoManager(workflowMap(maya), {
    trackedOrigins: new Set([origins[0]]),
    captureTimeout: 0,
  });
  // The step is chosen in the document all three start from; nobody else touches it.
  const mine =
    aimedEdit(session.start, (nodes) => at(nodes, session.target), session.edit)?.mine ?? {};
  const others = (actions: Action[], mine: Mine) => {
    for (const action of actions) {
      if (action.type === 'deliver') {
        net.deliver(action.pick, action.again);
        continue;
      }
      const replica = 1 + (action.replica % 2);
      const doc = net.docs[replica]!;
      const current = readOk(doc);
      const next = applyEdit(current, action.edit, trace);
      if (touches(current, next, mine)) continue;
      net.holdWhile(action.hold, () => writeWorkflow(doc, next, origins[replica]));
    }
  };
  others(session.before, mine);
  const current = readOk(maya);
  const aimed = aimedEdit(current, (nodes) => nodes.find((n) => n.id === mine.step), session.edit);
  if (aimed) {
    const next = applyEdit(current, aimed.edit, trace);
    net.holdWhile(session.hold, () => writeWorkflow(maya, next, origins[0]));
  }
  others(session.after, mine);
  if (undo) undoManager.undo();
  net.flush(session.flushOrder);
  return { docs: net.docs, mine };
}

const undoSessionArb: fc.Arbitrary<UndoSession> = fc.record({
  start: fc.oneof(fc.constant(defaultWorkflow()), workflowArb),
  target: pick,
  edit: editArb.filter((e) => e.kind !== 'connect' && e.kind !== 'disconnect'),
  hold: rarely,
  before: fc.array(actionArb, { maxLength: 20 }),
  after: fc.array(actionArb, { minLength: 1, maxLength: 30 }),
  flushOrder: fc.array(pick, { maxLength: 20 }),
});

describe('per-person undo in a shared draft (issue #20)', () => {
  it('removes only the undoer’s edit, whatever the others did meanwhile', () => {
    fc.assert(
      fc.property(undoSessionArb, (session) => {
        const kept = undoSession(session, false);
        const undone = undoSession(session, true);
        expectConverged(kept.docs);
        const workflow = expectConverged(undone.docs);
        expect(normalised(workflow)).toEqual(
          normalised(restored(readOk(kept.docs[0]!), session.start, kept.mine)),
        );
      }),
      { numRuns: 40 },
    );
  }, 60_000);
});
