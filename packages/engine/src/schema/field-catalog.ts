import { z } from 'zod';

/** The value types a lead field or event property can have. */
export const FIELD_TYPES = [
  'string',
  'email',
  'phone',
  'number',
  'boolean',
  'date',
  'enum',
  'list',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];
export const fieldTypeSchema = z.enum(FIELD_TYPES);

/**
 * Where a field sits in the agreement: the four MQL categories of DOMAIN.md, plus the fields sales
 * fills in while working a lead.
 */
export const FIELD_CATEGORIES = [
  'profile',
  'channel',
  'behaviour',
  'undesirable',
  'sales',
] as const;
export type FieldCategory = (typeof FIELD_CATEGORIES)[number];
export const fieldCategorySchema = z.enum(FIELD_CATEGORIES);

/** One allowed value of an enum field, with the words a sales leader reads. */
export const enumOptionSchema = z.object({
  value: z.string(),
  label: z.string(),
});
export type EnumOption = z.infer<typeof enumOptionSchema>;

export const fieldDefSchema = z.object({
  id: z.string().min(1),
  label: z.string(),
  type: fieldTypeSchema,
  category: fieldCategorySchema,
  description: z.string().optional(),
  /** Allowed values of `enum` fields (and suggestions for `list` fields). */
  values: z.array(enumOptionSchema).optional(),
  /**
   * Texts that mean "no answer" for this field in imports, e.g. `Select`, `N/A`, `-` (compared
   * trimmed and ignoring case); a blank always does.
   */
  missing: z.array(z.string().max(64)).max(50).optional(),
  /** A retired field stays readable by the versions that use it; new rules should not use it. */
  retired: z.boolean().optional(),
});
export type FieldDef = z.infer<typeof fieldDefSchema>;

export const eventPropDefSchema = z.object({
  id: z.string().min(1),
  label: z.string(),
  type: fieldTypeSchema,
  values: z.array(enumOptionSchema).optional(),
});
export type EventPropDef = z.infer<typeof eventPropDefSchema>;

export const eventDefSchema = z.object({
  id: z.string().min(1),
  label: z.string(),
  category: z.enum(['channel', 'behaviour']),
  description: z.string().optional(),
  props: z.array(eventPropDefSchema).default([]),
  retired: z.boolean().optional(),
});
export type EventDef = z.infer<typeof eventDefSchema>;

/** The typed fields and event types a workflow may refer to; extendable per workspace. */
export const fieldCatalogSchema = z.object({
  fields: z.array(fieldDefSchema),
  events: z.array(eventDefSchema),
});
export type FieldCatalog = z.infer<typeof fieldCatalogSchema>;
export type FieldCatalogInput = z.input<typeof fieldCatalogSchema>;
