/**
 * A deliberately plain, slow reference interpreter: it walks the graph node by node and
 * evaluates every predicate by hand, with no code generation. Property tests check that the
 * compiled evaluator gives exactly its results. It assumes a workflow that validates.
 */
import { assertNever } from '../assert-never';
import { indexCatalog, type CatalogIndex } from '../catalog/catalog-index';
import { isFreeMailDomain } from '../catalog/free-mail';
import {
  categoryCapText,
  checklistReasonText,
  detailDate,
  detailNumber,
  detailText,
  eventCountDetail,
  rowReasonText,
  scoreClampText,
} from '../runtime/reason-text';
import { missingValueText, parseTemplate } from '../runtime/template';
import {
  DAY_MS,
  decayRate,
  emailDomain,
  formatNumber,
  formatPoints,
  formatRaw,
  ownValue,
  round2,
  setOwn,
  toAsOf,
  toBool,
  toList,
  toNumber,
  toText,
  toTime,
} from '../runtime/values';
import type { FieldCatalog, FieldType } from '../schema/field-catalog';
import { SCORE_CATEGORIES, type WorkflowNode } from '../schema/node';
import type { Operator } from '../schema/operators';
import {
  isComparison,
  type Comparison,
  type ComparisonValue,
  type EventFilter,
  type EventsOperand,
  type Operand,
  type Predicate,
} from '../schema/predicate';
import type { ChecklistOutcome, Reason, Result } from '../schema/result';
import type { ScoreDef, Workflow } from '../schema/workflow';

interface LeadEventView {
  type: unknown;
  at: number;
  props: unknown;
}

interface State {
  catalog: CatalogIndex;
  workflow: Workflow;
  now: number;
  attributes: unknown;
  events: LeadEventView[];
  scores: Map<string, number>;
  tags: Map<string, string>;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null;

function normalize(type: FieldType, raw: unknown): unknown {
  switch (type) {
    case 'number':
      return toNumber(raw);
    case 'boolean':
      return toBool(raw);
    case 'date':
      return toTime(raw);
    case 'list':
      return toList(raw);
    default:
      return toText(raw);
  }
}

function textList(value: ComparisonValue | undefined): string[] {
  const items = Array.isArray(value) ? value : [value];
  const out: string[] = [];
  for (const item of items) {
    const t = toText(item);
    if (t !== undefined) out.push(t);
  }
  return out;
}

/** One comparison, written out case by case. `v` is already normalised for its type. */
function compare(
  type: FieldType,
  op: Operator,
  v: unknown,
  value: ComparisonValue | undefined,
  now: number,
): boolean {
  if (op === 'isSet') return v !== undefined;
  if (op === 'isEmpty') return v === undefined;
  if (type === 'string' || type === 'email' || type === 'phone' || type === 'enum') {
    const s = v as string | undefined;
    const c = Array.isArray(value) ? undefined : toText(value);
    switch (op) {
      case 'eq':
        return c !== undefined && s === c;
      case 'neq':
        return c === undefined || s !== c;
      case 'in':
        return s !== undefined && textList(value).includes(s);
      case 'notIn':
        return s === undefined || !textList(value).includes(s);
      case 'contains':
        return c !== undefined && s !== undefined && s.indexOf(c) >= 0;
      case 'startsWith':
        return c !== undefined && s !== undefined && s.slice(0, c.length) === c;
      case 'endsWith':
        return (
          c !== undefined &&
          s !== undefined &&
          s.length >= c.length &&
          s.slice(s.length - c.length) === c
        );
      case 'emailDomainIn': {
        const domain = emailDomain(s);
        if (domain === undefined) return false;
        return textList(value).some((d) => (d.startsWith('@') ? d.slice(1) : d) === domain);
      }
      case 'freeEmail': {
        const domain = emailDomain(s);
        return domain !== undefined && isFreeMailDomain(domain);
      }
      default:
        return false;
    }
  }
  if (type === 'number') {
    const n = v as number | undefined;
    const c = typeof value === 'number' ? value : undefined;
    switch (op) {
      case 'eq':
        return c !== undefined && n === c;
      case 'neq':
        return c === undefined || n !== c;
      case 'gt':
        return c !== undefined && n !== undefined && n > c;
      case 'gte':
        return c !== undefined && n !== undefined && n >= c;
      case 'lt':
        return c !== undefined && n !== undefined && n < c;
      case 'lte':
        return c !== undefined && n !== undefined && n <= c;
      case 'between': {
        if (!Array.isArray(value)) return false;
        const [lo, hi] = value;
        if (typeof lo !== 'number' || typeof hi !== 'number' || n === undefined) return false;
        return n >= lo && n <= hi;
      }
      case 'in':
      case 'notIn': {
        const items = (Array.isArray(value) ? value : [value]).map(toNumber);
        const found = n !== undefined && items.includes(n);
        return op === 'in' ? found : !found;
      }
      default:
        return false;
    }
  }
  if (type === 'boolean') {
    const c = typeof value === 'boolean' ? value : toBool(value);
    if (op === 'eq') return c !== undefined && v === c;
    if (op === 'neq') return c === undefined || v !== c;
    return false;
  }
  if (type === 'date') {
    const t = v as number | undefined;
    if (t === undefined) return false;
    switch (op) {
      case 'before': {
        const c = Array.isArray(value) ? undefined : toTime(value);
        return c !== undefined && t < c;
      }
      case 'after': {
        const c = Array.isArray(value) ? undefined : toTime(value);
        return c !== undefined && t > c;
      }
      case 'between': {
        if (!Array.isArray(value)) return false;
        const lo = toTime(value[0]);
        const hi = toTime(value[1]);
        return lo !== undefined && hi !== undefined && t >= lo && t <= hi;
      }
      case 'withinLastDays':
        return (
          typeof value === 'number' &&
          Number.isFinite(value) &&
          t >= now - value * DAY_MS &&
          t <= now
        );
      case 'olderThanDays':
        return typeof value === 'number' && Number.isFinite(value) && t < now - value * DAY_MS;
      default:
        return false;
    }
  }
  // list
  const list = v as string[] | undefined;
  switch (op) {
    case 'contains': {
      const c = Array.isArray(value) ? undefined : toText(value);
      return c !== undefined && list !== undefined && list.includes(c);
    }
    case 'in':
    case 'notIn': {
      const items = textList(value);
      const found = list !== undefined && list.some((x) => items.includes(x));
      return op === 'in' ? found : !found;
    }
    default:
      return false;
  }
}

function eventMatches(e: LeadEventView, filter: EventFilter, state: State): boolean {
  if (e.type !== filter.event) return false;
  if (filter.withinDays !== undefined && !(e.at >= state.now - filter.withinDays * DAY_MS))
    return false;
  const props = isObject(e.props) ? e.props : {};
  for (const w of filter.where ?? []) {
    const type = state.catalog.events.get(filter.event)?.props.get(w.prop)?.type ?? 'string';
    if (!compare(type, w.op, normalize(type, ownValue(props, w.prop)), w.value, state.now))
      return false;
  }
  return true;
}

function aggregate(operand: EventsOperand, state: State): number | undefined {
  let result: number | undefined = operand.agg === 'count' || operand.agg === 'sum' ? 0 : undefined;
  for (const e of state.events) {
    if (!eventMatches(e, operand, state)) continue;
    const props = isObject(e.props) ? e.props : {};
    const x = operand.prop === undefined ? undefined : toNumber(ownValue(props, operand.prop));
    switch (operand.agg) {
      case 'count':
        result = (result ?? 0) + 1;
        break;
      case 'sum':
        if (x !== undefined) result = (result ?? 0) + x;
        break;
      case 'max':
        if (x !== undefined && (result === undefined || x > result)) result = x;
        break;
      case 'min':
        if (x !== undefined && (result === undefined || x < result)) result = x;
        break;
      case 'last':
        if (result === undefined || e.at > result) result = e.at;
        break;
      case 'first':
        if (result === undefined || e.at < result) result = e.at;
        break;
    }
  }
  return result;
}

function operandValue(operand: Operand, state: State): { v: unknown; type: FieldType } {
  switch (operand.kind) {
    case 'field': {
      const type = state.catalog.fields.get(operand.field)?.type ?? 'string';
      return { v: normalize(type, ownValue(state.attributes, operand.field)), type };
    }
    case 'events':
      return {
        v: aggregate(operand, state),
        type: operand.agg === 'first' || operand.agg === 'last' ? 'date' : 'number',
      };
    case 'score':
      return { v: state.scores.get(operand.score), type: 'number' };
    case 'tag':
      return { v: toText(state.tags.get(operand.tag)), type: 'string' };
  }
}

function holds(p: Predicate, state: State): boolean {
  if (isComparison(p)) {
    const { v, type } = operandValue(p.operand, state);
    return compare(type, p.op, v, p.value, state.now);
  }
  if ('not' in p) return !holds(p.not, state);
  if ('all' in p) return p.all.every((q) => holds(q, state));
  return p.any.some((q) => holds(q, state));
}

function detail(when: Predicate | undefined, state: State): string {
  if (when === undefined || !isComparison(when)) return '';
  const c: Comparison = when;
  if (c.operand.kind === 'field' && (c.op === 'freeEmail' || c.op === 'emailDomainIn')) {
    return detailText(emailDomain(toText(ownValue(state.attributes, c.operand.field))));
  }
  if (c.operand.kind === 'events') {
    if ((c.op === 'gte' && c.value === 1) || (c.op === 'gt' && c.value === 0)) return '';
    const v = aggregate(c.operand, state);
    return c.operand.agg === 'first' || c.operand.agg === 'last' ? detailDate(v) : detailNumber(v);
  }
  return '';
}

function clampScore(def: ScoreDef, label: string, nodeId: string, state: State, reasons: Reason[]) {
  let s = state.scores.get(def.id) ?? 0;
  if (def.max !== undefined && s > def.max) {
    reasons.push({
      nodeId,
      text: scoreClampText(label, 'max', def.max),
      points: round2(def.max - s),
    });
    s = def.max;
  }
  if (def.min !== undefined && s < def.min) {
    reasons.push({
      nodeId,
      text: scoreClampText(label, 'min', def.min),
      points: round2(def.min - s),
    });
    s = def.min;
  }
  state.scores.set(def.id, s);
}

/**
 * Evaluates a lead by walking the workflow graph; the slow, obvious twin of `compile`.
 * @example interpret(defaultWorkflow(), lead, { asOf: '2026-01-01' }).stage // same as compiled
 */
export function interpret(
  workflow: Workflow,
  lead: unknown,
  options: { asOf: Date | number | string },
  catalog: FieldCatalog,
): Result {
  const now = toAsOf(options.asOf);
  const leadObj = isObject(lead) ? lead : {};
  const attributes = isObject(leadObj.attributes) ? leadObj.attributes : {};
  const events: LeadEventView[] = [];
  if (Array.isArray(leadObj.events)) {
    for (const e of leadObj.events as unknown[]) {
      if (!isObject(e)) continue;
      const at = toTime(e.at);
      if (at === undefined || !(at <= now)) continue;
      events.push({ type: e.type, at, props: e.props });
    }
  }
  const scoreDefs = new Map<string, ScoreDef>();
  for (const def of workflow.scores) if (!scoreDefs.has(def.id)) scoreDefs.set(def.id, def);
  const state: State = {
    catalog: indexCatalog(catalog),
    workflow,
    now,
    attributes,
    events,
    scores: new Map(),
    tags: new Map(),
  };
  for (const def of scoreDefs.values()) {
    let v = 0;
    if (def.max !== undefined && v > def.max) v = def.max;
    if (def.min !== undefined && v < def.min) v = def.min;
    state.scores.set(def.id, v);
  }
  const assignedTagIds = new Set<string>();
  for (const node of workflow.nodes) {
    if (node.kind === 'assign') for (const t of node.data.tags) assignedTagIds.add(t.tag);
    if (node.kind === 'table')
      for (const row of node.data.rows) for (const t of row.tags ?? []) assignedTagIds.add(t.tag);
  }
  const scoreLabel = (id: string) => {
    const def = scoreDefs.get(id);
    return def ? def.label || def.id : id;
  };
  const path: string[] = [];
  const reasons: Reason[] = [];
  let checklist: ChecklistOutcome | undefined;

  const nodeById = (id: string) => workflow.nodes.find((n) => n.id === id);
  const follow = (node: WorkflowNode, handle: string): WorkflowNode => {
    for (const e of workflow.edges) {
      if (e.source !== node.id || e.sourceHandle !== handle) continue;
      const target = nodeById(e.target);
      if (target && target.kind !== 'start') return target;
    }
    throw new Error(`'${node.id}' has no edge for '${handle}'`);
  };

  const start = workflow.nodes.find((n) => n.kind === 'start');
  if (!start) throw new Error('no start');
  let node: WorkflowNode = start;
  for (let steps = 0; steps <= workflow.nodes.length; steps++) {
    path.push(node.id);
    switch (node.kind) {
      case 'start':
        node = follow(node, 'next');
        continue;
      case 'condition': {
        const yes = holds(node.data.when, state);
        reasons.push({ nodeId: node.id, text: `${node.label}: ${yes ? 'yes' : 'no'}` });
        node = follow(node, yes ? 'true' : 'false');
        continue;
      }
      case 'switch': {
        const hit = node.data.cases.find((c) => holds(c.when, state));
        reasons.push(
          hit
            ? { nodeId: node.id, rowId: hit.id, text: `${node.label}: ${hit.label}` }
            : { nodeId: node.id, text: `${node.label}: otherwise` },
        );
        node = follow(node, hit ? hit.id : 'default');
        continue;
      }
      case 'scorecard': {
        const def = scoreDefs.get(node.data.score);
        if (def) {
          const label = scoreLabel(def.id);
          const totals = new Map<string, number>(SCORE_CATEGORIES.map((c) => [c, 0]));
          for (const row of node.data.rows) {
            if (row.perEvent) {
              let n = 0;
              let w = 0;
              for (const e of state.events) {
                if (!eventMatches(e, row.perEvent, state)) continue;
                n++;
                if (row.decayHalfLifeDays !== undefined)
                  w += Math.exp((e.at - now) * decayRate(row.decayHalfLifeDays));
              }
              if (row.decayHalfLifeDays === undefined) w = n;
              if (n === 0 || (row.when !== undefined && !holds(row.when, state))) continue;
              let p = round2(row.points * w);
              if (row.cap !== undefined) {
                if (p > row.cap) p = row.cap;
                else if (p < -row.cap) p = -row.cap;
              }
              totals.set(row.category, totals.get(row.category)! + p);
              reasons.push({
                nodeId: node.id,
                rowId: row.id,
                text: `${formatPoints(p)} ${label}: ${row.label}${eventCountDetail(n)}`,
                points: p,
              });
              continue;
            }
            if (row.when !== undefined && !holds(row.when, state)) continue;
            let p = round2(row.points);
            if (row.cap !== undefined) p = Math.min(row.cap, Math.max(-row.cap, p));
            totals.set(row.category, totals.get(row.category)! + p);
            reasons.push({
              nodeId: node.id,
              rowId: row.id,
              text: rowReasonText(p, label, row.label) + detail(row.when, state),
              points: p,
            });
          }
          for (const category of SCORE_CATEGORIES) {
            const cap = node.data.categoryCaps?.[category];
            if (cap === undefined) continue;
            const total = totals.get(category)!;
            const text = categoryCapText(label, category, cap);
            if (total > cap) {
              reasons.push({ nodeId: node.id, text, points: round2(cap - total) });
              totals.set(category, cap);
            } else if (total < -cap) {
              reasons.push({ nodeId: node.id, text, points: round2(-cap - total) });
              totals.set(category, -cap);
            }
          }
          let sum = 0;
          for (const category of SCORE_CATEGORIES) sum = sum + totals.get(category)!;
          state.scores.set(def.id, round2(state.scores.get(def.id)! + sum));
          clampScore(def, label, node.id, state, reasons);
        }
        node = follow(node, 'next');
        continue;
      }
      case 'checklist': {
        const met: string[] = [];
        const missing: string[] = [];
        const rm: string[] = [];
        const rx: string[] = [];
        const om: string[] = [];
        const ox: string[] = [];
        for (const c of node.data.criteria) {
          const ok = holds(c.when, state);
          (ok ? met : missing).push(c.label);
          if (c.optional) (ok ? om : ox).push(c.label);
          else (ok ? rm : rx).push(c.label);
        }
        const atLeast = node.data.mode === 'atLeast' ? (node.data.atLeast ?? 0) : undefined;
        reasons.push({
          nodeId: node.id,
          text: checklistReasonText(node.label, rm, rx, om, ox, atLeast),
        });
        checklist = { nodeId: node.id, met, missing };
        const pass = atLeast === undefined ? rx.length === 0 : rm.length >= atLeast;
        node = follow(node, pass ? 'pass' : 'fail');
        continue;
      }
      case 'table': {
        const { data } = node;
        const inputs = data.inputs.map((input) => operandValue(input.operand, state));
        const rowMatches = (cells: (typeof data.rows)[number]['cells']) =>
          cells.every((cell, i) => {
            const input = inputs[i];
            if (cell.op === 'any' || !input) return true;
            return compare(input.type, cell.op, input.v, cell.value, now);
          });
        const setTags = (tags: readonly { tag: string; value: string }[] | undefined) => {
          for (const t of tags ?? []) state.tags.set(t.tag, t.value);
        };
        if (data.hitPolicy === 'first') {
          const row = data.rows.find((r) => rowMatches(r.cells));
          if (row) {
            setTags(row.tags);
            reasons.push({ nodeId: node.id, rowId: row.id, text: `${node.label}: ${row.label}` });
            node = follow(node, row.id);
          } else {
            reasons.push({ nodeId: node.id, text: `${node.label}: no row matched` });
            node = follow(node, 'default');
          }
          continue;
        }
        const def = data.score === undefined ? undefined : scoreDefs.get(data.score);
        const scoring = def !== undefined && data.rows.some((r) => r.points !== undefined);
        let hit = false;
        let sum = 0;
        for (const row of data.rows) {
          if (!rowMatches(row.cells)) continue;
          hit = true;
          setTags(row.tags);
          if (scoring && def && row.points !== undefined) {
            const p = round2(row.points);
            sum += p;
            reasons.push({
              nodeId: node.id,
              rowId: row.id,
              text: rowReasonText(p, scoreLabel(def.id), row.label),
              points: p,
            });
          } else
            reasons.push({ nodeId: node.id, rowId: row.id, text: `${node.label}: ${row.label}` });
        }
        if (!hit) reasons.push({ nodeId: node.id, text: `${node.label}: no row matched` });
        if (scoring && def) {
          state.scores.set(def.id, round2(state.scores.get(def.id)! + sum));
          clampScore(def, scoreLabel(def.id), node.id, state, reasons);
        }
        node = follow(node, 'next');
        continue;
      }
      case 'assign': {
        for (const t of node.data.tags) state.tags.set(t.tag, t.value);
        reasons.push({
          nodeId: node.id,
          text: `${node.label}: ${node.data.tags.map((t) => `${t.tag} = ${t.value}`).join(', ')}`,
        });
        node = follow(node, 'next');
        continue;
      }
      case 'stage': {
        const stageId = node.data.stage;
        const stageDef = workflow.stages.find((s) => s.id === stageId);
        const stageLabel = stageDef?.label ?? node.data.stage;
        const template = node.data.reason ?? '';
        let text: string;
        if (template === '') text = `Stage: ${stageLabel}`;
        else {
          text = '';
          for (const part of parseTemplate(template)) {
            if (part.kind === 'text') text += part.text;
            else if (part.kind === 'stage') text += stageLabel;
            else if (part.kind === 'score')
              text += scoreDefs.has(part.id)
                ? formatNumber(state.scores.get(part.id)!)
                : missingValueText(part.id);
            else if (part.kind === 'tag')
              text +=
                (assignedTagIds.has(part.id) ? state.tags.get(part.id) : undefined) ??
                missingValueText(part.id);
            else text += formatRaw(ownValue(attributes, part.id));
          }
        }
        reasons.push({ nodeId: node.id, text });
        const scores: Record<string, number> = {};
        for (const [id, v] of state.scores) setOwn(scores, id, v);
        const tags: Record<string, string> = {};
        for (const [id, v] of state.tags) setOwn(tags, id, v);
        return { stage: node.data.stage, scores, tags, path, reasons, checklist };
      }
      default:
        return assertNever(node);
    }
  }
  throw new Error('the workflow loops');
}
