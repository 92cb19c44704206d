import { hasUnstorableText, unstorableDecisionPart, type NewDecision } from '@accord/db';
import { formatPath, type LeadInput, type LeadValueIssue, type Result } from '@accord/engine';
import { restErrorBody, type RestErrorBody } from './rest-error';

export interface EvaluateResultItem {
  leadId: string;
  stage: string;
  scores: Result['scores'];
  tags: Result['tags'];
  reasons: Result['reasons'];
  checklist: Result['checklist'] | null;
  workflow: string;
  version: number;
  /**
   * What the version's catalog ignores in this lead: attributes and event properties it does not
   * know, enum values outside its options (paths relative to the lead, e.g. `attributes.shoe_size`).
   */
  warnings: readonly LeadValueIssue[];
}

/**
 * A lead's entry with `explain=false`: stage and scores only, and the lead's warnings when it has
 * any (the version is named once per request).
 */
export interface CompactResultItem {
  leadId: string;
  stage: string;
  scores: Result['scores'];
  warnings?: readonly LeadValueIssue[];
}

/** Most warnings listed per lead; past it, one last entry says how many more there were. */
export const MAX_WARNINGS_PER_LEAD = 20;

export const NO_WARNINGS: readonly LeadValueIssue[] = Object.freeze([]);

/** A lead's warnings, at most `MAX_WARNINGS_PER_LEAD` of them plus a count of the rest. */
export function cappedWarnings(warnings: readonly LeadValueIssue[]): readonly LeadValueIssue[] {
  if (warnings.length === 0) return NO_WARNINGS;
  if (warnings.length <= MAX_WARNINGS_PER_LEAD) return warnings;
  const more = warnings.length - MAX_WARNINGS_PER_LEAD;
  return [
    ...warnings.slice(0, MAX_WARNINGS_PER_LEAD),
    { path: '', message: `and ${more} more warning${more === 1 ? '' : 's'}` },
  ];
}

/**
 * One lead's entry in the answer.
 * @example resultItem('L-1', version.evaluate(lead, { asOf }), 'inbound', 3, check.warnings)
 */
export function resultItem(
  leadId: string,
  result: Result,
  workflow: string,
  version: number,
  warnings: readonly LeadValueIssue[] = NO_WARNINGS,
): EvaluateResultItem {
  return {
    leadId,
    stage: result.stage,
    scores: result.scores,
    tags: result.tags,
    reasons: result.reasons,
    checklist: result.checklist ?? null,
    workflow,
    version,
    warnings: cappedWarnings(warnings),
  };
}

/**
 * One lead's entry with `explain=false`.
 * @example compactItem('L-1', version.evaluate(lead, { asOf }), check.warnings) // { leadId, stage, scores }
 */
export function compactItem(
  leadId: string,
  result: Pick<Result, 'stage' | 'scores'>,
  warnings: readonly LeadValueIssue[] = NO_WARNINGS,
): CompactResultItem {
  return warnings.length === 0
    ? { leadId, stage: result.stage, scores: result.scores }
    : { leadId, stage: result.stage, scores: result.scores, warnings: cappedWarnings(warnings) };
}

export type LeadError = RestErrorBody & { leadId: string | null };

/** A bad lead's entry: its id when it has a text one, and the error. */
export function leadError(input: unknown, message: string, path: string): LeadError {
  const raw = input as { id?: unknown } | null;
  return {
    leadId: typeof raw?.id === 'string' ? raw.id : null,
    ...restErrorBody('BAD_REQUEST', message, path),
  };
}

/** What the decision log stores of an answered lead. */
export function decisionOf(leadId: string, result: Result): NewDecision {
  return {
    leadId,
    stage: result.stage,
    scores: result.scores,
    tags: result.tags,
    reasons: result.reasons,
  };
}

/**
 * Why the decision log cannot store a lead's decision (text with a NUL character or half of a
 * surrogate pair), with the path relative to the lead; undefined when it can.
 */
export function unstorableDecision(
  decision: NewDecision,
  lead: LeadInput,
): { message: string; path: string } | undefined {
  const part = unstorableDecisionPart(decision);
  if (part === undefined) return undefined;
  return {
    message: `The decision log cannot store ${part === 'leadId' ? 'this lead id' : `this lead's ${part}`}: text with a NUL character or half of a surrogate pair.`,
    path: part === 'leadId' ? 'id' : unstorableValuePath(lead),
  };
}

/** Where in a lead the text is that the decision log cannot store (an attribute or event property). */
function unstorableValuePath(lead: LeadInput): string {
  for (const key in lead.attributes)
    if (hasUnstorableText(key) || hasUnstorableText(lead.attributes[key]))
      return formatPath(['attributes', key]);
  const events = lead.events ?? [];
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    if (hasUnstorableText(event.type)) return `events[${i}].type`;
    for (const key in event.props ?? {})
      if (hasUnstorableText(key) || hasUnstorableText(event.props![key]))
        return formatPath(['events', i, 'props', key]);
  }
  return '';
}
