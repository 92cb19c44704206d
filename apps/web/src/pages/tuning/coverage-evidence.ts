import type { EvidenceReport, RuleEvidence } from '@accord/engine';

/** A rule's conversion over every lead of the set: what a simulation's rule coverage shows. */
export interface WholeSetEvidence {
  fired: number;
  converted: number;
  /** Conversion of the leads it fired on; null when it fired on none. */
  rate: number | null;
  /** `rate` ÷ the set's conversion; null when it fired on none or nobody converted. */
  lift: number | null;
}

/** The key of a coverage row: its node and row (none for the node itself). */
export const coverageKey = (nodeId: string, rowId: string | null) =>
  `${nodeId}\u0000${rowId ?? ''}`;

/**
 * A rule's evidence over the whole set (both parts of the split added up): a simulation fits
 * nothing, so nothing needs holding out there.
 * @example wholeSet(rule, report.split).lift
 */
export function wholeSet(rule: RuleEvidence, split: EvidenceReport['split']): WholeSetEvidence {
  const fired = rule.fit.fired + rule.holdout.fired;
  const converted = rule.fit.whenFired.converted + rule.holdout.whenFired.converted;
  const leads = split.fit.leads + split.holdout.leads;
  const base = leads ? (split.fit.converted + split.holdout.converted) / leads : 0;
  const rate = fired ? converted / fired : null;
  return { fired, converted, rate, lift: rate !== null && base > 0 ? rate / base : null };
}

/** Every rule of a report over the whole set, by coverage key. */
export function coverageEvidence(report: EvidenceReport): Map<string, WholeSetEvidence> {
  return new Map(
    report.rules.map((r) => [coverageKey(r.nodeId, r.rowId), wholeSet(r, report.split)]),
  );
}
