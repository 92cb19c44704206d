import {
  CATALOG_TEMPLATES,
  fieldCatalogSchema,
  fieldDefSchema,
  type FieldCatalog,
  type FieldDef,
} from '@accord/engine';
import { findWorkspaceCatalog } from '@accord/db';
import type { TRPCRouterRecord } from '@trpc/server';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import {
  catalogUsage,
  checkField,
  editorOf,
  FIELD_ID,
  replaceCatalog,
  saveCatalog,
} from '../services/field-catalog';
import { protectedProcedure } from '../trpc';

/** A field as a person defines it, with caps on every part. */
export const fieldInput = fieldDefSchema.extend({
  id: z
    .string()
    .regex(FIELD_ID, 'Use lower case letters, digits and _ (start with a letter, at most 63)'),
  label: z.string().trim().min(1, 'Give the field a label').max(120),
  description: z.string().trim().max(2_000).optional(),
  values: z
    .array(
      z
        .object({
          value: z.string().trim().min(1, 'An option needs a value').max(200),
          label: z.string().trim().max(200),
        })
        // An option without words reads as its value.
        .transform((o) => ({ value: o.value, label: o.label || o.value })),
    )
    .max(500, 'At most 500 options')
    .optional(),
  missing: z
    .array(z.string().trim().min(1, 'A missing-value text cannot be blank').max(64))
    .max(50, 'At most 50 missing-value texts')
    // Imports compare them ignoring case: "N/A" and "n/a" (two spellings seen in a file) are one.
    .transform((texts) =>
      texts.filter((t, i) => texts.findIndex((u) => u.toLowerCase() === t.toLowerCase()) === i),
    )
    .optional(),
});

const baseRevision = z.number().int().min(0);
/** Why a field change is made: kept in the audit log. */
const reason = z.string().trim().max(500).optional();

function withField(catalog: FieldCatalog, field: FieldDef): FieldCatalog {
  const at = catalog.fields.findIndex((f) => f.id === field.id);
  const fields = [...catalog.fields];
  if (at === -1) fields.push(field);
  else fields[at] = field;
  return { ...catalog, fields };
}

function requireField(catalog: FieldCatalog, id: string): FieldDef {
  const field = catalog.fields.find((f) => f.id === id);
  if (!field) throw new TRPCError({ code: 'NOT_FOUND', message: `There is no field '${id}'.` });
  return field;
}

export const fieldsRouter = {
  /** The workspace's live catalog and its revision (what a save must name). */
  catalog: protectedProcedure('fields.catalog').query(async ({ ctx }) => {
    const live = await findWorkspaceCatalog(ctx.db, ctx.user.workspace_id);
    return {
      catalog: live.catalog,
      revision: live.revision,
      updatedAt: live.updatedAt,
      templates: Object.values(CATALOG_TEMPLATES).map(({ id, label, description, catalog }) => ({
        id,
        label,
        description,
        fields: catalog.fields.length,
        events: catalog.events.length,
      })),
    };
  }),

  /** Which drafts and versions in force read each field and event type. */
  usage: protectedProcedure('fields.usage').query(({ ctx }) =>
    catalogUsage(ctx.db, ctx.user.workspace_id),
  ),

  /** Adds a field (refused when its id is taken). */
  add: protectedProcedure('fields.add')
    .input(z.object({ baseRevision, field: fieldInput, reason }))
    .mutation(({ ctx, input }) => {
      checkField(input.field);
      return saveCatalog(ctx, {
        baseRevision: input.baseRevision,
        action: 'fields.add',
        detail: { field: input.field.id, reason: input.reason },
        next: (catalog) => {
          if (catalog.fields.some((f) => f.id === input.field.id))
            throw new TRPCError({
              code: 'CONFLICT',
              message: `There is already a field '${input.field.id}'.`,
            });
          return withField(catalog, input.field);
        },
      });
    }),

  /**
   * Adds several fields at once (learning them from an import): one revision, one audit event.
   * Refused as a whole when any id is taken or given twice.
   */
  addMany: protectedProcedure('fields.addMany')
    .input(z.object({ baseRevision, fields: z.array(fieldInput).min(1).max(500), reason }))
    .mutation(({ ctx, input }) => {
      input.fields.forEach(checkField);
      return saveCatalog(ctx, {
        baseRevision: input.baseRevision,
        action: 'fields.addMany',
        detail: { fields: input.fields.map((f) => f.id), reason: input.reason },
        next: (catalog) => {
          const taken = new Set(catalog.fields.map((f) => f.id));
          for (const field of input.fields) {
            if (taken.has(field.id))
              throw new TRPCError({
                code: 'CONFLICT',
                message: `There is already a field '${field.id}'.`,
              });
            taken.add(field.id);
          }
          return { ...catalog, fields: [...catalog.fields, ...input.fields] };
        },
      });
    }),

  /** Changes a field's label, description, type, options or missing-value texts. */
  update: protectedProcedure('fields.update')
    .input(z.object({ baseRevision, field: fieldInput, reason }))
    .mutation(({ ctx, input }) => {
      checkField(input.field);
      return saveCatalog(ctx, {
        baseRevision: input.baseRevision,
        action: 'fields.update',
        detail: { field: input.field.id, reason: input.reason },
        next: (catalog) => {
          const before = requireField(catalog, input.field.id);
          return withField(catalog, { ...input.field, retired: before.retired });
        },
      });
    }),

  /** Retires a field (or brings it back): versions that read it keep working. */
  setRetired: protectedProcedure('fields.setRetired')
    .input(z.object({ baseRevision, id: z.string().max(63), retired: z.boolean(), reason }))
    .mutation(({ ctx, input }) =>
      saveCatalog(ctx, {
        baseRevision: input.baseRevision,
        action: input.retired ? 'fields.retire' : 'fields.restore',
        detail: { field: input.id, reason: input.reason },
        next: (catalog) => {
          const field = requireField(catalog, input.id);
          const { retired: _was, ...rest } = field;
          return withField(catalog, input.retired ? { ...rest, retired: true } : rest);
        },
      }),
    ),

  /**
   * Replaces the whole catalog (fields and event types) with a JSON document, as
   * `accord fields import` does; the same rules as field by field.
   */
  replace: protectedProcedure('fields.replace')
    .input(z.object({ baseRevision, catalog: fieldCatalogSchema, reason }))
    .mutation(({ ctx, input }) => replaceCatalog(editorOf(ctx), input)),

  /** Starts an empty catalog from a template (refused once the workspace has fields). */
  applyTemplate: protectedProcedure('fields.applyTemplate')
    .input(z.object({ baseRevision, template: z.enum(['b2b', 'empty']) }))
    .mutation(({ ctx, input }) =>
      saveCatalog(ctx, {
        baseRevision: input.baseRevision,
        action: 'fields.applyTemplate',
        detail: { template: input.template },
        next: (catalog) => {
          if (catalog.fields.length > 0 || catalog.events.length > 0)
            throw new TRPCError({
              code: 'PRECONDITION_FAILED',
              message: 'The workspace already has fields; a template only starts an empty catalog.',
            });
          return CATALOG_TEMPLATES[input.template].catalog;
        },
      }),
    ),
} satisfies TRPCRouterRecord;
