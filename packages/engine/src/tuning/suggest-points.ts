import type { Workflow } from '../schema/workflow';
import { logOddsRatio } from './statistics';
import type { EvidenceReport, PointsReport, ScorecardSuggestion } from './types';

/** Points that double the odds when no existing points give a scale (the classic PDO of 20). */
export const POINTS_TO_DOUBLE_ODDS = 20;
/** Points per unit of log-odds at PDO 20: 20 / ln 2 ≈ 28.85. */
export const PDO_FACTOR = POINTS_TO_DOUBLE_ODDS / Math.LN2;
/** Default k of the shrinkage weight n / (n + k). */
export const DEFAULT_SHRINKAGE = 100;

/**
 * `x` rounded to a multiple of `step` (never −0).
 * @example roundToStep(13.2, 5) // 15
 */
export function roundToStep(x: number, step: number): number {
  const r = Math.round(x / step) * step;
  return Number((r === 0 ? 0 : r).toPrecision(12));
}

/**
 * Suggested points per scorecard row, from the row's evidence on the fit part:
 * 1. effect = ln(odds of conversion when the row fired / odds when it did not) (0.5 added to
 *    every count when one is 0);
 * 2. shrunk toward zero by the weight n / (n + k), n = leads it fired on (k = `shrinkage`), so a
 *    row seen on few leads moves little;
 * 3. scaled to the scorecard's existing points: factor = Σ|current points| / Σ|shrunk effect|
 *    over its rows with evidence (the card keeps its total weight), or 20 / ln 2 (20 points
 *    double the odds) when the card has no points yet;
 * 4. rounded to a multiple of `step`.
 * A row that fired on no lead, or on every lead, gets no suggestion (null).
 * @example suggestPoints(workflow, pass.evidence(), { step: 5 }).scorecards[0].rows[0].suggested
 */
export function suggestPoints(
  workflow: Workflow,
  evidence: EvidenceReport,
  options: { step?: number; shrinkage?: number } = {},
): PointsReport {
  const step = options.step ?? 5;
  const shrinkage = options.shrinkage ?? DEFAULT_SHRINKAGE;
  if (!(step > 0) || !Number.isFinite(step)) throw new RangeError('step must be a positive number');
  if (!(shrinkage >= 0) || !Number.isFinite(shrinkage))
    throw new RangeError('shrinkage must be zero or more');
  const byKey = new Map(evidence.rules.map((r) => [`${r.nodeId}\u0000${r.rowId ?? ''}`, r]));
  const scorecards: ScorecardSuggestion[] = [];
  for (const node of workflow.nodes) {
    if (node.kind !== 'scorecard') continue;
    const rows = node.data.rows.map((row) => {
      const ev = byKey.get(`${node.id}\u0000${row.id}`);
      const fit = ev?.fit;
      const fired = fit?.fired ?? 0;
      const judged = fit !== undefined && fired > 0 && fired < fit.leads;
      const lor = judged
        ? logOddsRatio(
            fit.whenFired.converted,
            fit.whenFired.leads - fit.whenFired.converted,
            fit.whenNotFired.converted,
            fit.whenNotFired.leads - fit.whenNotFired.converted,
          )
        : null;
      const weight = fired / (fired + shrinkage) || 0;
      return { row, ev, lor, weight, fired };
    });
    let pointsSum = 0;
    let effectSum = 0;
    for (const r of rows)
      if (r.lor !== null) {
        pointsSum += Math.abs(r.row.points);
        effectSum += Math.abs(r.lor * r.weight);
      }
    const factor = pointsSum > 0 && effectSum > 0 ? pointsSum / effectSum : PDO_FACTOR;
    scorecards.push({
      nodeId: node.id,
      label: node.label,
      score: node.data.score,
      factor,
      rows: rows.map(({ row, ev, lor, weight, fired }) => ({
        nodeId: node.id,
        rowId: row.id,
        label: row.label,
        current: row.points,
        suggested: lor === null ? null : roundToStep(lor * weight * factor, step),
        logOddsRatio: lor,
        weight,
        fired,
        holdout: ev?.holdout ?? emptyPart(),
      })),
    });
  }
  return { split: evidence.split, step, shrinkage, scorecards };
}

const emptyPart = () => {
  const rate = { leads: 0, converted: 0, rate: 0, low: 0, high: 0 };
  return {
    leads: 0,
    reached: 0,
    fired: 0,
    share: 0,
    whenFired: rate,
    whenNotFired: rate,
    lift: null,
    contradicts: false,
    tooRare: true,
  };
};
