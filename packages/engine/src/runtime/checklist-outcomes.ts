import { checklistReasonText } from './reason-text';

/** What a checklist answers for one combination of met criteria. */
export interface ChecklistOutcome {
  readonly reason: { readonly nodeId: string; readonly text: string };
  readonly checklist: {
    readonly nodeId: string;
    readonly met: readonly string[];
    readonly missing: readonly string[];
  };
  readonly pass: boolean;
}

/** Most criteria a checklist may have for its outcomes to be keyed by a bit mask. */
export const MAX_MASKED_CRITERIA = 30;

/**
 * A checklist's outcomes by which criteria are met (bit i set: criterion i met), each built once
 * and then shared (frozen) by every result with that combination: the compiled evaluator then
 * spends no allocation or string building on a checklist it has seen before.
 * @example checklistOutcomes('sal', 'SAL', [{ label: 'reachable' }], undefined)(1).pass // true
 */
export function checklistOutcomes(
  nodeId: string,
  label: string,
  criteria: readonly { label: string; optional?: boolean }[],
  atLeast: number | undefined,
): (mask: number) => ChecklistOutcome {
  const cache = new Map<number, ChecklistOutcome>();
  const build = (mask: number): ChecklistOutcome => {
    const met: string[] = [];
    const missing: string[] = [];
    const rm: string[] = [];
    const rx: string[] = [];
    const om: string[] = [];
    const ox: string[] = [];
    criteria.forEach((c, i) => {
      const hit = (mask & (1 << i)) !== 0;
      (hit ? met : missing).push(c.label);
      if (c.optional) (hit ? om : ox).push(c.label);
      else (hit ? rm : rx).push(c.label);
    });
    return Object.freeze({
      reason: Object.freeze({ nodeId, text: checklistReasonText(label, rm, rx, om, ox, atLeast) }),
      checklist: Object.freeze({
        nodeId,
        met: Object.freeze(met),
        missing: Object.freeze(missing),
      }),
      pass: atLeast === undefined ? rx.length === 0 : rm.length >= atLeast,
    });
  };
  return (mask) => {
    let outcome = cache.get(mask);
    if (outcome === undefined) cache.set(mask, (outcome = build(mask)));
    return outcome;
  };
}
