import type { Reason } from '../schema/result';
import { formatDate, formatNumber, formatPoints } from './values';

/**
 * The texts of reasons, shared by the compiled evaluator (which precomputes the constant ones)
 * and the reference interpreter, so both explain a result in the same words.
 */

/** "+15 Fit: Title contains 'Director'" */
export function rowReasonText(points: number, scoreLabel: string, rowLabel: string): string {
  return `${formatPoints(points)} ${scoreLabel}: ${rowLabel}`;
}

/** " (3 events)" */
export function eventCountDetail(n: number): string {
  return n === 1 ? ' (1 event)' : ` (${n} events)`;
}

/** "Fit: behaviour points capped at 30" */
export function categoryCapText(scoreLabel: string, category: string, cap: number): string {
  return `${scoreLabel}: ${category} points capped at ${cap}`;
}

/** "Fit capped at 100" / "Fit kept at -50" */
export function scoreClampText(scoreLabel: string, bound: 'min' | 'max', value: number): string {
  return bound === 'max' ? `${scoreLabel} capped at ${value}` : `${scoreLabel} kept at ${value}`;
}

/** "SQL: 4 of 4 criteria met (buying cycle, influencer, timeframe, opportunity size)" */
export function checklistReasonText(
  label: string,
  requiredMet: readonly string[],
  requiredMissing: readonly string[],
  optionalMet: readonly string[],
  optionalMissing: readonly string[],
  atLeast: number | undefined,
): string {
  const total = requiredMet.length + requiredMissing.length;
  let text = `${label}: ${requiredMet.length} of ${total} criteria met`;
  if (atLeast !== undefined) text += `, ${atLeast} needed`;
  if (requiredMet.length) text += ` (${requiredMet.join(', ')})`;
  if (requiredMissing.length) text += `; missing: ${requiredMissing.join(', ')}`;
  if (optionalMet.length) text += `; also met: ${optionalMet.join(', ')}`;
  if (optionalMissing.length) text += `; optional, not met: ${optionalMissing.join(', ')}`;
  return text;
}

/** " (gmail.com)" for a row's reason, or nothing. */
export function detailText(text: string | undefined): string {
  return text === undefined ? '' : ` (${text})`;
}

/** " (5)" for a row's reason, or nothing. */
export function detailNumber(n: number | undefined): string {
  return n === undefined ? '' : ` (${formatNumber(n)})`;
}

/** " (2026-03-01)" for a row's reason, or nothing. */
export function detailDate(ms: number | undefined): string {
  return ms === undefined ? '' : ` (${formatDate(ms)})`;
}

const DETAILS = { text: detailText, number: detailNumber, date: detailDate } as const;
/** Detail values a row keeps reasons for; rarer values get a fresh reason each time. */
const MAX_DETAIL_REASONS = 256;

/**
 * The reasons of a row whose text ends in a detail ("-20 Fit: free-mail address (gmail.com)",
 * "+10 Engagement: 2+ visits (3)"): one shared, frozen reason per detail value, since the same
 * domains and counts come back lead after lead.
 * @example detailReasons({ nodeId: 'fit', rowId: 'free', text: '-20 Fit: free mail', points: -20 }, 'text')('gmail.com').text
 * // '-20 Fit: free mail (gmail.com)'
 */
export function detailReasons<V extends string | number | undefined>(
  reason: Reason,
  format: keyof typeof DETAILS,
): (value: V) => Reason {
  const detail = DETAILS[format] as (value: V) => string;
  const known = new Map<V, Reason>();
  return (value) => {
    let hit = known.get(value);
    if (hit === undefined) {
      hit = Object.freeze({ ...reason, text: reason.text + detail(value) });
      if (known.size < MAX_DETAIL_REASONS) known.set(value, hit);
    }
    return hit;
  };
}
