import { z } from 'zod';

/** One line of the explanation of a result. */
export const reasonSchema = z.object({
  nodeId: z.string(),
  /** The scorecard row, table row or switch case that fired, for per-row coverage. */
  rowId: z.string().optional(),
  text: z.string(),
  points: z.number().optional(),
});
export type Reason = z.infer<typeof reasonSchema>;

export const checklistOutcomeSchema = z.object({
  nodeId: z.string(),
  met: z.array(z.string()),
  missing: z.array(z.string()),
});
export type ChecklistOutcome = z.infer<typeof checklistOutcomeSchema>;

/** What evaluating one lead gives: its stage and why. */
export const resultSchema = z.object({
  stage: z.string(),
  scores: z.record(z.string(), z.number()),
  tags: z.record(z.string(), z.string()),
  path: z.array(z.string()),
  reasons: z.array(reasonSchema),
  /** The last checklist on the path: its met and missing criteria (labels). */
  checklist: checklistOutcomeSchema.optional(),
});
export type Result = z.infer<typeof resultSchema>;
