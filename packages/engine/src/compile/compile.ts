import { indexCatalog } from '../catalog/catalog-index';
import { hashWorkflow } from '../hash/hash-workflow';
import { runtime } from '../runtime/runtime';
import type { FieldCatalog } from '../schema/field-catalog';
import type { Lead, LeadInput } from '../schema/lead';
import type { NodeKind, NodeOf, WorkflowNode } from '../schema/node';
import type { Result } from '../schema/result';
import { isComparison, type Predicate } from '../schema/predicate';
import type { Stage, Workflow } from '../schema/workflow';
import { hasErrors, type Diagnostic } from '../validate/diagnostic';
import { buildGraph, type WorkflowGraph } from '../validate/graph';
import { assignedTags, checkDocument, internalError } from '../validate/validate';
import { Codegen, type ScoreSlot, type TagSlot } from './codegen';
import { nodeCompilers, type NodeCompileContext, type NodeCompiler } from './node-compilers';

/** When to evaluate a lead as of: all time arithmetic (windows, decay) counts from it. */
export interface EvaluateOptions {
  asOf: Date | number | string;
  /**
   * With `compile(…, { tally: true })`: the counters the evaluation increments, one per entry of
   * the compile result's `tallyKeys` (each step the lead passes, each row that fires).
   */
  hits?: Uint32Array;
}

/** What a tally counter counts: a step of the path, or a row (scorecard, table) that fired. */
export interface TallyKey {
  nodeId: string;
  rowId?: string;
}

export interface CompileOptions {
  /**
   * Build explanations (path, reasons, checklist outcome); on by default. Off, results carry the
   * stage, scores and tags with empty path and reasons: for bulk scoring where only the verdict
   * counts.
   */
  explain?: boolean;
  /**
   * Count instead of explain (implies `explain: false`): each step passed and each row fired
   * increments `options.hits[i]`, where `tallyKeys[i]` names it, and results carry only the
   * stage and scores (no tags, path or reasons). For simulations, which need rule coverage over
   * many leads but no reason texts.
   */
  tally?: boolean;
  /**
   * With `tally`: also count, per lead, each condition that took its `true` handle (key
   * `{ nodeId, rowId: 'true' }`), each switch case taken and each checklist criterion met (keys
   * `{ nodeId, rowId: case or criterion id }`): the firings that tuning's evidence per rule needs
   * and the simulation's coverage does not.
   */
  ruleHits?: boolean;
}

/** What a tally evaluator answers. */
export interface TallyResult {
  stage: string;
  scores: Record<string, number>;
}

/**
 * With `compile(…, { tally: true })`: an evaluator made for one `asOf` and one set of counters
 * (`options.hits`), called with the lead alone, as a simulation calls it for every lead.
 */
export type BindTally = (options: EvaluateOptions) => (lead: EvaluableLead) => TallyResult;

/** A lead as evaluate reads it: a parsed lead, or one as it arrived. */
export type EvaluableLead = Lead | LeadInput;

/** Qualifies one lead. Reasons are shared, frozen objects where their text is constant. */
export type Evaluate = (lead: EvaluableLead, options: EvaluateOptions) => Result;

export type CompileResult =
  | {
      ok: true;
      evaluate: Evaluate;
      /** `hashWorkflow` of the compiled document (computed on first read). */
      readonly hash: string;
      /** Warnings of `validate` (errors prevent compiling). */
      diagnostics: Diagnostic[];
      /** The generated JavaScript, for inspection. */
      source: string;
      /** With `tally`: what each counter of `options.hits` counts (else empty). */
      tallyKeys: readonly TallyKey[];
      /** With `tally`: the evaluator for one asOf and one set of counters. */
      bindTally: BindTally | undefined;
    }
  | { ok: false; diagnostics: Diagnostic[] };

/** Reachable nodes in an order where every node comes after all its predecessors. */
function topologicalOrder(graph: WorkflowGraph, reachable: Set<string>): string[] {
  const indegree = new Map<string, number>();
  for (const id of reachable) indegree.set(id, 0);
  for (const id of reachable)
    for (const target of graph.next.get(id)?.values() ?? [])
      indegree.set(target, (indegree.get(target) ?? 0) + 1);
  const ready = [...reachable].filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  while (ready.length) {
    const id = ready.pop()!;
    order.push(id);
    for (const target of graph.next.get(id)?.values() ?? []) {
      const left = indegree.get(target)! - 1;
      indegree.set(target, left);
      if (left === 0) ready.push(target);
    }
  }
  return order;
}

function reachableIds(graph: WorkflowGraph): Set<string> {
  const seen = new Set<string>();
  const stack = graph.start ? [graph.start.id] : [];
  while (stack.length) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const t of graph.next.get(id)?.values() ?? []) stack.push(t);
  }
  return seen;
}

/**
 * Every predicate of a node, for whole-workflow scans; table cells are comparisons of their
 * column's operand and are read from the columns instead.
 */
const nodePredicates = {
  start: () => [],
  condition: (node) => [node.data.when],
  switch: (node) => node.data.cases.map((c) => c.when),
  scorecard: (node) => node.data.rows.flatMap((r) => (r.when ? [r.when] : [])),
  checklist: (node) => node.data.criteria.map((c) => c.when),
  table: () => [],
  assign: () => [],
  stage: () => [],
} satisfies { [K in NodeKind]: (node: NodeOf<K>) => Predicate[] };

const predicatesOf = <K extends NodeKind>(node: NodeOf<K>): Predicate[] =>
  (nodePredicates[node.kind] as (node: NodeOf<K>) => Predicate[])(node);

/** Fields compared only with isSet / isEmpty anywhere in the workflow. */
function presenceOnlyFields(workflow: Workflow): Set<string> {
  const presence = new Set<string>();
  const value = new Set<string>();
  const visit = (p: Predicate): void => {
    if (isComparison(p)) {
      if (p.operand.kind !== 'field') return;
      (p.op === 'isSet' || p.op === 'isEmpty' ? presence : value).add(p.operand.field);
    } else if ('not' in p) visit(p.not);
    else ('all' in p ? p.all : p.any).forEach(visit);
  };
  for (const node of workflow.nodes) {
    predicatesOf(node).forEach(visit);
    if (node.kind === 'table')
      for (const input of node.data.inputs)
        if (input.operand.kind === 'field') value.add(input.operand.field);
  }
  for (const id of value) presence.delete(id);
  return presence;
}

/**
 * The initial value of a score: 0, within its bounds.
 * @example initialScore({ min: 10 }) // 10
 */
export function initialScore(def: { min?: number; max?: number }): number {
  let v = 0;
  if (def.max !== undefined && v > def.max) v = def.max;
  if (def.min !== undefined && v < def.min) v = def.min;
  return v;
}

/**
 * The evaluator source and its constants array (what `compile` builds its function from).
 * @example generate(workflow, defaultCatalog).source.startsWith("'use strict'") // true
 */
export function generate(
  workflow: Workflow,
  catalog: FieldCatalog,
  explain = true,
  tally = false,
  ruleHits = false,
): { source: string; constants: unknown[]; tallyKeys: TallyKey[] } {
  if (tally) explain = false;
  const tallyKeys: TallyKey[] = [];
  /** `hits[i]++;` for a new counter of `key`, or nothing when not tallying. */
  const count = (key: TallyKey) => {
    if (!tally) return '';
    tallyKeys.push(key);
    return `hits[${tallyKeys.length - 1}]++;`;
  };
  const graph = buildGraph(workflow);
  const reachable = reachableIds(graph);
  const order = topologicalOrder(graph, reachable);
  const caseIndex = new Map(order.map((id, i) => [id, i]));

  const scores = new Map<string, ScoreSlot>();
  workflow.scores.forEach((def, i) => {
    if (!scores.has(def.id))
      scores.set(def.id, {
        def,
        name: `s${i}`,
        label: def.label || def.id,
        initial: initialScore(def),
      });
  });
  const tags = new Map<string, TagSlot>();
  [...assignedTags(workflow)].forEach((tag, i) =>
    tags.set(tag, { name: `t${i}`, lower: `tl${i}` }),
  );
  const stages = new Map<string, Stage>();
  for (const stage of workflow.stages) if (!stages.has(stage.id)) stages.set(stage.id, stage);

  const g = new Codegen(indexCatalog(catalog), scores, tags, presenceOnlyFields(workflow));
  const { k } = g;

  const scoreKeys = [...scores.entries()].map(([id, slot]) => `[${k.add(id)}]: ${slot.name}`);
  const tagLines = [...tags.entries()].map(([tag, slot]) => {
    const key = k.add(tag);
    return tag === '__proto__'
      ? `if (${slot.name} !== undefined) setOwn(tags, ${key}, ${slot.name});`
      : `if (${slot.name} !== undefined) tags[${key}] = ${slot.name};`;
  });
  const finish = (stageConst: string) =>
    tally
      ? `return { stage: ${stageConst}, scores: { ${scoreKeys.join(', ')} } };`
      : `{ const tags = {}; ${tagLines.join(' ')} return { stage: ${stageConst}, scores: { ${scoreKeys.join(', ')} }, tags, path, reasons, checklist }; }`;

  // Generate each node's body, noting the fields it reads.
  const bodies = new Map<string, string>();
  const used = new Map<string, Set<string>>();
  for (const id of order) {
    const node = graph.nodes.get(id)!;
    g.used = new Set();
    const ctx: NodeCompileContext = {
      g,
      nodeIdConst: k.add(node.id),
      stages,
      explain,
      hit: (rowId) => count({ nodeId: node.id, rowId }),
      ruleHit: (rowId) => (ruleHits ? count({ nodeId: node.id, rowId }) : ''),
      finish,
      goto: (handle) => {
        const target = graph.next.get(id)?.get(handle);
        const index = target === undefined ? undefined : caseIndex.get(target);
        return index === undefined ? `throw new Error('unrouted');` : `st = ${index}; continue;`;
      },
    };
    const compileNode = nodeCompilers[node.kind] as NodeCompiler<NodeKind>;
    bodies.set(id, compileNode(node as NodeOf<NodeKind>, ctx));
    used.set(id, g.used);
  }

  // A field is read where some path to the node has not read it yet (must-read analysis).
  const preds = new Map<string, string[]>();
  for (const id of order)
    for (const t of graph.next.get(id)?.values() ?? []) {
      let list = preds.get(t);
      if (!list) preds.set(t, (list = []));
      if (!list.includes(id)) list.push(id);
    }
  const readAfter = new Map<string, Set<string>>();
  const cases: string[] = [];
  order.forEach((id, i) => {
    const ps = preds.get(id) ?? [];
    let before: Set<string> = new Set();
    if (ps.length) {
      before = new Set(readAfter.get(ps[0]!));
      for (const p of ps.slice(1)) {
        const other = readAfter.get(p)!;
        for (const f of before) if (!other.has(f)) before.delete(f);
      }
    }
    const mine = used.get(id)!;
    const reads = [...mine].filter((f) => !before.has(f)).map((f) => g.fieldRead(f));
    readAfter.set(id, new Set([...before, ...mine]));
    const node = graph.nodes.get(id) as WorkflowNode;
    cases.push(
      `case ${i}: {\n${explain ? `path.push(${k.add(node.id)});` : count({ nodeId: node.id })}\n${reads.join('\n')}\n${bodies.get(id)}\n}`,
    );
  });

  const helpers = Object.keys(runtime).join(', ');
  const fieldVars = g.fieldDeclarations();
  const scoreVars = [...scores.values()].map((s) => `${s.name} = ${k.num(s.initial)}`);
  const tagVars = [...tags.values()].flatMap((t) => [t.name, t.lower]);
  const eventPass = g.eventPass();
  // A tally evaluator is made for one asOf and one set of counters (`bind(options)`), so a
  // simulation calls it with the lead alone: nothing is read from the options per lead.
  const asOf = [
    `const o = typeof options === 'object' && options !== null ? options.asOf : undefined;`,
    `const now = typeof o === 'number' && o - o === 0 ? o : toAsOf(o);`,
  ];
  const source = [
    `'use strict';`,
    k.declarations(),
    `const { ${helpers} } = rt;`,
    g.factDeclarations(),
    ...(tally
      ? [
          `return function bind(options) {`,
          ...asOf,
          `const h0 = typeof options === 'object' && options !== null ? options.hits : undefined;`,
          `const hits = h0 instanceof Uint32Array && h0.length >= ${tallyKeys.length} ? h0 : new Uint32Array(${tallyKeys.length});`,
          `return function evaluate(lead0) {`,
        ]
      : [`return function evaluate(lead0, options) {`, ...asOf]),
    `const lead = typeof lead0 === 'object' && lead0 !== null ? lead0 : EMPTY;`,
    `const a0 = lead.attributes;`,
    `const a = typeof a0 === 'object' && a0 !== null ? a0 : EMPTY;`,
    eventPass,
    fieldVars.length ? `let ${fieldVars.join(', ')};` : '',
    scoreVars.length ? `let ${scoreVars.join(', ')};` : '',
    tagVars.length ? `let ${tagVars.join(', ')};` : '',
    explain ? `const path = [], reasons = [];` : `const path = NONE, reasons = NONE;`,
    `let checklist;`,
    `let st = 0;`,
    `for (;;) {`,
    `switch (st) {`,
    ...cases,
    `default: throw new Error('unrouted');`,
    `}`,
    `}`,
    `};`,
    tally ? `};` : '',
  ].join('\n');
  return { source, constants: k.values, tallyKeys };
}

/**
 * Compiles a workflow into a fast evaluator (generated JavaScript; every workflow string is
 * data in a constants array). Invalid workflows give their diagnostics instead; never throws.
 * @example
 * const compiled = compile(defaultWorkflow());
 * if (compiled.ok) compiled.evaluate(lead, { asOf: '2026-01-01' }).stage; // 'mql'
 */
export function compile(
  workflow: unknown,
  catalog: FieldCatalog,
  options: CompileOptions = {},
): CompileResult {
  const checked = checkDocument(workflow, catalog);
  if (!checked.workflow || !checked.catalog || hasErrors(checked.diagnostics))
    return { ok: false, diagnostics: checked.diagnostics };
  try {
    const { source, constants, tallyKeys } = generate(
      checked.workflow,
      checked.catalog,
      options.explain !== false,
      options.tally === true,
      options.tally === true && options.ruleHits === true,
    );
    // The one place code is built from text: generated identifiers and checked numbers only.
    // eslint-disable-next-line no-new-func
    const factory = new Function('k', 'rt', source) as (
      k: unknown[],
      rt: typeof runtime,
    ) => unknown;
    const made = factory(constants, runtime);
    const bindTally = options.tally === true ? (made as BindTally) : undefined;
    const evaluate: Evaluate = bindTally
      ? (lead, evaluateOptions) => bindTally(evaluateOptions)(lead) as Result
      : (made as Evaluate);
    const parsed = checked.workflow;
    let hash: string | undefined;
    return {
      ok: true,
      evaluate,
      // Hashing a large workflow costs more than compiling it: only when asked.
      get hash() {
        return (hash ??= hashWorkflow(parsed));
      },
      diagnostics: checked.diagnostics,
      source,
      tallyKeys,
      bindTally,
    };
  } catch (error) {
    return { ok: false, diagnostics: [...checked.diagnostics, internalError('compiled', error)] };
  }
}
