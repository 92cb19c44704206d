import { operandType } from '../describe/predicate-text';
import {
  categoryCapText,
  detailReasons,
  rowReasonText,
  scoreClampText,
} from '../runtime/reason-text';
import { missingValueText, parseTemplate } from '../runtime/template';
import { checklistOutcomes, MAX_MASKED_CRITERIA } from '../runtime/checklist-outcomes';
import { round2 } from '../runtime/values';
import { SCORE_CATEGORIES, type NodeKind, type NodeOf } from '../schema/node';
import { isComparison, type Comparison, type Predicate } from '../schema/predicate';
import type { Reason } from '../schema/result';
import type { Stage } from '../schema/workflow';
import { comparisonExpr } from './expressions';
import type { Codegen, ScoreSlot } from './codegen';

/** What a node compiler gets besides its node: how to route and where results go. */
export interface NodeCompileContext {
  g: Codegen;
  /** The statement that continues at the node behind a handle. */
  goto: (handle: string) => string;
  /** The constant holding the node id. */
  nodeIdConst: string;
  stages: Map<string, Stage>;
  /** Whether results carry path, reasons and checklist outcomes. */
  explain: boolean;
  /** `hits[i]++;` counting a row of this node that fired, when compiling a tally; else ''. */
  hit: (rowId: string) => string;
  /**
   * `hits[i]++;` counting a condition's `true` branch, a switch case taken or a checklist
   * criterion met, when compiling a tally with `ruleHits`; else ''.
   */
  ruleHit: (rowId: string) => string;
  /** The statements that build and return the result with a stage. */
  finish: (stageConst: string) => string;
}

/** Generates the body of one node's `case` in the evaluator's dispatch loop. */
export type NodeCompiler<K extends NodeKind> = (node: NodeOf<K>, ctx: NodeCompileContext) => string;

/** `reasons.push(…);`, or nothing when compiling without explanations. */
const say = (ctx: NodeCompileContext, reason: string) =>
  ctx.explain ? `reasons.push(${reason});` : '';

const reasonConst = (ctx: NodeCompileContext, reason: Reason) => ctx.g.k.add(Object.freeze(reason));

/** Clamps a score to its definition's bounds, explaining the adjustment. */
function clampScore(slot: ScoreSlot, nodeId: string, ctx: NodeCompileContext): string {
  const { k } = ctx.g;
  const lines: string[] = [];
  const { min, max } = slot.def;
  if (max !== undefined)
    lines.push(
      `if (${slot.name} > ${k.num(max)}) { ${say(ctx, `{ nodeId: ${nodeId}, text: ${k.add(scoreClampText(slot.label, 'max', max))}, points: round2(${k.num(max)} - ${slot.name}) }`)} ${slot.name} = ${k.num(max)}; }`,
    );
  if (min !== undefined)
    lines.push(
      `if (${slot.name} < ${k.num(min)}) { ${say(ctx, `{ nodeId: ${nodeId}, text: ${k.add(scoreClampText(slot.label, 'min', min))}, points: round2(${k.num(min)} - ${slot.name}) }`)} ${slot.name} = ${k.num(min)}; }`,
    );
  return lines.join('\n');
}

/**
 * For a row whose condition is one comparison, the runtime detail its reason shows: the mail
 * domain for free-mail / domain rules, the counted value for event rules.
 */
function detailExpr(
  when: Predicate | undefined,
  ctx: NodeCompileContext,
): { format: 'text' | 'number' | 'date'; value: string } | undefined {
  if (when === undefined || !isComparison(when)) return undefined;
  const { g } = ctx;
  if (when.operand.kind === 'field' && (when.op === 'freeEmail' || when.op === 'emailDomainIn')) {
    if (g.catalog.fields.get(when.operand.field)?.type === 'email')
      return { format: 'text', value: g.domain(when.operand.field) };
    return { format: 'text', value: `emailDomain(${g.field(when.operand.field).name})` };
  }
  if (when.operand.kind === 'events' && !isHappenedRule(when)) {
    const name = g.aggregate(when.operand);
    const type = operandType(when.operand, { catalog: g.catalog, scores: new Map() });
    return { format: type === 'date' ? 'date' : 'number', value: name };
  }
  return undefined;
}

/** "Has happened" rules (count ≥ 1, count > 0) need no counted value in their reason. */
export function isHappenedRule(c: Comparison): boolean {
  return (c.op === 'gte' && c.value === 1) || (c.op === 'gt' && c.value === 0);
}

const compileStart: NodeCompiler<'start'> = (_node, ctx) => ctx.goto('next');

const compileCondition: NodeCompiler<'condition'> = (node, ctx) => {
  const yes = reasonConst(ctx, { nodeId: node.id, text: `${node.label}: yes` });
  const no = reasonConst(ctx, { nodeId: node.id, text: `${node.label}: no` });
  return `if (${ctx.g.predicate(node.data.when)}) { ${say(ctx, `${yes}`)} ${ctx.ruleHit('true')} ${ctx.goto('true')} }\n${say(ctx, `${no}`)} ${ctx.goto('false')}`;
};

const compileSwitch: NodeCompiler<'switch'> = (node, ctx) => {
  const lines = node.data.cases.map((c) => {
    const r = reasonConst(ctx, { nodeId: node.id, rowId: c.id, text: `${node.label}: ${c.label}` });
    return `if (${ctx.g.predicate(c.when)}) { ${say(ctx, `${r}`)} ${ctx.ruleHit(c.id)} ${ctx.goto(c.id)} }`;
  });
  const otherwise = reasonConst(ctx, { nodeId: node.id, text: `${node.label}: otherwise` });
  lines.push(`${say(ctx, `${otherwise}`)} ${ctx.goto('default')}`);
  return lines.join('\n');
};

const compileScorecard: NodeCompiler<'scorecard'> = (node, ctx) => {
  const { g } = ctx;
  const { k } = g;
  const slot = g.scores.get(node.data.score);
  if (!slot) return ctx.goto('next');
  const nodeId = ctx.nodeIdConst;
  const totals = Object.fromEntries(SCORE_CATEGORIES.map((c) => [c, g.fresh('k')])) as Record<
    (typeof SCORE_CATEGORIES)[number],
    string
  >;
  const lines = [`let ${SCORE_CATEGORIES.map((c) => `${totals[c]} = 0`).join(', ')};`];
  for (const row of node.data.rows) {
    const total = totals[row.category];
    const rowId = k.add(row.id);
    const cond = row.when === undefined ? 'true' : g.predicate(row.when);
    const cap = row.cap;
    if (row.perEvent) {
      const { n, w } = g.perEventCounters(row.perEvent, row.decayHalfLifeDays);
      const prefix = k.add(` ${slot.label}: ${row.label}`);
      const capCode =
        cap === undefined
          ? ''
          : `if (p > ${k.num(cap)}) p = ${k.num(cap)}; else if (p < ${k.num(-cap)}) p = ${k.num(-cap)};`;
      lines.push(
        `if (${n} > 0 && ${cond}) { let p = round2(${k.num(row.points)} * ${w}); ${capCode} ${total} += p; ${say(ctx, `{ nodeId: ${nodeId}, rowId: ${rowId}, text: formatPoints(p) + ${prefix} + eventCountDetail(${n}), points: p }`)} ${ctx.hit(row.id)} }`,
      );
      continue;
    }
    let points = round2(row.points);
    if (cap !== undefined) points = Math.min(cap, Math.max(-cap, points));
    const text = rowReasonText(points, slot.label, row.label);
    const reason = { nodeId: node.id, rowId: row.id, text, points };
    const detail = ctx.explain ? detailExpr(row.when, ctx) : undefined;
    const push =
      detail === undefined
        ? say(ctx, reasonConst(ctx, reason))
        : say(ctx, `${k.add(detailReasons(reason, detail.format))}(${detail.value})`);
    lines.push(`if (${cond}) { ${total} += ${k.num(points)}; ${push} ${ctx.hit(row.id)} }`);
  }
  for (const category of SCORE_CATEGORIES) {
    const cap = node.data.categoryCaps?.[category];
    if (cap === undefined) continue;
    const total = totals[category];
    const text = k.add(categoryCapText(slot.label, category, cap));
    lines.push(
      `if (${total} > ${k.num(cap)}) { ${say(ctx, `{ nodeId: ${nodeId}, text: ${text}, points: round2(${k.num(cap)} - ${total}) }`)} ${total} = ${k.num(cap)}; }`,
      `else if (${total} < ${k.num(-cap)}) { ${say(ctx, `{ nodeId: ${nodeId}, text: ${text}, points: round2(${k.num(-cap)} - ${total}) }`)} ${total} = ${k.num(-cap)}; }`,
    );
  }
  lines.push(
    `${slot.name} = round2(${slot.name} + (0 + ${SCORE_CATEGORIES.map((c) => totals[c]).join(' + ')}));`,
    clampScore(slot, nodeId, ctx),
    ctx.goto('next'),
  );
  return lines.join('\n');
};

const compileChecklist: NodeCompiler<'checklist'> = (node, ctx) => {
  const { g } = ctx;
  const { k } = g;
  const atLeast = node.data.mode === 'atLeast' ? (node.data.atLeast ?? 0) : undefined;
  if (!ctx.explain) {
    // Only the verdict is needed: count the required criteria met and missed.
    const lines = ['let rm = 0, rx = 0;'];
    for (const c of node.data.criteria) {
      const hit = ctx.ruleHit(c.id);
      if (!c.optional) lines.push(`if (${g.predicate(c.when)}) { rm++; ${hit} } else rx++;`);
      else if (hit) lines.push(`if (${g.predicate(c.when)}) { ${hit} }`);
    }
    const pass = atLeast === undefined ? `rx === 0` : `rm >= ${k.num(atLeast)}`;
    lines.push(`if (${pass}) { ${ctx.goto('pass')} }`, ctx.goto('fail'));
    return lines.join('\n');
  }
  if (node.data.criteria.length <= MAX_MASKED_CRITERIA) {
    // Which criteria are met, as bits; the outcome (reason, met / missing, verdict) of each
    // combination is built once at run time and shared.
    const outcomes = k.add(
      checklistOutcomes(
        node.id,
        node.label,
        node.data.criteria.map((c) => ({ label: c.label, optional: c.optional })),
        atLeast,
      ),
    );
    const lines = ['let m = 0;'];
    node.data.criteria.forEach((c, i) => lines.push(`if (${g.predicate(c.when)}) m |= ${1 << i};`));
    lines.push(
      `const oc = ${outcomes}(m);`,
      `reasons.push(oc.reason); checklist = oc.checklist;`,
      `if (oc.pass) { ${ctx.goto('pass')} }`,
      ctx.goto('fail'),
    );
    return lines.join('\n');
  }
  const lines = [`const met = [], missing = [], rm = [], rx = [], om = [], ox = [];`];
  for (const c of node.data.criteria) {
    const label = k.add(c.label);
    const [hit, miss] = c.optional ? ['om', 'ox'] : ['rm', 'rx'];
    lines.push(
      `if (${g.predicate(c.when)}) { met.push(${label}); ${hit}.push(${label}); } else { missing.push(${label}); ${miss}.push(${label}); }`,
    );
  }
  const pass = atLeast === undefined ? `rx.length === 0` : `rm.length >= ${k.num(atLeast)}`;
  lines.push(
    `reasons.push({ nodeId: ${ctx.nodeIdConst}, text: checklistReasonText(${k.add(node.label)}, rm, rx, om, ox, ${atLeast === undefined ? 'undefined' : k.num(atLeast)}) });`,
    `checklist = { nodeId: ${ctx.nodeIdConst}, met, missing };`,
    `if (${pass}) { ${ctx.goto('pass')} }`,
    ctx.goto('fail'),
  );
  return lines.join('\n');
};

function tagAssignments(
  tags: readonly { tag: string; value: string }[] | undefined,
  ctx: NodeCompileContext,
): string {
  return (tags ?? [])
    .map((t) => {
      const slot = ctx.g.tags.get(t.tag);
      if (!slot) return '';
      return `${slot.name} = ${ctx.g.k.add(t.value)}; ${slot.lower} = ${ctx.g.k.add(toLower(t.value))};`;
    })
    .join(' ');
}

/** How tag comparisons see a tag value (text rules: trimmed, lower-case, empty is missing). */
function toLower(value: string): string | undefined {
  const t = value.trim().toLowerCase();
  return t === '' ? undefined : t;
}

const compileTable: NodeCompiler<'table'> = (node, ctx) => {
  const { g } = ctx;
  const { k } = g;
  const { data } = node;
  // Inputs are read once, before any row runs (a collect row may set a tag another reads).
  const snapshot: string[] = [];
  const inputs = data.inputs.map((input) => {
    const { expr, type } = g.operand(input.operand);
    const name = g.fresh('in');
    snapshot.push(`const ${name} = ${expr};`);
    return { expr: name, type };
  });
  const rowCond = (cells: (typeof data.rows)[number]['cells']) => {
    const parts = cells.flatMap((cell, i) => {
      const input = inputs[i];
      if (cell.op === 'any' || !input) return [];
      return [comparisonExpr(input.expr, input.type, cell.op, cell.value, k)];
    });
    return parts.length ? parts.join(' && ') : 'true';
  };
  const lines: string[] = [...snapshot];
  if (data.hitPolicy === 'first') {
    for (const row of data.rows) {
      const r = reasonConst(ctx, {
        nodeId: node.id,
        rowId: row.id,
        text: `${node.label}: ${row.label}`,
      });
      lines.push(
        `if (${rowCond(row.cells)}) { ${tagAssignments(row.tags, ctx)} ${say(ctx, `${r}`)} ${ctx.hit(row.id)} ${ctx.goto(row.id)} }`,
      );
    }
    const none = reasonConst(ctx, { nodeId: node.id, text: `${node.label}: no row matched` });
    lines.push(`${say(ctx, `${none}`)} ${ctx.goto('default')}`);
    return lines.join('\n');
  }
  const slot = data.score === undefined ? undefined : g.scores.get(data.score);
  const scoring = slot !== undefined && data.rows.some((r) => r.points !== undefined);
  lines.push(`let hit = false, sum = 0;`);
  for (const row of data.rows) {
    let reason: Reason;
    let add = '';
    if (scoring && slot && row.points !== undefined) {
      const points = round2(row.points);
      reason = {
        nodeId: node.id,
        rowId: row.id,
        text: rowReasonText(points, slot.label, row.label),
        points,
      };
      add = `sum += ${k.num(points)};`;
    } else reason = { nodeId: node.id, rowId: row.id, text: `${node.label}: ${row.label}` };
    lines.push(
      `if (${rowCond(row.cells)}) { hit = true; ${add} ${tagAssignments(row.tags, ctx)} ${say(ctx, `${reasonConst(ctx, reason)}`)} ${ctx.hit(row.id)} }`,
    );
  }
  const none = reasonConst(ctx, { nodeId: node.id, text: `${node.label}: no row matched` });
  lines.push(`if (!hit) { ${say(ctx, `${none}`)} }`);
  if (scoring && slot)
    lines.push(
      `${slot.name} = round2(${slot.name} + sum);`,
      clampScore(slot, ctx.nodeIdConst, ctx),
    );
  lines.push(ctx.goto('next'));
  return lines.join('\n');
};

const compileAssign: NodeCompiler<'assign'> = (node, ctx) => {
  const text = `${node.label}: ${node.data.tags.map((t) => `${t.tag} = ${t.value}`).join(', ')}`;
  const r = reasonConst(ctx, { nodeId: node.id, text });
  return `${tagAssignments(node.data.tags, ctx)}\n${say(ctx, `${r}`)}\n${ctx.goto('next')}`;
};

const compileStage: NodeCompiler<'stage'> = (node, ctx) => {
  const { g } = ctx;
  const { k } = g;
  const stage = ctx.stages.get(node.data.stage);
  const stageLabel = stage?.label ?? node.data.stage;
  const template = node.data.reason ?? '';
  const parts = template === '' ? [] : parseTemplate(template);
  let reason: string;
  if (parts.length === 0) {
    reason = reasonConst(ctx, { nodeId: node.id, text: `Stage: ${stageLabel}` });
  } else if (parts.every((p) => p.kind === 'text' || p.kind === 'stage')) {
    const text = parts.map((p) => (p.kind === 'text' ? p.text : stageLabel)).join('');
    reason = reasonConst(ctx, { nodeId: node.id, text });
  } else {
    const exprs = parts.map((p) => {
      switch (p.kind) {
        case 'text':
          return k.add(p.text);
        case 'stage':
          return k.add(stageLabel);
        case 'score': {
          const slot = g.scores.get(p.id);
          return slot ? `formatNumber(${slot.name})` : k.add(missingValueText(p.id));
        }
        case 'tag': {
          const slot = g.tags.get(p.id);
          const missing = k.add(missingValueText(p.id));
          return slot ? `(${slot.name} === undefined ? ${missing} : ${slot.name})` : missing;
        }
        case 'field':
          return `formatRaw(${g.rawField(p.id)})`;
      }
    });
    reason = `{ nodeId: ${ctx.nodeIdConst}, text: '' + ${exprs.join(' + ')} }`;
  }
  return `${say(ctx, `${reason}`)}\n${ctx.finish(k.add(node.data.stage))}`;
};

/** One compiler per node kind; adding a kind is a type error here until it is handled. */
export const nodeCompilers = {
  start: compileStart,
  condition: compileCondition,
  switch: compileSwitch,
  scorecard: compileScorecard,
  checklist: compileChecklist,
  table: compileTable,
  assign: compileAssign,
  stage: compileStage,
} satisfies { [K in NodeKind]: NodeCompiler<K> };
