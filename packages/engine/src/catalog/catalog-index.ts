import type { EventDef, EventPropDef, FieldCatalog, FieldDef } from '../schema/field-catalog';

/** A field catalog indexed by id, for lookups that no id (not even `__proto__`) can confuse. */
export interface CatalogIndex {
  fields: Map<string, FieldDef>;
  events: Map<string, { def: EventDef; props: Map<string, EventPropDef> }>;
}

const cache = new WeakMap<FieldCatalog, CatalogIndex>();

/**
 * Indexes a catalog by field and event id (memoised per catalog object).
 * @example indexCatalog(defaultCatalog).fields.get('email')?.type // 'email'
 */
export function indexCatalog(catalog: FieldCatalog): CatalogIndex {
  const hit = cache.get(catalog);
  if (hit) return hit;
  const index: CatalogIndex = { fields: new Map(), events: new Map() };
  for (const field of catalog.fields)
    if (!index.fields.has(field.id)) index.fields.set(field.id, field);
  for (const def of catalog.events) {
    if (index.events.has(def.id)) continue;
    const props = new Map<string, EventPropDef>();
    for (const prop of def.props ?? []) if (!props.has(prop.id)) props.set(prop.id, prop);
    index.events.set(def.id, { def, props });
  }
  cache.set(catalog, index);
  return index;
}

/**
 * A catalog with a workspace's own fields and event types added (later ids win).
 * @example extendCatalog(defaultCatalog, { fields: [{ id: 'plan', label: 'Plan', type: 'string', category: 'profile' }] })
 */
export function extendCatalog(
  base: FieldCatalog,
  extra: { fields?: FieldDef[]; events?: EventDef[] },
): FieldCatalog {
  const fields = new Map(base.fields.map((f) => [f.id, f]));
  for (const f of extra.fields ?? []) fields.set(f.id, f);
  const events = new Map(base.events.map((e) => [e.id, e]));
  for (const e of extra.events ?? []) events.set(e.id, e);
  return { fields: [...fields.values()], events: [...events.values()] };
}
