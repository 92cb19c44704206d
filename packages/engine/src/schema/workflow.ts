import { z } from 'zod';
import { nodeSchema, pointsSchema } from './node';

/** The built-in stage ids; workflows may add custom ones. */
export const DEFAULT_STAGE_IDS = [
  'nurture',
  'mql',
  'sal',
  'sql',
  'disqualified',
  'recycled',
] as const;

export const stageSchema = z.object({
  id: z.string().min(1),
  label: z.string(),
  /** Funnel position: nurture 0, MQL 1, SAL 2, SQL 3; disqualified / recycled after. */
  order: z.number(),
  description: z.string().optional(),
});
export type Stage = z.infer<typeof stageSchema>;

export const scoreDefSchema = z.object({
  id: z.string().min(1),
  label: z.string(),
  /** The score never goes below / above these. */
  min: pointsSchema.optional(),
  max: pointsSchema.optional(),
  description: z.string().optional(),
});
export type ScoreDef = z.infer<typeof scoreDefSchema>;

export const edgeSchema = z.object({
  id: z.string().min(1),
  source: z.string(),
  /** The output handle of the source node, from `nodeHandles(source)`. */
  sourceHandle: z.string(),
  target: z.string(),
});
export type Edge = z.infer<typeof edgeSchema>;

export const workflowSchema = z.object({
  schemaVersion: z.literal(1),
  name: z.string().optional(),
  stages: z.array(stageSchema),
  scores: z.array(scoreDefSchema),
  nodes: z.array(nodeSchema),
  edges: z.array(edgeSchema),
});
/** A parsed workflow document (the agreement). */
export type Workflow = z.infer<typeof workflowSchema>;
/** A workflow document as authored (before defaults are applied). */
export type WorkflowInput = z.input<typeof workflowSchema>;
