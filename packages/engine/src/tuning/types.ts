/**
 * The shapes of the tuning reports (issue #19): evidence per rule, signals per field, suggested
 * points, the threshold explorer and a drafted scorecard. Every number says which part of the
 * seeded split it comes from: suggestions are fitted on `fit` and judged on `holdout`.
 */
import type { Predicate } from '../schema/predicate';
import type { NodeDataOf } from '../schema/node';
import type { FieldType } from '../schema/field-catalog';

/** The two parts of a lead set: suggestions are made on `fit` and judged on `holdout`. */
export type SplitPart = 'fit' | 'holdout';
export const SPLIT_PARTS: readonly SplitPart[] = ['fit', 'holdout'];

/** How a lead set is split: the same seed and share give the same parts on every run. */
export interface SplitOptions {
  /** Any integer or text; each lead's part is a hash of its id and the seed. */
  seed: number | string;
  /** Share of leads held out for judging, 0.05 … 0.95. */
  holdoutShare: number;
}

/** A conversion rate with its Wilson 95% interval (all 0 when `leads` is 0). */
export interface Rate {
  leads: number;
  converted: number;
  rate: number;
  low: number;
  high: number;
}

/** The leads of one part that carry an outcome, and how many of them converted. */
export interface PartSummary {
  leads: number;
  converted: number;
  baseRate: number;
}

/** Leads read, leads left out (no `outcome.converted`), and each part's summary. */
export interface SplitSummary {
  seed: number | string;
  holdoutShare: number;
  leadsRead: number;
  withoutOutcome: number;
  fit: PartSummary;
  holdout: PartSummary;
}

/**
 * What a rule is: a condition node (its `true` branch), a switch case, a scorecard row, a
 * checklist criterion or a decision-table row.
 */
export type RuleKind = 'condition' | 'case' | 'scorecardRow' | 'criterion' | 'tableRow';

/**
 * What a rule is meant to do to a lead: `up` adds points or moves it towards a better stage,
 * `down` the opposite; `none` when it does neither (e.g. a table row that only tags).
 */
export type RuleDirection = 'up' | 'down' | 'none';

/** A rule's evidence in one part of the split. */
export interface RulePartEvidence {
  /** Leads of the part with an outcome. */
  leads: number;
  /** Leads whose path passed the rule's node. */
  reached: number;
  /** Leads on which the rule fired (condition true, case taken, row added, criterion met). */
  fired: number;
  /** fired / leads. */
  share: number;
  whenFired: Rate;
  whenNotFired: Rate;
  /** whenFired.rate / base rate of the part; null when nothing fired or nobody converted. */
  lift: number | null;
  /**
   * The rule pushes up (down) but the Wilson 95% interval of its leads' conversion lies wholly
   * below (above) the conversion of the leads it did not fire on. Never set when `tooRare`.
   */
  contradicts: boolean;
  /** Fired on fewer than `minFirings` leads of the part: too rare to judge. */
  tooRare: boolean;
}

/**
 * One rule's evidence. The canvas finds it by `nodeId`; the inspector finds the row by `rowId`
 * (scorecard row id, table row id, switch case id, checklist criterion id; null for a condition).
 */
export interface RuleEvidence {
  nodeId: string;
  rowId: string | null;
  kind: RuleKind;
  /** "Fit score › Visited pricing page". */
  label: string;
  /** The row's points (scorecard rows, collect-table rows), else null. */
  points: number | null;
  direction: RuleDirection;
  fit: RulePartEvidence;
  holdout: RulePartEvidence;
}

export interface EvidenceReport {
  split: SplitSummary;
  /** A rule firing on fewer leads than this in a part is `tooRare` there. */
  minFirings: number;
  rules: RuleEvidence[];
}

/** One bin's counts and weight of evidence in one part. */
export interface BinPart {
  leads: number;
  converted: number;
  rate: number;
  /** ln(share of converted leads in the bin / share of not-converted leads in the bin). */
  woe: number;
}

/**
 * One bin of a field: an option (enum, boolean, text), a range of numbers or dates, or
 * `missing`. `when` is the comparison that picks exactly its leads (a scorecard row's `when`).
 */
export interface SignalBin {
  /** Stable within a report: `missing`, `v:<value>`, `r:<from>:<to>`. */
  key: string;
  /** "missing", "webinar", "over 1,000", "between 50 and 199", "in the last 30 days". */
  label: string;
  when: Predicate;
  /** Options of the bin (enum, text, boolean `true`/`false`); absent for ranges and `missing`. */
  values?: string[];
  /**
   * Numbers: the bin holds from < value ≤ to. Dates: the age in whole days as of the evaluation
   * date, from ≤ age < to. A null end is open.
   */
  range?: { from: number | null; to: number | null };
  /** Bins are fitted on `fit`; `holdout` counts the same bins' leads in the other part. */
  fit: BinPart;
  holdout: BinPart;
  /** This bin's part of the field's information value (fit). */
  iv: number;
}

/** A field's signal: its bins and information value, fit and holdout. */
export interface FieldSignal {
  field: string;
  label: string;
  type: FieldType;
  category: string;
  bins: SignalBin[];
  iv: { fit: number; holdout: number };
  /** Conventional reading of the fit IV: < 0.02 none, < 0.1 weak, < 0.3 medium, else strong. */
  strength: 'none' | 'weak' | 'medium' | 'strong';
  /** Numeric / date bins were merged until their conversion rises or falls steadily. */
  monotone: boolean;
  /** Filled in after sales contact (category `sales`): predicts only because written after. */
  leaky: boolean;
}

export interface SignalsReport {
  split: SplitSummary;
  /** Ranked by fit information value, strongest first. */
  fields: FieldSignal[];
}

/** A point on a threshold curve: flag leads scoring `threshold` or more. */
export interface CurvePoint {
  threshold: number;
  flagged: number;
  share: number;
  precision: number;
  recall: number;
  lift: number;
}

/** A curve and its ROC AUC in one part. */
export interface CurvePart {
  leads: number;
  converted: number;
  /** Area under the ROC curve; ties count one half. Null without both outcomes. */
  auc: number | null;
  /** From the highest threshold down (at most ~200 points, evenly spread over the share). */
  points: CurvePoint[];
}

/** A comparison `score >= value` (or `>`) in the workflow that a threshold can be applied to. */
export interface ThresholdSite {
  nodeId: string;
  /** Switch case or checklist criterion id; null for a condition node. */
  rowId: string | null;
  /** Child indexes from the node's (case's, criterion's) predicate down to the comparison. */
  path: number[];
  op: 'gte' | 'gt';
  value: number;
  /** "MQL threshold › fit ≥ 40". */
  label: string;
}

export interface ScoreThresholds {
  score: string;
  label: string;
  fit: CurvePart;
  holdout: CurvePart;
  sites: ThresholdSite[];
}

/** The MQL-or-better decision as a classifier of conversion (one point per part). */
export interface DecisionPart {
  leads: number;
  flagged: number;
  share: number;
  precision: number;
  recall: number;
  lift: number;
  auc: number | null;
}

export interface ThresholdReport {
  split: SplitSummary;
  scores: ScoreThresholds[];
  decision: { fit: DecisionPart; holdout: DecisionPart };
}

/** A suggestion of points for one scorecard row. */
export interface PointSuggestion {
  nodeId: string;
  rowId: string;
  label: string;
  current: number;
  /** Rounded to the step; null when the row never fired (or always fired) in the fit part. */
  suggested: number | null;
  /** ln(odds of conversion when fired / odds when not), fit part, before shrinking. */
  logOddsRatio: number | null;
  /** n / (n + k): how much of the log-odds ratio is kept (n = the smaller of fired, not fired). */
  weight: number;
  fired: number;
  /** The row's evidence on the holdout part, to judge the suggestion. */
  holdout: RulePartEvidence;
}

export interface ScorecardSuggestion {
  nodeId: string;
  label: string;
  score: string;
  /** Points per unit of log-odds used for this scorecard (see `pointsScale`). */
  factor: number;
  rows: PointSuggestion[];
}

export interface PointsReport {
  split: SplitSummary;
  step: number;
  /** The shrinkage constant k of n / (n + k). */
  shrinkage: number;
  scorecards: ScorecardSuggestion[];
}

/** A threshold on a score chosen on the fit part, judged on both parts. */
export interface DraftThreshold {
  value: number;
  flagShare: number;
  fit: DecisionPart;
  holdout: DecisionPart;
}

/** One row of a drafted scorecard and where it came from. */
export interface DraftedRow {
  rowId: string;
  field: string;
  binKey: string;
  /** "Total time on site over 1,000 s +15". */
  text: string;
  points: number;
  /** The fit WoE of the bin and the field's fit IV. */
  woe: number;
  iv: number;
}

/** A scorecard drafted from the signals, ready to insert as a node's data. */
export interface DraftedScorecard {
  split: SplitSummary;
  /** Valid `scorecard` node data (checked against the schema and the catalog). */
  data: NodeDataOf<'scorecard'>;
  rows: DraftedRow[];
  /** Fields left out and why. */
  skipped: { field: string; reason: 'weak' | 'chance' | 'redundant' | 'leaky' | 'no rows' }[];
  /**
   * The threshold that flags `flagShare` of the fit part, with its metrics on both parts (set by
   * `withDraftThreshold` after a pass of the leads through the drafted scorecard).
   */
  threshold: DraftThreshold | null;
  /** Points per unit of log-odds. */
  factor: number;
}
