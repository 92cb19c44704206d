/**
 * One streaming pass of a lead set through a workflow for tuning: which rules fired on each lead
 * (the compiled evaluator's tally, with rule hits), the lead's stage and scores, and its outcome,
 * folded into counts per part of the split. Evidence per rule, the threshold explorer and the
 * suggested points are all read from these counts.
 */
import { compile, type EvaluableLead } from '../compile/compile';
import type { FieldCatalog } from '../schema/field-catalog';
import { isComparison, type Predicate } from '../schema/predicate';
import type { Workflow } from '../schema/workflow';
import { toAsOf } from '../runtime/values';
import { isQualifiedStage } from '../simulate/simulate';
import { checkSplit, splitter } from './split';
import { rocAuc, wilson } from './statistics';
import type {
  CurvePart,
  CurvePoint,
  DecisionPart,
  EvidenceReport,
  RuleDirection,
  RuleEvidence,
  RuleKind,
  RulePartEvidence,
  ScoreThresholds,
  SplitOptions,
  SplitSummary,
  ThresholdReport,
  ThresholdSite,
} from './types';

/** A rule firing on fewer leads than this in a part is too rare to judge there. */
export const MIN_FIRINGS = 30;
/** Most points of a threshold curve. */
export const MAX_CURVE_POINTS = 200;

/** What the pass reads of a lead. */
export type TuningLead = EvaluableLead & { id: string; outcome?: { converted?: unknown } | null };

interface RuleSpec {
  nodeId: string;
  rowId: string | null;
  kind: RuleKind;
  label: string;
  points: number | null;
  /** Counter index of the rule's firing, and of its node's step; -1 when never compiled. */
  hit: number;
  step: number;
}

// Per counter and part: leads, converted, qualified (MQL or better).
const STRIDE = 3;

/** Counts per distinct score value of one part: leads and converted. */
type Distribution = Map<number, Float64Array>;

/**
 * A streaming pass for evidence and thresholds: `add` chunks of leads, then `evidence()`,
 * `thresholds()` (and `suggestPoints(…)` from the evidence). Throws when the workflow does not
 * compile. Leads without `outcome.converted` (a boolean) are counted and left out.
 * @example
 * const pass = createRulePass(workflow, catalog, { seed: 1, holdoutShare: 0.3 }, { asOf });
 * pass.add(leads);
 * pass.evidence().rules.filter((r) => r.holdout.contradicts);
 */
export function createRulePass(
  workflow: Workflow,
  catalog: FieldCatalog,
  split: SplitOptions,
  options: { asOf: Date | number | string; minFirings?: number },
) {
  checkSplit(split);
  const partOf = splitter(split);
  const asOf = toAsOf(options.asOf);
  const minFirings = options.minFirings ?? MIN_FIRINGS;
  const compiled = compile(workflow, catalog, { tally: true, ruleHits: true });
  if (!compiled.ok) {
    const first = compiled.diagnostics.find((d) => d.severity === 'error');
    throw new Error(`The workflow does not compile${first ? `: ${first.message}` : '.'}`);
  }
  const keys = compiled.tallyKeys;
  const K = keys.length;
  const hits = new Uint32Array(K);
  const evaluate = compiled.bindTally!({ asOf, hits });
  const keyIndex = new Map(keys.map((k, i) => [`${k.nodeId}\u0000${k.rowId ?? ''}`, i]));
  const index = (nodeId: string, rowId: string | null) =>
    keyIndex.get(`${nodeId}\u0000${rowId ?? ''}`) ?? -1;
  const rules = ruleSpecs(workflow, index);
  // counts[(part * K + i) * STRIDE + j]
  const counts = new Float64Array(2 * K * STRIDE);
  // Per part: leads, converted, qualified, qualified and converted.
  const totals = new Float64Array(8);
  const scoreIds = [...new Set(workflow.scores.map((s) => s.id))];
  const distributions: Distribution[][] = scoreIds.map(() => [new Map(), new Map()]);
  let read = 0;
  let withoutOutcome = 0;

  const add = (leads: readonly TuningLead[]) => {
    for (let l = 0; l < leads.length; l++) {
      const lead = leads[l]!;
      read++;
      const converted = lead.outcome?.converted;
      if (typeof converted !== 'boolean') {
        withoutOutcome++;
        continue;
      }
      const p = partOf(String(lead.id)) === 'holdout' ? 1 : 0;
      const result = evaluate(lead);
      const conv = converted ? 1 : 0;
      const qualified = isQualifiedStage(result.stage) ? 1 : 0;
      const t = p * 4;
      totals[t]!++;
      totals[t + 1]! += conv;
      totals[t + 2]! += qualified;
      totals[t + 3]! += qualified & conv;
      const base = p * K * STRIDE;
      for (let i = 0; i < K; i++) {
        if (hits[i] === 0) continue;
        hits[i] = 0;
        const at = base + i * STRIDE;
        counts[at]!++;
        counts[at + 1]! += conv;
        counts[at + 2]! += qualified;
      }
      for (let s = 0; s < scoreIds.length; s++) {
        const value = result.scores[scoreIds[s]!];
        if (value === undefined) continue;
        const dist = distributions[s]![p]!;
        let entry = dist.get(value);
        if (entry === undefined) dist.set(value, (entry = new Float64Array(2)));
        entry[0]!++;
        entry[1]! += conv;
      }
    }
  };

  const summary = (): SplitSummary => ({
    seed: split.seed,
    holdoutShare: split.holdoutShare,
    leadsRead: read,
    withoutOutcome,
    fit: partSummary(totals, 0),
    holdout: partSummary(totals, 1),
  });

  const partEvidence = (rule: RuleSpec, p: 0 | 1, direction: RuleDirection): RulePartEvidence => {
    const leads = totals[p * 4]!;
    const converted = totals[p * 4 + 1]!;
    const at = (i: number) => (p * K + i) * STRIDE;
    const fired = rule.hit < 0 ? 0 : counts[at(rule.hit)]!;
    const firedConverted = rule.hit < 0 ? 0 : counts[at(rule.hit) + 1]!;
    const reached = rule.step < 0 ? 0 : counts[at(rule.step)]!;
    const whenFired = wilson(firedConverted, fired);
    const whenNotFired = wilson(converted - firedConverted, leads - fired);
    const baseRate = leads ? converted / leads : 0;
    const tooRare = fired < minFirings;
    const contradicts =
      !tooRare &&
      whenNotFired.leads > 0 &&
      ((direction === 'up' && whenFired.high < whenNotFired.rate) ||
        (direction === 'down' && whenFired.low > whenNotFired.rate));
    return {
      leads,
      reached,
      fired,
      share: leads ? fired / leads : 0,
      whenFired,
      whenNotFired,
      lift: fired && baseRate ? whenFired.rate / baseRate : null,
      contradicts,
      tooRare,
    };
  };

  /** Up when its leads reach MQL or better more often than the rest (fit part). */
  const observedDirection = (rule: RuleSpec): RuleDirection => {
    if (rule.hit < 0) return 'none';
    const leads = totals[0]!;
    const fired = counts[rule.hit * STRIDE]!;
    if (fired === 0 || fired === leads) return 'none';
    const firedQualified = counts[rule.hit * STRIDE + 2]!;
    const a = firedQualified / fired;
    const b = (totals[2]! - firedQualified) / (leads - fired);
    return a > b ? 'up' : a < b ? 'down' : 'none';
  };

  return {
    add,
    /** Evidence per rule on both parts. */
    evidence(): EvidenceReport {
      return {
        split: summary(),
        minFirings,
        rules: rules.map((rule): RuleEvidence => {
          const direction: RuleDirection =
            rule.points !== null
              ? rule.points > 0
                ? 'up'
                : rule.points < 0
                  ? 'down'
                  : 'none'
              : observedDirection(rule);
          return {
            nodeId: rule.nodeId,
            rowId: rule.rowId,
            kind: rule.kind,
            label: rule.label,
            points: rule.points,
            direction,
            fit: partEvidence(rule, 0, direction),
            holdout: partEvidence(rule, 1, direction),
          };
        }),
      };
    },
    /** Curves and AUC per score, and the MQL-or-better decision, on both parts. */
    thresholds(): ThresholdReport {
      const scores: ScoreThresholds[] = scoreIds.map((id, s) => ({
        score: id,
        label: workflow.scores.find((d) => d.id === id)?.label || id,
        fit: curve(distributions[s]![0]!),
        holdout: curve(distributions[s]![1]!),
        sites: thresholdSites(workflow, id),
      }));
      return {
        split: summary(),
        scores,
        decision: { fit: decision(totals, 0), holdout: decision(totals, 1) },
      };
    },
  };
}

function partSummary(totals: Float64Array, p: number) {
  const leads = totals[p * 4]!;
  const converted = totals[p * 4 + 1]!;
  return { leads, converted, baseRate: leads ? converted / leads : 0 };
}

function decision(totals: Float64Array, p: number): DecisionPart {
  const leads = totals[p * 4]!;
  const converted = totals[p * 4 + 1]!;
  const flagged = totals[p * 4 + 2]!;
  const tp = totals[p * 4 + 3]!;
  const baseRate = leads ? converted / leads : 0;
  const precision = flagged ? tp / flagged : 0;
  return {
    leads,
    flagged,
    share: leads ? flagged / leads : 0,
    precision,
    recall: converted ? tp / converted : 0,
    lift: baseRate ? precision / baseRate : 0,
    auc: rocAuc([1, 0], [flagged, leads - flagged], [tp, converted - tp]),
  };
}

/**
 * The threshold curve of a score distribution: one point per distinct score from the highest
 * down (flag leads scoring at least it), thinned to at most MAX_CURVE_POINTS evenly over the
 * share flagged, and the ROC AUC over all of them.
 */
function curve(dist: Distribution): CurvePart {
  const values = [...dist.keys()].sort((a, b) => b - a);
  const leadsOf = values.map((v) => dist.get(v)![0]!);
  const convertedOf = values.map((v) => dist.get(v)![1]!);
  const leads = leadsOf.reduce((a, b) => a + b, 0);
  const converted = convertedOf.reduce((a, b) => a + b, 0);
  const baseRate = leads ? converted / leads : 0;
  const all: CurvePoint[] = [];
  let flagged = 0;
  let tp = 0;
  values.forEach((threshold, i) => {
    flagged += leadsOf[i]!;
    tp += convertedOf[i]!;
    const precision = flagged ? tp / flagged : 0;
    all.push({
      threshold,
      flagged,
      share: leads ? flagged / leads : 0,
      precision,
      recall: converted ? tp / converted : 0,
      lift: baseRate ? precision / baseRate : 0,
    });
  });
  let points = all;
  if (all.length > MAX_CURVE_POINTS) {
    points = [];
    let next = 0;
    for (const point of all)
      if (point.share >= next || point === all.at(-1)) {
        points.push(point);
        next = point.share + 1 / MAX_CURVE_POINTS;
      }
  }
  return { leads, converted, auc: rocAuc(values, leadsOf, convertedOf), points };
}

/**
 * The curve point whose share flagged is closest to `share` (the higher threshold on a tie), or
 * null for an empty curve.
 * @example thresholdForShare(report.scores[0].fit, 0.3)?.threshold
 */
export function thresholdForShare(part: CurvePart, share: number): CurvePoint | null {
  let best: CurvePoint | null = null;
  for (const point of part.points)
    if (!best || Math.abs(point.share - share) < Math.abs(best.share - share)) best = point;
  return best;
}

/**
 * The metrics of flagging leads scoring at least `threshold` on a curve part (from its points:
 * the lowest point at or above the threshold).
 * @example atThreshold(report.scores[0].holdout, 40).precision
 */
export function atThreshold(part: CurvePart, threshold: number): DecisionPart {
  let point: CurvePoint | undefined;
  for (const p of part.points) if (p.threshold >= threshold) point = p;
  const baseRate = part.leads ? part.converted / part.leads : 0;
  const flagged = point?.flagged ?? 0;
  const precision = point?.precision ?? 0;
  return {
    leads: part.leads,
    flagged,
    share: part.leads ? flagged / part.leads : 0,
    precision,
    recall: point?.recall ?? 0,
    lift: baseRate ? precision / baseRate : 0,
    auc: part.auc,
  };
}

/** Rule of a node: its rules in document order, with their counter indexes. */
function ruleSpecs(
  workflow: Workflow,
  index: (nodeId: string, rowId: string | null) => number,
): RuleSpec[] {
  const specs: RuleSpec[] = [];
  for (const node of workflow.nodes) {
    const step = index(node.id, null);
    const push = (
      kind: RuleKind,
      rowId: string | null,
      label: string,
      points: number | null,
      hitRow: string,
    ) =>
      specs.push({
        nodeId: node.id,
        rowId,
        kind,
        label: rowId === null ? node.label : `${node.label} › ${label}`,
        points,
        hit: index(node.id, hitRow),
        step,
      });
    switch (node.kind) {
      case 'condition':
        push('condition', null, node.label, null, 'true');
        break;
      case 'switch':
        for (const c of node.data.cases) push('case', c.id, c.label, null, c.id);
        break;
      case 'scorecard':
        for (const r of node.data.rows) push('scorecardRow', r.id, r.label, r.points, r.id);
        break;
      case 'checklist':
        for (const c of node.data.criteria) push('criterion', c.id, c.label, null, c.id);
        break;
      case 'table': {
        const scoring = node.data.hitPolicy === 'collect' && node.data.score !== undefined;
        for (const r of node.data.rows)
          push('tableRow', r.id, r.label, scoring ? (r.points ?? null) : null, r.id);
        break;
      }
      default:
        break;
    }
  }
  return specs;
}

/**
 * Every comparison `score ≥ value` (or `>`) of a score in conditions, switch cases and checklist
 * criteria: the places a threshold can be applied, with the path to each.
 * @example thresholdSites(defaultWorkflow(), 'fit')[0].value // 40
 */
export function thresholdSites(workflow: Workflow, scoreId: string): ThresholdSite[] {
  const sites: ThresholdSite[] = [];
  const scoreLabel = workflow.scores.find((s) => s.id === scoreId)?.label || scoreId;
  const visit = (
    p: Predicate,
    path: number[],
    nodeId: string,
    rowId: string | null,
    at: string,
  ) => {
    if (isComparison(p)) {
      if (
        p.operand.kind === 'score' &&
        p.operand.score === scoreId &&
        (p.op === 'gte' || p.op === 'gt') &&
        typeof p.value === 'number'
      )
        sites.push({
          nodeId,
          rowId,
          path,
          op: p.op,
          value: p.value,
          label: `${at} › ${scoreLabel} ${p.op === 'gte' ? '≥' : '>'} ${p.value}`,
        });
      return;
    }
    if ('not' in p) return;
    ('all' in p ? p.all : p.any).forEach((child, i) =>
      visit(child, [...path, i], nodeId, rowId, at),
    );
  };
  for (const node of workflow.nodes) {
    if (node.kind === 'condition') visit(node.data.when, [], node.id, null, node.label);
    else if (node.kind === 'switch')
      for (const c of node.data.cases)
        visit(c.when, [], node.id, c.id, `${node.label} › ${c.label}`);
    else if (node.kind === 'checklist')
      for (const c of node.data.criteria)
        visit(c.when, [], node.id, c.id, `${node.label} › ${c.label}`);
  }
  return sites;
}
