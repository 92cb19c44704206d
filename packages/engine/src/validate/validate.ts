import { indexCatalog } from '../catalog/catalog-index';
import { defaultCatalog } from '../catalog/default-catalog';
import { nodeHandles } from '../handles';
import { fieldCatalogSchema, type FieldCatalog } from '../schema/field-catalog';
import { SCORE_CATEGORIES, type NodeKind, type NodeOf, type WorkflowNode } from '../schema/node';
import { parseWorkflow } from '../schema/parse-workflow';
import type { ScoreDef, Workflow } from '../schema/workflow';
import {
  checkComparison,
  checkEventFilter,
  checkOperand,
  checkPredicate,
  type CheckContext,
} from './check-predicate';
import type { Diagnostic } from './diagnostic';
import { buildGraph, findCycles, reachableFrom } from './graph';
import { TEMPLATE_PLACEHOLDER } from '../runtime/template';

interface NodeContext extends CheckContext {
  stages: ReadonlySet<string>;
  /** `nodes[i].data` */
  base: string;
}

type NodeValidator<K extends NodeKind> = (node: NodeOf<K>, ctx: NodeContext) => void;

const name = (node: WorkflowNode) => `'${node.label || node.id}'`;

function checkUniqueIds(
  items: readonly { id: string }[],
  what: string,
  node: WorkflowNode,
  path: string,
  ctx: NodeContext,
  reserved?: string,
): void {
  const seen = new Set<string>();
  items.forEach((item, i) => {
    if (seen.has(item.id) || item.id === reserved) {
      ctx.report({
        severity: 'error',
        code: item.id === reserved ? 'duplicate-handle' : 'duplicate-id',
        message:
          item.id === reserved
            ? `${name(node)}: a ${what} can't use the id '${reserved}'`
            : `${name(node)} has two ${what}s with the id '${item.id}'`,
        nodeId: node.id,
        path: `${path}[${i}].id`,
      });
    }
    seen.add(item.id);
  });
}

function checkScoreRef(score: string, node: WorkflowNode, path: string, ctx: NodeContext) {
  if (!ctx.scores.has(score))
    ctx.report({
      severity: 'error',
      code: 'unknown-score',
      message: `${name(node)} adds to a score '${score}' that this workflow doesn't define`,
      nodeId: node.id,
      path,
    });
}

function checkNonNegative(
  value: number | undefined,
  what: () => string,
  node: WorkflowNode,
  path: string,
  ctx: NodeContext,
  strict = false,
) {
  if (value === undefined) return;
  if (strict ? value > 0 : value >= 0) return;
  ctx.report({
    severity: 'error',
    code: 'bad-threshold',
    message: `${name(node)}: ${what()} must be ${strict ? 'more than 0' : '0 or more'}`,
    nodeId: node.id,
    path,
  });
}

const validators: { [K in NodeKind]: NodeValidator<K> } = {
  start: () => undefined,
  condition: (node, ctx) =>
    checkPredicate(node.data.when, { nodeId: node.id, path: `${ctx.base}.when` }, ctx),
  switch: (node, ctx) => {
    if (node.data.cases.length === 0)
      ctx.report({
        severity: 'warning',
        code: 'empty-node',
        message: `${name(node)} has no cases; every lead takes 'Otherwise'`,
        nodeId: node.id,
      });
    checkUniqueIds(node.data.cases, 'case', node, `${ctx.base}.cases`, ctx, 'default');
    node.data.cases.forEach((c, i) =>
      checkPredicate(c.when, { nodeId: node.id, path: `${ctx.base}.cases[${i}].when` }, ctx),
    );
  },
  scorecard: (node, ctx) => {
    const { data } = node;
    checkScoreRef(data.score, node, `${ctx.base}.score`, ctx);
    if (data.rows.length === 0)
      ctx.report({
        severity: 'warning',
        code: 'empty-node',
        message: `${name(node)} has no rows; it adds nothing`,
        nodeId: node.id,
      });
    checkUniqueIds(data.rows, 'row', node, `${ctx.base}.rows`, ctx);
    for (const category of SCORE_CATEGORIES)
      checkNonNegative(
        data.categoryCaps?.[category],
        () => `the ${category} cap`,
        node,
        `${ctx.base}.categoryCaps.${category}`,
        ctx,
      );
    data.rows.forEach((row, i) => {
      const path = `${ctx.base}.rows[${i}]`;
      const rowName = () => `row '${row.label || row.id}'`;
      if (row.when === undefined && row.perEvent === undefined)
        ctx.report({
          severity: 'error',
          code: 'empty-predicate',
          message: `${name(node)}: ${rowName()} has no condition`,
          nodeId: node.id,
          path: `${path}.when`,
        });
      if (row.when !== undefined)
        checkPredicate(row.when, { nodeId: node.id, path: `${path}.when` }, ctx);
      if (row.perEvent !== undefined)
        checkEventFilter(row.perEvent, { nodeId: node.id, path: `${path}.perEvent` }, ctx);
      if (row.decayHalfLifeDays !== undefined && row.perEvent === undefined)
        ctx.report({
          severity: 'error',
          code: 'decay-without-events',
          message: `${name(node)}: ${rowName()} decays with age but counts no events (set per-event points)`,
          nodeId: node.id,
          path: `${path}.decayHalfLifeDays`,
        });
      checkNonNegative(
        row.decayHalfLifeDays,
        () => `the half-life of ${rowName()}`,
        node,
        `${path}.decayHalfLifeDays`,
        ctx,
        true,
      );
      checkNonNegative(row.cap, () => `the cap of ${rowName()}`, node, `${path}.cap`, ctx);
      if (!row.label)
        ctx.report({
          severity: 'warning',
          code: 'missing-label',
          message: `${name(node)}: a row has no label, so its reason will be blank`,
          nodeId: node.id,
          path: `${path}.label`,
        });
    });
  },
  checklist: (node, ctx) => {
    const { data } = node;
    if (data.criteria.length === 0)
      ctx.report({
        severity: 'error',
        code: 'empty-node',
        message: `${name(node)} has no criteria`,
        nodeId: node.id,
      });
    checkUniqueIds(data.criteria, 'criterion', node, `${ctx.base}.criteria`, ctx);
    data.criteria.forEach((c, i) =>
      checkPredicate(c.when, { nodeId: node.id, path: `${ctx.base}.criteria[${i}].when` }, ctx),
    );
    if (data.mode === 'atLeast') {
      const required = data.criteria.filter((c) => !c.optional).length;
      const n = data.atLeast;
      if (n === undefined || !Number.isInteger(n) || n < 1 || n > required)
        ctx.report({
          severity: 'error',
          code: 'bad-threshold',
          message: `${name(node)}: 'at least' must be a whole number from 1 to ${required}`,
          nodeId: node.id,
          path: `${ctx.base}.atLeast`,
        });
    }
  },
  table: (node, ctx) => {
    const { data } = node;
    if (data.rows.length === 0)
      ctx.report({
        severity: 'error',
        code: 'empty-node',
        message: `${name(node)} has no rows`,
        nodeId: node.id,
      });
    if (data.inputs.length === 0)
      ctx.report({
        severity: 'warning',
        code: 'empty-node',
        message: `${name(node)} has no input columns; its first row always matches`,
        nodeId: node.id,
      });
    checkUniqueIds(data.inputs, 'column', node, `${ctx.base}.inputs`, ctx);
    checkUniqueIds(
      data.rows,
      'row',
      node,
      `${ctx.base}.rows`,
      ctx,
      data.hitPolicy === 'first' ? 'default' : undefined,
    );
    const inputs = data.inputs.map((input, i) =>
      checkOperand(
        input.operand,
        { nodeId: node.id, path: `${ctx.base}.inputs[${i}].operand` },
        ctx,
      ),
    );
    const withPoints = data.rows.findIndex((r) => r.points !== undefined);
    if (data.hitPolicy === 'collect' && withPoints >= 0) {
      if (data.score === undefined)
        ctx.report({
          severity: 'error',
          code: 'missing-score',
          message: `${name(node)} gives points but names no score to add them to`,
          nodeId: node.id,
          path: `${ctx.base}.score`,
        });
      else checkScoreRef(data.score, node, `${ctx.base}.score`, ctx);
    }
    data.rows.forEach((row, r) => {
      if (row.cells.length > data.inputs.length)
        ctx.report({
          severity: 'error',
          code: 'bad-table',
          message: `${name(node)}: row '${row.label || row.id}' has ${row.cells.length} cells for ${data.inputs.length} columns`,
          nodeId: node.id,
          path: `${ctx.base}.rows[${r}].cells`,
        });
      row.cells.forEach((cell, c) => {
        const input = inputs[c];
        if (cell.op === 'any' || !input) return;
        checkComparison(
          input.label,
          input.type,
          cell.op,
          cell.value,
          input.options,
          { nodeId: node.id, path: `${ctx.base}.rows[${r}].cells[${c}]` },
          ctx,
        );
      });
      (row.tags ?? []).forEach((t, i) => {
        if (t.tag === '')
          ctx.report({
            severity: 'error',
            code: 'empty-tag',
            message: `${name(node)}: row '${row.label || row.id}' sets a tag without a name`,
            nodeId: node.id,
            path: `${ctx.base}.rows[${r}].tags[${i}].tag`,
          });
      });
    });
  },
  assign: (node, ctx) => {
    if (node.data.tags.length === 0)
      ctx.report({
        severity: 'warning',
        code: 'empty-node',
        message: `${name(node)} sets no tags`,
        nodeId: node.id,
      });
    node.data.tags.forEach((t, i) => {
      if (t.tag === '')
        ctx.report({
          severity: 'error',
          code: 'empty-tag',
          message: `${name(node)} sets a tag without a name`,
          nodeId: node.id,
          path: `${ctx.base}.tags[${i}].tag`,
        });
    });
  },
  stage: (node, ctx) => {
    if (!ctx.stages.has(node.data.stage))
      ctx.report({
        severity: 'error',
        code: 'unknown-stage',
        message: `${name(node)} sets a stage '${node.data.stage}' that this workflow doesn't define`,
        nodeId: node.id,
        path: `${ctx.base}.stage`,
      });
    for (const match of (node.data.reason ?? '').matchAll(TEMPLATE_PLACEHOLDER)) {
      const [whole, kind, id = ''] = match;
      const known =
        kind === 'score'
          ? ctx.scores.has(id)
          : kind === 'tag'
            ? ctx.assignedTags.has(id)
            : kind === 'field'
              ? ctx.catalog.fields.has(id)
              : true;
      if (!known)
        ctx.report({
          severity: 'warning',
          code: 'unknown-placeholder',
          message: `${name(node)}: the reason mentions ${whole}, which this workflow never sets`,
          nodeId: node.id,
          path: `${ctx.base}.reason`,
        });
    }
  },
};

/**
 * Every tag some step of the workflow can set.
 * @example assignedTags(defaultWorkflow()).has('segment') // true
 */
export function assignedTags(workflow: Workflow): Set<string> {
  const tags = new Set<string>();
  for (const node of workflow.nodes) {
    if (node.kind === 'assign') for (const t of node.data.tags) tags.add(t.tag);
    if (node.kind === 'table')
      for (const row of node.data.rows) for (const t of row.tags ?? []) tags.add(t.tag);
  }
  return tags;
}

function checkWorkflow(workflow: Workflow, catalog: FieldCatalog): Diagnostic[] {
  const out: Diagnostic[] = [];
  const report = (d: Diagnostic) => out.push(d);
  const scores = new Map<string, ScoreDef>();
  workflow.scores.forEach((score, i) => {
    if (scores.has(score.id))
      report({
        severity: 'error',
        code: 'duplicate-id',
        message: `Two scores have the id '${score.id}'`,
        path: `scores[${i}].id`,
      });
    else scores.set(score.id, score);
    if (score.min !== undefined && score.max !== undefined && score.min > score.max)
      report({
        severity: 'error',
        code: 'bad-threshold',
        message: `The ${score.label || score.id} score's minimum is above its maximum`,
        path: `scores[${i}].min`,
      });
  });
  const stages = new Set<string>();
  workflow.stages.forEach((stage, i) => {
    if (stages.has(stage.id))
      report({
        severity: 'error',
        code: 'duplicate-id',
        message: `Two stages have the id '${stage.id}'`,
        path: `stages[${i}].id`,
      });
    stages.add(stage.id);
  });

  const ctxBase: CheckContext = {
    catalog: indexCatalog(catalog),
    scores,
    assignedTags: assignedTags(workflow),
    report,
  };

  // Nodes
  const seenNodes = new Set<string>();
  const starts: WorkflowNode[] = [];
  workflow.nodes.forEach((node, i) => {
    if (seenNodes.has(node.id))
      report({
        severity: 'error',
        code: 'duplicate-id',
        message: `Two steps have the id '${node.id}'`,
        nodeId: node.id,
        path: `nodes[${i}].id`,
      });
    seenNodes.add(node.id);
    if (node.kind === 'start') starts.push(node);
    if (!node.label)
      report({
        severity: 'warning',
        code: 'missing-label',
        message: `A ${node.kind} step has no label`,
        nodeId: node.id,
        path: `nodes[${i}].label`,
      });
    const validate = validators[node.kind] as NodeValidator<NodeKind>;
    validate(node as NodeOf<NodeKind>, { ...ctxBase, stages, base: `nodes[${i}].data` });
  });
  if (starts.length === 0)
    report({
      severity: 'error',
      code: 'missing-start',
      message: 'The workflow has no Start step, so no lead enters it',
    });
  for (const extra of starts.slice(1))
    report({
      severity: 'error',
      code: 'multiple-starts',
      message: `${name(extra)} is a second Start step; a workflow has exactly one`,
      nodeId: extra.id,
    });

  // Edges
  const graph = buildGraph(workflow);
  const seenEdges = new Set<string>();
  const routes = new Map<string, { target: string; edgeId: string }>();
  workflow.edges.forEach((edge, i) => {
    const path = `edges[${i}]`;
    if (seenEdges.has(edge.id))
      report({
        severity: 'error',
        code: 'duplicate-id',
        message: `Two connections have the id '${edge.id}'`,
        edgeId: edge.id,
        path: `${path}.id`,
      });
    seenEdges.add(edge.id);
    const source = graph.nodes.get(edge.source);
    const target = graph.nodes.get(edge.target);
    if (!source || !target) {
      report({
        severity: 'error',
        code: 'dangling-edge',
        message: `A connection ${source ? `from ${name(source)} ` : ''}points to a step that doesn't exist ('${source ? edge.target : edge.source}')`,
        edgeId: edge.id,
        nodeId: source?.id,
        path: `${path}.${source ? 'target' : 'source'}`,
      });
      return;
    }
    const handles = nodeHandles(source);
    if (!handles.some((h) => h.id === edge.sourceHandle)) {
      report({
        severity: 'error',
        code: 'unknown-handle',
        message:
          source.kind === 'stage'
            ? `${name(source)} sets the final stage; nothing can follow it`
            : `${name(source)} has no output '${edge.sourceHandle}'`,
        edgeId: edge.id,
        nodeId: source.id,
        path: `${path}.sourceHandle`,
      });
      return;
    }
    if (target.kind === 'start') {
      report({
        severity: 'error',
        code: 'edge-into-start',
        message: `A connection leads back into ${name(target)}; nothing can lead into the Start step`,
        edgeId: edge.id,
        nodeId: target.id,
        path: `${path}.target`,
      });
      return;
    }
    const key = `${edge.source}\u0000${edge.sourceHandle}`;
    const existing = routes.get(key);
    if (existing) {
      const handleLabel =
        handles.find((h) => h.id === edge.sourceHandle)?.label ?? edge.sourceHandle;
      report(
        existing.target === edge.target
          ? {
              severity: 'error',
              code: 'duplicate-edge',
              message: `${name(source)} → ${name(target)} ('${handleLabel}') is connected twice`,
              edgeId: edge.id,
              nodeId: source.id,
              path,
            }
          : {
              severity: 'error',
              code: 'ambiguous-handle',
              message: `${name(source)} '${handleLabel}' leads to two steps; a lead can only take one`,
              edgeId: edge.id,
              nodeId: source.id,
              path,
            },
      );
      return;
    }
    routes.set(key, { target: edge.target, edgeId: edge.id });
  });

  // Graph shape
  const byId = graph.nodes;
  const label = (id: string) => (byId.get(id) ? name(byId.get(id)!) : `'${id}'`);
  for (const cycle of findCycles(graph)) {
    const first = cycle[0]!;
    report({
      severity: 'error',
      code: 'cycle',
      message: `${[...cycle, first].map(label).join(' → ')} loops back; a lead would go round forever`,
      nodeId: first,
    });
  }
  const start = starts[0];
  const reachable = reachableFrom(graph, start?.id);
  // Nodes that can reach some stage, found backwards from the stages.
  const reachesStage = new Set<string>();
  const preds = new Map<string, string[]>();
  for (const [source, out] of graph.next)
    for (const target of out.values()) {
      let list = preds.get(target);
      if (!list) preds.set(target, (list = []));
      list.push(source);
    }
  const queue = workflow.nodes.filter((n) => n.kind === 'stage').map((n) => n.id);
  while (queue.length) {
    const id = queue.pop()!;
    if (reachesStage.has(id)) continue;
    reachesStage.add(id);
    for (const p of preds.get(id) ?? []) if (!reachesStage.has(p)) queue.push(p);
  }
  workflow.nodes.forEach((node, i) => {
    if (graph.nodes.get(node.id) !== node) return;
    const isReachable = reachable.has(node.id);
    if (start && !isReachable)
      report({
        severity: 'warning',
        code: 'unreachable-node',
        message: `No lead can reach ${name(node)}`,
        nodeId: node.id,
        path: `nodes[${i}]`,
      });
    const out = graph.next.get(node.id);
    for (const handle of nodeHandles(node))
      if (!out?.has(handle.id))
        report({
          severity: isReachable ? 'error' : 'warning',
          code: 'unconnected-handle',
          message:
            handle.id === 'next'
              ? `${name(node)} isn't connected to a next step`
              : `${name(node)} '${handle.label}' isn't connected to a next step`,
          nodeId: node.id,
          path: `nodes[${i}]`,
        });
    if (isReachable && !reachesStage.has(node.id))
      report({
        severity: 'error',
        code: 'path-without-stage',
        message: `Leads that reach ${name(node)} never get a stage`,
        nodeId: node.id,
        path: `nodes[${i}]`,
      });
  });
  return out;
}

const catalogChecks = new WeakMap<object, FieldCatalog | Diagnostic>();

function readCatalog(catalog: unknown): FieldCatalog | Diagnostic {
  if (catalog === defaultCatalog) return defaultCatalog;
  if (typeof catalog === 'object' && catalog !== null) {
    const hit = catalogChecks.get(catalog);
    if (hit) return hit;
  }
  const parsed = fieldCatalogSchema.safeParse(catalog);
  const result: FieldCatalog | Diagnostic = parsed.success
    ? parsed.data
    : {
        severity: 'error',
        code: 'invalid-catalog',
        message: `The field catalog is unreadable (${parsed.error.issues[0]?.message ?? 'invalid'})`,
      };
  if (typeof catalog === 'object' && catalog !== null) catalogChecks.set(catalog, result);
  return result;
}

function nodeIdAt(doc: unknown, path: string): string | undefined {
  const match = /^nodes\[(\d+)\]/.exec(path);
  if (!match) return undefined;
  try {
    const nodes = (doc as { nodes?: unknown }).nodes;
    const node = Array.isArray(nodes) ? (nodes[Number(match[1])] as { id?: unknown }) : undefined;
    return typeof node?.id === 'string' ? node.id : undefined;
  } catch {
    return undefined;
  }
}

/** A document read and checked: its diagnostics, and the parsed workflow when it parsed. */
export interface CheckedDocument {
  diagnostics: Diagnostic[];
  workflow?: Workflow;
  catalog?: FieldCatalog;
}

/**
 * Parses and checks a document against a catalog; never throws. Gives the parsed workflow too.
 * @example const { diagnostics, workflow } = checkDocument(json, defaultCatalog);
 */
export function checkDocument(workflow: unknown, catalog: unknown): CheckedDocument {
  try {
    const cat = readCatalog(catalog);
    if ('severity' in cat) return { diagnostics: [cat] };
    const parsed = parseWorkflow(workflow);
    if (!parsed.ok)
      return {
        diagnostics: parsed.errors.map((e) => ({
          severity: 'error',
          code: 'invalid-document',
          message: `${e.path || 'The document'} ${e.message}`,
          path: e.path,
          nodeId: nodeIdAt(workflow, e.path),
        })),
      };
    return {
      diagnostics: checkWorkflow(parsed.workflow, cat),
      workflow: parsed.workflow,
      catalog: cat,
    };
  } catch (error) {
    return { diagnostics: [internalError('checked', error)] };
  }
}

/** A diagnostic for a failure of ours (never expected; reported rather than thrown). */
export function internalError(what: string, error: unknown): Diagnostic {
  let detail = 'unknown error';
  try {
    detail = error instanceof Error ? error.message : String(error);
  } catch {
    // an error whose message can't be read: keep the generic text
  }
  return {
    severity: 'error',
    code: 'internal-error',
    message: `The workflow could not be ${what} (${detail})`,
  };
}

/**
 * Checks a workflow document (any JSON) against the catalog; never throws. Errors block
 * proposing and publishing; warnings do not.
 * @example
 * const diagnostics = validate(defaultWorkflow());
 * hasErrors(diagnostics); // false
 */
export function validate(workflow: unknown, catalog: FieldCatalog): Diagnostic[] {
  return checkDocument(workflow, catalog).diagnostics;
}
