import { z } from 'zod';

/** A lead attribute value as it arrives from a CRM, CSV import or form. */
export const attributeValueSchema = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.union([z.string(), z.number()])),
]);
export type AttributeValue = z.infer<typeof attributeValueSchema>;

export const leadEventSchema = z.object({
  type: z.string(),
  /** When it happened: epoch milliseconds or an ISO 8601 date-time. */
  at: z.union([z.number(), z.string()]),
  props: z.record(z.string(), attributeValueSchema).optional(),
});
export type LeadEvent = z.infer<typeof leadEventSchema>;

export const leadOutcomeSchema = z.looseObject({ converted: z.boolean() });

export const leadSchema = z.object({
  id: z.string(),
  attributes: z.record(z.string(), attributeValueSchema),
  events: z.array(leadEventSchema).default([]),
  /** What really happened, where the sample knows it (for simulations). */
  outcome: leadOutcomeSchema.optional(),
});
export type Lead = z.infer<typeof leadSchema>;
export type LeadInput = z.input<typeof leadSchema>;
