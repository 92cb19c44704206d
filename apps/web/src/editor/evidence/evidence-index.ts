import type {
  EvidenceReport,
  PointSuggestion,
  PointsReport,
  RuleEvidence,
  ScorecardSuggestion,
} from '@accord/engine';

/** A rule's key in the indexes below: its node, and its row, case or criterion (none for a condition). */
export const evidenceKey = (nodeId: string, rowId: string | null) =>
  `${nodeId}\u0000${rowId ?? ''}`;

/** The evidence and suggested points of a workflow, indexed for the inspector and the canvas. */
export interface EvidenceIndex {
  report: EvidenceReport;
  rules: ReadonlyMap<string, RuleEvidence>;
  byNode: ReadonlyMap<string, readonly RuleEvidence[]>;
  suggestions: ReadonlyMap<string, PointSuggestion>;
  scorecards: ReadonlyMap<string, ScorecardSuggestion>;
}

/**
 * Indexes an evidence report (and a points report, when there is one) by rule and by node.
 * @example indexEvidence(report, points).rules.get(evidenceKey('fit', 'name'))?.holdout.lift
 */
export function indexEvidence(report: EvidenceReport, points?: PointsReport | null): EvidenceIndex {
  const rules = new Map<string, RuleEvidence>();
  const byNode = new Map<string, RuleEvidence[]>();
  for (const rule of report.rules) {
    rules.set(evidenceKey(rule.nodeId, rule.rowId), rule);
    const list = byNode.get(rule.nodeId);
    if (list) list.push(rule);
    else byNode.set(rule.nodeId, [rule]);
  }
  const suggestions = new Map<string, PointSuggestion>();
  const scorecards = new Map<string, ScorecardSuggestion>();
  for (const card of points?.scorecards ?? []) {
    scorecards.set(card.nodeId, card);
    for (const row of card.rows) suggestions.set(evidenceKey(row.nodeId, row.rowId), row);
  }
  return { report, rules, byNode, suggestions, scorecards };
}

/** What a node's badge on the canvas says, from its rules' held-out evidence. */
export interface NodeBadge {
  /** "1.84×": the lift of the condition, or the strongest lift among the rows that can be judged. */
  text: string;
  /** bad: a rule is contradicted; good: the strongest rule works the way it means to. */
  tone: 'good' | 'bad' | 'neutral' | 'rare';
  /** Rules whose evidence contradicts them, and rules too rare to judge. */
  contradicting: number;
  tooRare: number;
  /** One line per rule, for the tooltip. */
  title: string;
}

const lift = (x: number | null) => (x === null ? '—' : `${x.toFixed(2)}×`);

/**
 * The badge of a node from its rules' held-out evidence: a flag count when a rule contradicts
 * its evidence; otherwise the lift of the rule that moves conversion most (furthest from 1×).
 * @example nodeBadge(index.byNode.get('fit') ?? [])?.text // '2.31×'
 */
export function nodeBadge(rules: readonly RuleEvidence[]): NodeBadge | null {
  if (rules.length === 0) return null;
  const judged = rules.filter((r) => !r.holdout.tooRare && r.holdout.lift !== null);
  const contradicting = rules.filter((r) => r.holdout.contradicts).length;
  const tooRare = rules.filter((r) => r.holdout.tooRare).length;
  const title = rules
    .map((r) => {
      const e = r.holdout;
      const flag = e.contradicts ? ' — contradicts' : e.tooRare ? ' — too rare to judge' : '';
      return `${r.label}: fired ${e.fired.toLocaleString()}, lift ${lift(e.lift)}${flag}`;
    })
    .join('\n');
  if (contradicting > 0)
    return {
      text: `${contradicting} ✗`,
      tone: 'bad',
      contradicting,
      tooRare,
      title: `${contradicting} rule${contradicting === 1 ? '' : 's'} contradicted by the outcomes\n${title}`,
    };
  if (judged.length === 0) return { text: 'rare', tone: 'rare', contradicting, tooRare, title };
  const strongest = judged.reduce((a, b) =>
    Math.abs(Math.log(b.holdout.lift!)) > Math.abs(Math.log(a.holdout.lift!)) ? b : a,
  );
  const value = strongest.holdout.lift!;
  // Green when the strongest rule moves conversion the way it means to (points up, lift over 1).
  const agrees =
    strongest.direction === 'up' ? value > 1 : strongest.direction === 'down' ? value < 1 : false;
  return {
    text: lift(value),
    tone: agrees ? 'good' : 'neutral',
    contradicting,
    tooRare,
    title,
  };
}
