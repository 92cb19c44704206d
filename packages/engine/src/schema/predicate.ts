import { z } from 'zod';
import { operatorSchema } from './operators';

/** A comparison's right-hand side: text, number, yes/no, a date (ISO text or epoch ms), or a list. */
export const comparisonValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.union([z.string(), z.number()])),
]);
export type ComparisonValue = z.infer<typeof comparisonValueSchema>;

/** A condition on one property of an event, e.g. `path startsWith '/pricing'`. */
export const propComparisonSchema = z.object({
  prop: z.string().min(1),
  op: operatorSchema,
  value: comparisonValueSchema.optional(),
});
export type PropComparison = z.infer<typeof propComparisonSchema>;

/** Which events count: a type, optional property conditions, optionally only the last N days. */
export const eventFilterSchema = z.object({
  event: z.string().min(1),
  where: z.array(propComparisonSchema).optional(),
  withinDays: z.number().optional(),
});
export type EventFilter = z.infer<typeof eventFilterSchema>;

/**
 * How matching events fold into one value: how many there are, a sum/min/max of a numeric
 * property, or the date of the first/last one.
 */
export const EVENT_AGGREGATES = ['count', 'sum', 'min', 'max', 'first', 'last'] as const;
export type EventAggregate = (typeof EVENT_AGGREGATES)[number];

export const fieldOperandSchema = z.object({ kind: z.literal('field'), field: z.string() });
export const eventsOperandSchema = eventFilterSchema.extend({
  kind: z.literal('events'),
  agg: z.enum(EVENT_AGGREGATES),
  /** The numeric property summed / minimised / maximised. */
  prop: z.string().optional(),
  /** How a sales leader calls this number, e.g. "Pricing page visits". */
  label: z.string().optional(),
});
export const scoreOperandSchema = z.object({ kind: z.literal('score'), score: z.string() });
export const tagOperandSchema = z.object({ kind: z.literal('tag'), tag: z.string() });

/** The left-hand side of a comparison: a lead field, an event aggregate, a score or a tag. */
export const operandSchema = z.discriminatedUnion('kind', [
  fieldOperandSchema,
  eventsOperandSchema,
  scoreOperandSchema,
  tagOperandSchema,
]);
export type Operand = z.infer<typeof operandSchema>;
export type EventsOperand = z.infer<typeof eventsOperandSchema>;
export type OperandKind = Operand['kind'];

export const comparisonSchema = z.strictObject({
  operand: operandSchema,
  op: operatorSchema,
  value: comparisonValueSchema.optional(),
});
export type Comparison = z.infer<typeof comparisonSchema>;

/** A predicate: a comparison, or all / any / not over predicates. */
export type Predicate =
  Comparison | { all: Predicate[] } | { any: Predicate[] } | { not: Predicate };

export const predicateSchema: z.ZodType<Predicate> = z.lazy(() =>
  z.union([
    comparisonSchema,
    z.strictObject({ all: z.array(predicateSchema) }),
    z.strictObject({ any: z.array(predicateSchema) }),
    z.strictObject({ not: predicateSchema }),
  ]),
);

/**
 * Whether a predicate node is a leaf comparison.
 * @example isComparison({ all: [] }) // false
 */
export function isComparison(p: Predicate): p is Comparison {
  return 'operand' in p;
}
