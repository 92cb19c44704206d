import type {
  Comparison,
  ComparisonValue,
  EventFilter,
  EventsOperand,
  Operand,
  Predicate,
  PropComparison,
} from '../schema/predicate';
import type { Operator } from '../schema/operators';

/**
 * Small builders for writing workflows in code (defaults, tests, benchmarks).
 * @example when(field('job_title'), 'contains', 'director')
 */
/** Operand builders. @example field('job_title') */
export const field = (id: string): Operand => ({ kind: 'field', field: id });
/** @example score('fit') */
export const score = (id: string): Operand => ({ kind: 'score', score: id });
/** @example tag('segment') */
export const tag = (id: string): Operand => ({ kind: 'tag', tag: id });

/** An event aggregate operand: `count(page_view where path startsWith '/pricing', 30 days)`. */
export function events(
  event: string,
  options: Partial<Omit<EventsOperand, 'kind' | 'event'>> = {},
): EventsOperand {
  return { kind: 'events', event, agg: 'count', ...options };
}

/** An event property condition. @example where('path', 'startsWith', '/pricing') */
export const where = (prop: string, op: Operator, value?: ComparisonValue): PropComparison =>
  value === undefined ? { prop, op } : { prop, op, value };

/** The events a per-event row counts. @example eventFilter('email_click', { withinDays: 90 }) */
export const eventFilter = (event: string, options: Omit<EventFilter, 'event'> = {}) => ({
  event,
  ...options,
});

/** A comparison. @example when(score('fit'), 'gte', 40) */
export const when = (operand: Operand, op: Operator, value?: ComparisonValue): Comparison =>
  value === undefined ? { operand, op } : { operand, op, value };

/** @example all(a, b) // { all: [a, b] } */
export const all = (...items: Predicate[]): Predicate => ({ all: items });
/** @example any(a, b) // { any: [a, b] } */
export const any = (...items: Predicate[]): Predicate => ({ any: items });
/** @example not(a) // { not: a } */
export const not = (p: Predicate): Predicate => ({ not: p });
