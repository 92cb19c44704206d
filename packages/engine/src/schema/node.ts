import { z } from 'zod';
import { predicateSchema } from './predicate';
import { comparisonValueSchema, eventFilterSchema, operandSchema } from './predicate';
import { operatorSchema } from './operators';

/** Every node kind, declared once; each layer keeps a registry keyed by it. */
export const NODE_KINDS = [
  'start',
  'condition',
  'switch',
  'scorecard',
  'checklist',
  'table',
  'assign',
  'stage',
] as const;
export type NodeKind = (typeof NODE_KINDS)[number];

/** The categories a scorecard row counts towards (DOMAIN.md's four). */
export const SCORE_CATEGORIES = ['profile', 'channel', 'behaviour', 'undesirable'] as const;
export type ScoreCategory = (typeof SCORE_CATEGORIES)[number];

/**
 * Points, caps and score bounds: a billion either way is far beyond any agreement, and keeps
 * sums, per-event multiples and rounding to cents finite.
 */
export const MAX_POINTS = 1_000_000_000;
export const pointsSchema = z
  .number()
  .refine((n) => Math.abs(n) <= MAX_POINTS, 'must be between -1000000000 and 1000000000');

/**
 * A decay half-life in days: an hour to a century. Shorter ones break the arithmetic (a
 * half-life of 1e-320 days makes the decay rate infinite and the score NaN) and mean nothing for
 * events stamped to the second.
 */
export const MIN_HALF_LIFE_DAYS = 1 / 24;
export const MAX_HALF_LIFE_DAYS = 36_500;
export const halfLifeDaysSchema = z
  .number()
  .refine(
    (n) => n >= MIN_HALF_LIFE_DAYS && n <= MAX_HALF_LIFE_DAYS,
    'must be from 1/24 (an hour) to 36500 days',
  );

export const tagAssignmentSchema = z.object({ tag: z.string(), value: z.string() });
export type TagAssignment = z.infer<typeof tagAssignmentSchema>;

export const startDataSchema = z.object({});

export const conditionDataSchema = z.object({ when: predicateSchema });

export const switchCaseSchema = z.object({
  id: z.string(),
  label: z.string(),
  when: predicateSchema,
});
export const switchDataSchema = z.object({ cases: z.array(switchCaseSchema) });
export type SwitchCase = z.infer<typeof switchCaseSchema>;

export const scorecardRowSchema = z.object({
  id: z.string(),
  label: z.string(),
  category: z.enum(SCORE_CATEGORIES),
  /** When the row applies; a per-event row without `when` applies whenever events match. */
  when: predicateSchema.optional(),
  points: pointsSchema,
  /** Points per matching event instead of once. */
  perEvent: eventFilterSchema.optional(),
  /** Per-event points halve every N days of the event's age (as of the evaluation date). */
  decayHalfLifeDays: halfLifeDaysSchema.optional(),
  /** The row adds at most this many points (in absolute value). */
  cap: pointsSchema.optional(),
});
export type ScorecardRow = z.infer<typeof scorecardRowSchema>;

export const categoryCapsSchema = z.object({
  profile: pointsSchema.optional(),
  channel: pointsSchema.optional(),
  behaviour: pointsSchema.optional(),
  undesirable: pointsSchema.optional(),
});
export type CategoryCaps = z.infer<typeof categoryCapsSchema>;

export const scorecardDataSchema = z.object({
  score: z.string(),
  rows: z.array(scorecardRowSchema),
  /** A category adds at most this many points (in absolute value). */
  categoryCaps: categoryCapsSchema.optional(),
});

export const checklistCriterionSchema = z.object({
  id: z.string(),
  label: z.string(),
  when: predicateSchema,
  /** Reported as met or missing but not needed to pass (e.g. budget in an SQL checklist). */
  optional: z.boolean().optional(),
});
export type ChecklistCriterion = z.infer<typeof checklistCriterionSchema>;

export const checklistDataSchema = z.object({
  criteria: z.array(checklistCriterionSchema),
  mode: z.enum(['all', 'atLeast']),
  /** With mode `atLeast`: how many required criteria must be met. */
  atLeast: z.number().optional(),
});

export const tableInputSchema = z.object({
  id: z.string(),
  label: z.string(),
  operand: operandSchema,
});
export type TableInput = z.infer<typeof tableInputSchema>;

/** A table cell: a comparison of its column's operand, or `any`. */
export const tableCellSchema = z.object({
  op: z.union([operatorSchema, z.literal('any')]),
  value: comparisonValueSchema.optional(),
});
export type TableCell = z.infer<typeof tableCellSchema>;

export const tableRowSchema = z.object({
  id: z.string(),
  label: z.string(),
  /** One cell per input column, in column order; missing trailing cells mean `any`. */
  cells: z.array(tableCellSchema),
  tags: z.array(tagAssignmentSchema).optional(),
  /** With hit policy `collect`: points added to the table's score. */
  points: pointsSchema.optional(),
});
export type TableRow = z.infer<typeof tableRowSchema>;

export const HIT_POLICIES = ['first', 'collect'] as const;
export type HitPolicy = (typeof HIT_POLICIES)[number];

export const tableDataSchema = z.object({
  hitPolicy: z.enum(HIT_POLICIES),
  inputs: z.array(tableInputSchema),
  rows: z.array(tableRowSchema),
  /** With hit policy `collect`: the score the matching rows' points add to. */
  score: z.string().optional(),
});

export const assignDataSchema = z.object({ tags: z.array(tagAssignmentSchema) });

export const stageDataSchema = z.object({
  stage: z.string(),
  /** Reason template; `{score.fit}`, `{tag.segment}`, `{field.job_title}` are filled in. */
  reason: z.string().optional(),
});

export const positionSchema = z.object({ x: z.number(), y: z.number() });

const nodeBase = {
  id: z.string().min(1),
  position: positionSchema,
  label: z.string(),
  description: z.string().optional(),
};

export const nodeSchemas = {
  start: z.object({ ...nodeBase, kind: z.literal('start'), data: startDataSchema }),
  condition: z.object({ ...nodeBase, kind: z.literal('condition'), data: conditionDataSchema }),
  switch: z.object({ ...nodeBase, kind: z.literal('switch'), data: switchDataSchema }),
  scorecard: z.object({ ...nodeBase, kind: z.literal('scorecard'), data: scorecardDataSchema }),
  checklist: z.object({ ...nodeBase, kind: z.literal('checklist'), data: checklistDataSchema }),
  table: z.object({ ...nodeBase, kind: z.literal('table'), data: tableDataSchema }),
  assign: z.object({ ...nodeBase, kind: z.literal('assign'), data: assignDataSchema }),
  stage: z.object({ ...nodeBase, kind: z.literal('stage'), data: stageDataSchema }),
} as const satisfies Record<NodeKind, z.ZodType>;

export const nodeSchema = z.discriminatedUnion('kind', [
  nodeSchemas.start,
  nodeSchemas.condition,
  nodeSchemas.switch,
  nodeSchemas.scorecard,
  nodeSchemas.checklist,
  nodeSchemas.table,
  nodeSchemas.assign,
  nodeSchemas.stage,
]);
export type WorkflowNode = z.infer<typeof nodeSchema>;
export type WorkflowNodeInput = z.input<typeof nodeSchema>;
/** The node of one kind, e.g. `NodeOf<'scorecard'>`. */
export type NodeOf<K extends NodeKind> = Extract<WorkflowNode, { kind: K }>;
export type NodeDataOf<K extends NodeKind> = NodeOf<K>['data'];
