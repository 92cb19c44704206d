/**
 * fast-check arbitraries of field catalogs (fields of every type, enum option sets, missing
 * texts, retired fields, event types with properties) and of changes to them, for the property
 * tests that show the engine assumes no field of the demo and that a version's pinned catalog
 * keeps its results whatever happens to the live one.
 */
import fc from 'fast-check';
import {
  FIELD_CATEGORIES,
  FIELD_TYPES,
  type EnumOption,
  type EventDef,
  type FieldCatalog,
  type FieldDef,
  type FieldType,
} from '../schema/field-catalog';

/** Words ids and option values are made of (none of them a field of the demo catalog). */
const WORDS = ['alpha', 'tier', 'seats', 'origin', 'visits', 'region', 'plan', 'opt', 'zeta', 'q'];
/** Option values as CRMs write them: mixed case, spaces, digits, one that reads as a number. */
const OPTION_VALUES = ['gold', 'Silver', 'bronze', 'EU west', 'us-east', 'x', '10', 'Other'];
const LABELS = ['Tier', 'Seats bought', 'Lead origin', 'Ünïcode', 'a, b; c', ''];

const optionsArb: fc.Arbitrary<EnumOption[]> = fc
  .uniqueArray(fc.constantFrom(...OPTION_VALUES), { minLength: 1, maxLength: 5 })
  .map((values) => values.map((value) => ({ value, label: value.toUpperCase() })));

const idArb = (prefix: string, i: number) =>
  fc.constantFrom(...WORDS).map((word) => `${prefix}${i}_${word}`);

const fieldArb = (i: number, type: FieldType): fc.Arbitrary<FieldDef> =>
  fc
    .record({
      id: idArb('f', i),
      label: fc.constantFrom(...LABELS),
      category: fc.constantFrom(...FIELD_CATEGORIES),
      values: optionsArb,
      listHasValues: fc.boolean(),
      missing: fc.option(fc.subarray(['Select', 'N/A', '-', 'unknown'], { minLength: 1 }), {
        nil: undefined,
      }),
      retired: fc.boolean().map((b) => (b ? true : undefined)),
    })
    .map(({ id, label, category, values, listHasValues, missing, retired }) => ({
      id,
      label: label || id,
      type,
      category,
      ...(type === 'enum' || (type === 'list' && listHasValues) ? { values } : {}),
      ...(missing ? { missing } : {}),
      ...(retired ? { retired } : {}),
    }));

const eventArb = (i: number): fc.Arbitrary<EventDef> =>
  fc
    .record({
      id: idArb('e', i),
      label: fc.constantFrom(...LABELS),
      category: fc.constantFrom('channel' as const, 'behaviour' as const),
      props: fc.array(
        fc.tuple(
          fc.constantFrom(...WORDS),
          fc.constantFrom<FieldType>('number', 'string', 'enum', 'boolean', 'date'),
          optionsArb,
        ),
        { maxLength: 3 },
      ),
    })
    .map(({ id, label, category, props }) => ({
      id,
      label: label || id,
      category,
      props: props
        .filter(([word], k) => props.findIndex(([w]) => w === word) === k)
        .map(([word, type, values]) => ({
          id: `p_${word}`,
          label: word,
          type,
          ...(type === 'enum' ? { values } : {}),
        })),
    }));

/**
 * Field catalogs with one field of every type (in random order, with random ids, labels,
 * categories, options, missing texts and retired flags), up to four more fields, and zero to
 * four event types with properties of several types.
 */
export const catalogArb: fc.Arbitrary<FieldCatalog> = fc
  .tuple(
    fc.shuffledSubarray([...FIELD_TYPES], { minLength: FIELD_TYPES.length }),
    fc.array(fc.constantFrom(...FIELD_TYPES), { maxLength: 4 }),
    fc.integer({ min: 0, max: 4 }),
  )
  .chain(([everyType, extra, eventCount]) =>
    fc.record({
      fields: fc.tuple(...[...everyType, ...extra].map((type, i) => fieldArb(i, type))),
      events: fc.tuple(...Array.from({ length: eventCount }, (_, i) => eventArb(i))),
    }),
  );

/** One change a workspace may make to its live catalog. */
export type CatalogEdit =
  | { kind: 'retype'; field: number; type: FieldType }
  | { kind: 'relabel'; field: number; label: string }
  | { kind: 'options'; field: number; values: EnumOption[] }
  | { kind: 'missing'; field: number; missing: string[] }
  | { kind: 'retire'; field: number }
  | { kind: 'remove'; field: number }
  | { kind: 'add'; type: FieldType }
  | { kind: 'removeEvent'; event: number }
  | { kind: 'retypeProp'; event: number; type: FieldType };

/** Any edits, breaking ones included: the live catalog is the workspace's to change. */
export const catalogEditsArb: fc.Arbitrary<CatalogEdit[]> = fc.array(
  fc.oneof(
    fc.record({
      kind: fc.constant('retype' as const),
      field: fc.nat(),
      type: fc.constantFrom(...FIELD_TYPES),
    }),
    fc.record({
      kind: fc.constant('relabel' as const),
      field: fc.nat(),
      label: fc.constantFrom(...LABELS),
    }),
    fc.record({ kind: fc.constant('options' as const), field: fc.nat(), values: optionsArb }),
    fc.record({
      kind: fc.constant('missing' as const),
      field: fc.nat(),
      missing: fc.subarray(['gold', 'x', '10', 'Select', '']),
    }),
    fc.record({ kind: fc.constant('retire' as const), field: fc.nat() }),
    fc.record({ kind: fc.constant('remove' as const), field: fc.nat() }),
    fc.record({ kind: fc.constant('add' as const), type: fc.constantFrom(...FIELD_TYPES) }),
    fc.record({ kind: fc.constant('removeEvent' as const), event: fc.nat() }),
    fc.record({
      kind: fc.constant('retypeProp' as const),
      event: fc.nat(),
      type: fc.constantFrom(...FIELD_TYPES),
    }),
  ),
  { minLength: 1, maxLength: 6 },
);

/**
 * Applies edits to a catalog IN PLACE (as a careless holder of a shared object would), so a test
 * can show that nothing compiled from it, and no snapshot of it, follows.
 * @example applyCatalogEdits(live, [{ kind: 'retype', field: 0, type: 'string' }])
 */
export function applyCatalogEdits(catalog: FieldCatalog, edits: readonly CatalogEdit[]): void {
  for (const edit of edits) {
    const fields = catalog.fields;
    const field = 'field' in edit && fields.length > 0 ? fields[edit.field % fields.length]! : null;
    const event =
      'event' in edit && catalog.events.length > 0
        ? catalog.events[edit.event % catalog.events.length]!
        : null;
    switch (edit.kind) {
      case 'retype':
        if (field) field.type = edit.type;
        break;
      case 'relabel':
        if (field) field.label = edit.label;
        break;
      case 'options':
        if (field) field.values = edit.values;
        break;
      case 'missing':
        if (field) field.missing = edit.missing;
        break;
      case 'retire':
        if (field) field.retired = true;
        break;
      case 'remove':
        if (field) fields.splice(fields.indexOf(field), 1);
        break;
      case 'add':
        fields.push({
          id: `added_${fields.length}`,
          label: 'Added',
          type: edit.type,
          category: 'profile',
        });
        break;
      case 'removeEvent':
        if (event) catalog.events.splice(catalog.events.indexOf(event), 1);
        break;
      case 'retypeProp':
        if (event?.props[0]) event.props[0].type = edit.type;
        break;
    }
  }
}
