import { usedCatalogIds } from '../catalog/catalog-changes';
import { indexCatalog } from '../catalog/catalog-index';
import { buildGraph } from '../validate/graph';
import { nodeHandles } from '../handles';
import { templateInWords } from '../runtime/template';
import { formatPoints } from '../runtime/values';
import type { FieldCatalog } from '../schema/field-catalog';
import type { NodeKind, NodeOf, WorkflowNode } from '../schema/node';
import type { Workflow } from '../schema/workflow';
import { cellText, eventFilterLabel, predicateText, type TextContext } from './predicate-text';

/** The agreement in plain language, one section per topic and stage. */
export interface AgreementDoc {
  title: string;
  sections: AgreementSection[];
}

export interface AgreementSection {
  /** The stage the section defines; null for general sections such as scoring. */
  stage: string | null;
  heading: string;
  lines: string[];
}

/** How many routes to a stage are spelled out before the rest are summarised. */
const MAX_ROUTES = 12;

function scorecardLines(node: NodeOf<'scorecard'>, workflow: Workflow, ctx: TextContext): string[] {
  const score = workflow.scores.find((s) => s.id === node.data.score);
  const scoreLabel = score?.label || node.data.score;
  const lines = node.data.rows.map((row) => {
    let line = `${formatPoints(row.points)} ${scoreLabel} (${row.category}): ${row.label}`;
    const conditions: string[] = [];
    if (row.when) conditions.push(`when ${predicateText(row.when, ctx)}`);
    if (row.perEvent) conditions.push(`for each ${eventFilterLabel(row.perEvent, ctx)} event`);
    if (row.decayHalfLifeDays !== undefined)
      conditions.push(`halving every ${row.decayHalfLifeDays} days since the event`);
    if (row.cap !== undefined) conditions.push(`at most ${row.cap} points`);
    if (conditions.length) line += ` — ${conditions.join(', ')}`;
    return line;
  });
  const caps = Object.entries(node.data.categoryCaps ?? {}).filter(([, v]) => v !== undefined);
  if (caps.length)
    lines.push(
      `${scoreLabel} counts at most ${caps.map(([c, v]) => `${v} points from ${c}`).join(', ')}.`,
    );
  if (score && (score.min !== undefined || score.max !== undefined))
    lines.push(
      `${scoreLabel} stays ${[score.min !== undefined ? `at or above ${score.min}` : '', score.max !== undefined ? `at or below ${score.max}` : ''].filter(Boolean).join(' and ')}.`,
    );
  return lines;
}

type DecisionText<K extends NodeKind> = (
  node: NodeOf<K>,
  handles: string[],
  ctx: TextContext,
) => string | undefined;

/** How a decision names its step. */
const nameOf = (node: WorkflowNode) => node.label || node.id;

/** A step with one way out decides nothing. */
const noDecision = () => undefined;

/** What taking some of a node's handles says about the lead, for each kind. */
const decisionTexts = {
  start: noDecision,
  condition: (node, handles, ctx) =>
    handles[0] === 'true'
      ? `${nameOf(node)}: yes (${predicateText(node.data.when, ctx)})`
      : `${nameOf(node)}: no (not: ${predicateText(node.data.when, ctx)})`,
  switch: (node, handles, ctx) => {
    const parts = handles.map((h) => {
      if (h === 'default') return `none of ${node.data.cases.map((c) => c.label).join(', ')}`;
      const c = node.data.cases.find((x) => x.id === h);
      return c ? `${c.label} (${predicateText(c.when, ctx)})` : h;
    });
    return `${nameOf(node)}: ${parts.join(' or ')}`;
  },
  scorecard: noDecision,
  checklist: (node, handles) => {
    const required = node.data.criteria.filter((c) => !c.optional).map((c) => c.label);
    const need =
      node.data.mode === 'all'
        ? `all of ${required.join(', ')}`
        : `at least ${node.data.atLeast} of ${required.join(', ')}`;
    return handles[0] === 'pass'
      ? `${nameOf(node)}: met (${need})`
      : `${nameOf(node)}: not met (${need})`;
  },
  table: (node, handles, ctx) => {
    const parts = handles.map((h) => {
      if (h === 'default') return 'no row matches';
      const row = node.data.rows.find((r) => r.id === h);
      if (!row) return h;
      const cells = row.cells
        .map((cell, i) => {
          const input = node.data.inputs[i];
          return cell.op === 'any' || !input
            ? undefined
            : cellText(input.operand, { op: cell.op, value: cell.value }, ctx);
        })
        .filter(Boolean);
      return `${row.label}${cells.length ? ` (${cells.join(' and ')})` : ''}`;
    });
    return `${nameOf(node)}: ${parts.join(' or ')}`;
  },
  assign: noDecision,
  stage: noDecision,
} satisfies { [K in NodeKind]: DecisionText<K> };

/** What taking a set of a node's handles says about the lead. */
function decisionText(node: WorkflowNode, handles: string[], ctx: TextContext): string | undefined {
  const all = nodeHandles(node);
  if (handles.length === all.length) return undefined; // every way out leads here: no decision
  return (decisionTexts[node.kind] as DecisionText<NodeKind>)(node, handles, ctx);
}

/**
 * The agreement in plain language, for the document both leaders sign: how leads are scored,
 * then for each stage the routes that lead to it ("A lead becomes an MQL when …").
 * @example agreementToMarkdown(describeWorkflow(defaultWorkflow()))
 */
export function describeWorkflow(workflow: Workflow, catalog: FieldCatalog): AgreementDoc {
  const ctx: TextContext = {
    catalog: indexCatalog(catalog),
    scores: new Map(workflow.scores.map((s) => [s.id, s])),
  };
  const graph = buildGraph(workflow);
  const sections: AgreementSection[] = [];

  const scoring = workflow.nodes.filter((n): n is NodeOf<'scorecard'> => n.kind === 'scorecard');
  const collect = workflow.nodes.filter(
    (n): n is NodeOf<'table'> => n.kind === 'table' && n.data.hitPolicy === 'collect',
  );
  if (scoring.length || collect.length) {
    const lines: string[] = [];
    for (const s of workflow.scores) if (s.description) lines.push(`${s.label}: ${s.description}`);
    for (const node of scoring)
      lines.push(
        `${node.label || node.id}:`,
        ...scorecardLines(node, workflow, ctx).map((l) => `  ${l}`),
      );
    for (const node of collect) {
      lines.push(`${node.label || node.id}:`);
      for (const row of node.data.rows) {
        const cells = row.cells
          .map((cell, i) => {
            const input = node.data.inputs[i];
            return cell.op === 'any' || !input
              ? undefined
              : cellText(input.operand, { op: cell.op, value: cell.value }, ctx);
          })
          .filter(Boolean);
        const points = row.points === undefined ? '' : `${formatPoints(row.points)} `;
        lines.push(
          `  ${points}${row.label}${cells.length ? ` — when ${cells.join(' and ')}` : ''}`,
        );
      }
    }
    sections.push({ stage: null, heading: 'How leads are scored', lines });
  }

  // Routes from the start to each stage step, as the decisions taken on the way.
  const routesTo = new Map<string, string[][]>();
  const truncated = new Map<string, number>();
  const walk = (id: string, decisions: string[], seen: Set<string>) => {
    const node = graph.nodes.get(id);
    if (!node || seen.has(id)) return;
    if (node.kind === 'stage') {
      const list = routesTo.get(node.data.stage) ?? [];
      if (list.length < MAX_ROUTES) list.push(decisions);
      else truncated.set(node.data.stage, (truncated.get(node.data.stage) ?? 0) + 1);
      routesTo.set(node.data.stage, list);
      return;
    }
    const byTarget = new Map<string, string[]>();
    for (const [handle, target] of graph.next.get(id) ?? []) {
      const list = byTarget.get(target) ?? [];
      list.push(handle);
      byTarget.set(target, list);
    }
    const next = new Set(seen).add(id);
    for (const [target, handles] of byTarget) {
      const text = decisionText(node, handles, ctx);
      walk(target, text ? [...decisions, text] : decisions, next);
    }
  };
  if (graph.start) walk(graph.start.id, [], new Set());

  for (const stage of [...workflow.stages].sort((x, y) => x.order - y.order)) {
    const routes = routesTo.get(stage.id) ?? [];
    const lines: string[] = [];
    if (stage.description) lines.push(stage.description);
    // "becomes an MQL", but "goes to Nurture"
    const acronym = /^[A-Z]{2,5}$/.test(stage.label);
    const article = /^[AEFHILMNORSX]/.test(stage.label) ? 'an' : 'a';
    const becomes = acronym ? `becomes ${article} ${stage.label}` : `goes to ${stage.label}`;
    if (routes.length === 0) lines.push(`No route in this workflow leads to ${stage.label}.`);
    for (const decisions of routes)
      lines.push(
        decisions.length
          ? `A lead ${becomes} when ${decisions.join('; and ')}.`
          : `Every lead ${becomes}.`,
      );
    const more = truncated.get(stage.id);
    if (more) lines.push(`…and ${more} more route(s).`);
    for (const node of workflow.nodes)
      if (node.kind === 'stage' && node.data.stage === stage.id && node.data.reason)
        lines.push(
          `Reason given: "${templateInWords(node.data.reason, {
            score: (id) => ctx.scores.get(id)?.label,
            field: (id) => ctx.catalog.fields.get(id)?.label,
            stage: stage.label,
          })}"`,
        );
    sections.push({ stage: stage.id, heading: `${stage.label}`, lines });
  }
  const definitions = fieldDefinitionLines(workflow, ctx);
  if (definitions.length)
    sections.push({ stage: null, heading: 'Fields this agreement reads', lines: definitions });
  return {
    title: workflow.name ? `${workflow.name}: the agreement` : 'Lead qualification agreement',
    sections,
  };
}

/** What each field and event type the workflow reads means, as its catalog defines it. */
function fieldDefinitionLines(workflow: Workflow, ctx: TextContext): string[] {
  const used = usedCatalogIds(workflow);
  const lines: string[] = [];
  for (const id of [...used.fields].sort()) {
    const field = ctx.catalog.fields.get(id);
    if (!field) {
      lines.push(`${id}: not in the field catalog`);
      continue;
    }
    const parts = [`${field.label} (${field.id}): ${field.type}, ${field.category}`];
    if (field.values?.length) parts.push(`one of ${field.values.map((o) => o.label).join(', ')}`);
    if (field.missing?.length)
      parts.push(`${field.missing.map((t) => `"${t}"`).join(', ')} count as missing`);
    if (field.retired) parts.push('retired');
    lines.push(`${parts.join('; ')}${field.description ? ` — ${field.description}` : ''}`);
  }
  for (const id of [...used.events].sort()) {
    const event = ctx.catalog.events.get(id);
    lines.push(
      event
        ? `${event.def.label} (${id}): ${event.def.category} event${event.def.description ? ` — ${event.def.description}` : ''}`
        : `${id}: not in the field catalog`,
    );
  }
  return lines;
}

/**
 * The agreement as Markdown, for export and signing.
 * @example agreementToMarkdown(describeWorkflow(workflow)).startsWith('# ') // true
 */
export function agreementToMarkdown(doc: AgreementDoc): string {
  const out = [`# ${doc.title}`, ''];
  for (const section of doc.sections) {
    out.push(`## ${section.heading}`, '');
    for (const line of section.lines) {
      const indented = line.startsWith('  ');
      out.push(`${indented ? '  ' : ''}- ${line.trim()}`);
    }
    out.push('');
  }
  return out.join('\n');
}
