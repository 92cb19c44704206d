import type { FieldCatalog } from '../schema/field-catalog';
import { fieldCatalogSchema } from '../schema/field-catalog';
import { defaultCatalog } from './default-catalog';

/** A catalog a new workspace can start from. */
export interface CatalogTemplate {
  id: 'b2b' | 'empty';
  label: string;
  description: string;
  catalog: FieldCatalog;
}

/**
 * The catalogs a workspace can start from: the B2B fields of the demo (DOMAIN.md's four
 * categories), or nothing. A workspace's catalog is its own from then on.
 * @example CATALOG_TEMPLATES.b2b.catalog.fields.length // 35
 */
export const CATALOG_TEMPLATES: Record<CatalogTemplate['id'], CatalogTemplate> = {
  b2b: {
    id: 'b2b',
    label: 'B2B inbound',
    description: 'About 35 profile, channel, behaviour and sales fields and 15 event types.',
    catalog: fieldCatalogSchema.parse(defaultCatalog),
  },
  empty: {
    id: 'empty',
    label: 'Empty',
    description: 'No fields: learn them from an import or add them on the Fields page.',
    catalog: { fields: [], events: [] },
  },
};
