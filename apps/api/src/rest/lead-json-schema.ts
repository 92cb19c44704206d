import type { EnumOption, EventPropDef, FieldCatalog, FieldDef, FieldType } from '@accord/engine';

/** A JSON Schema (draft 2020-12) object, as plain JSON. */
export type JsonSchema = Record<string, unknown>;

/** Numeric text as `Number()` reads it (no nested quantifiers: linear to match). */
const NUMERIC_TEXT = '^\\s*[-+]?(?:\\d+(?:\\.\\d*)?|\\.\\d+)(?:[eE][-+]?\\d+)?\\s*$';

/** Yes/no text as the evaluator reads it (it ignores case and spaces; these are the usual spellings). */
const YES_NO_TEXT = ['yes', 'no', 'Yes', 'No', 'YES', 'NO', 'true', 'false', 'True', 'False'];
const YES_NO_TEXT_ALL = [...YES_NO_TEXT, 'TRUE', 'FALSE', '1', '0'];

/** "Not given": `null` or blank text, for every type. */
const NOT_GIVEN: JsonSchema[] = [{ type: 'null' }, { type: 'string', maxLength: 0 }];

const optionValues = (values: readonly EnumOption[] | undefined) =>
  (values ?? []).map((o) => o.value);

/**
 * The schema of one value of a field type, accepting what `checkLeadValues` accepts (numbers also
 * as numeric text, yes/no also as text and 1/0, dates as ISO 8601 text or epoch milliseconds,
 * lists as arrays or comma-separated text), except that an enum lists its options (a value
 * outside them is accepted by the API but matches no rule).
 */
const valueSchemas: Record<FieldType, (values: readonly EnumOption[] | undefined) => JsonSchema> = {
  string: () => ({ type: ['string', 'number'] }),
  phone: () => ({ type: ['string', 'number'] }),
  email: () => ({ type: 'string', format: 'email' }),
  number: () => ({ anyOf: [{ type: 'number' }, { type: 'string', pattern: NUMERIC_TEXT }] }),
  boolean: () => ({
    anyOf: [{ type: 'boolean' }, { enum: [0, 1] }, { enum: YES_NO_TEXT_ALL }],
  }),
  date: () => ({
    anyOf: [
      { type: 'string', format: 'date-time' },
      { type: 'string', format: 'date' },
      { type: 'number', description: 'epoch milliseconds' },
    ],
  }),
  enum: (values) => (values?.length ? { enum: optionValues(values) } : { type: 'string' }),
  list: (values) => {
    const suggested = optionValues(values);
    return {
      anyOf: [
        {
          type: 'array',
          items: { type: ['string', 'number'] },
          ...(suggested.length > 0 ? { examples: [suggested.slice(0, 3)] } : {}),
        },
        { type: 'string', description: 'comma-separated' },
      ],
    };
  },
};

function valueSchema(def: FieldDef | EventPropDef): JsonSchema {
  const description = 'description' in def ? def.description : undefined;
  const options =
    def.type === 'enum' && def.values?.length
      ? `Options: ${def.values.map((o) => `${o.value} (${o.label})`).join(', ')}.`
      : undefined;
  const missing =
    'missing' in def && def.missing?.length
      ? `Texts that mean "no answer": ${def.missing.map((t) => `"${t}"`).join(', ')}.`
      : undefined;
  const text = [description, options, missing].filter(Boolean).join(' ');
  return {
    title: def.label,
    ...(text ? { description: text } : {}),
    anyOf: [valueSchemas[def.type](def.values), ...NOT_GIVEN],
  };
}

/** Epoch milliseconds or an ISO 8601 date-time: when an event happened. */
const EVENT_TIME: JsonSchema = {
  anyOf: [{ type: 'string', format: 'date-time' }, { type: 'number' }],
  description: 'ISO 8601 date-time or epoch milliseconds',
};

/**
 * The JSON Schema (draft 2020-12) of a lead as one version reads it: `id`, an `attributes`
 * property per field the version reads (title = label, the value types the API accepts), the
 * event types it reads with their properties, and `outcome`. Built from the catalog the version
 * pinned, so a later change of the workspace catalog never changes it. Attributes the version
 * does not read are allowed (the API ignores them and lists them as warnings).
 * @example leadJsonSchema({ slug: 'inbound', number: 3, reads, catalog }).properties.attributes
 */
export function leadJsonSchema(version: {
  slug: string;
  number: number;
  reads: { fields: readonly string[]; events: readonly string[] };
  catalog: FieldCatalog;
}): JsonSchema {
  const fieldsById = new Map(version.catalog.fields.map((f) => [f.id, f]));
  const eventsById = new Map(version.catalog.events.map((e) => [e.id, e]));
  const attributes: Record<string, JsonSchema> = {};
  for (const id of [...version.reads.fields].sort()) {
    const field = fieldsById.get(id);
    if (field) attributes[id] = valueSchema(field);
  }
  const eventTypes = [...version.reads.events].filter((id) => eventsById.has(id)).sort();
  const eventItem: JsonSchema =
    eventTypes.length === 0
      ? {
          type: 'object',
          required: ['type', 'at'],
          properties: { type: { type: 'string' }, at: EVENT_TIME, props: { type: 'object' } },
        }
      : {
          type: 'object',
          required: ['type', 'at'],
          properties: {
            type: { enum: eventTypes },
            at: EVENT_TIME,
            props: { type: 'object' },
          },
          allOf: eventTypes.map((id) => {
            const event = eventsById.get(id)!;
            return {
              if: { properties: { type: { const: id } } },
              then: {
                title: event.label,
                ...(event.description ? { description: event.description } : {}),
                properties: {
                  props: {
                    type: 'object',
                    properties: Object.fromEntries(event.props.map((p) => [p.id, valueSchema(p)])),
                  },
                },
              },
            };
          }),
        };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: `Lead read by ${version.slug} version ${version.number}`,
    description:
      eventTypes.length === 0
        ? `The attributes version ${version.number} of ${version.slug} reads, from the field catalog it pinned; it reads no events. Other attributes are ignored (listed as warnings).`
        : `The attributes and events version ${version.number} of ${version.slug} reads, from the field catalog it pinned. Other attributes are ignored (listed as warnings).`,
    type: 'object',
    required: ['id', 'attributes'],
    properties: {
      id: { type: 'string', description: "The lead's id in your CRM" },
      attributes: {
        type: 'object',
        properties: attributes,
        additionalProperties: true,
      },
      events: { type: 'array', items: eventItem },
      outcome: {
        type: 'object',
        required: ['converted'],
        properties: { converted: { type: 'boolean' } },
        description: 'What really happened, for simulations; evaluation ignores it',
      },
    },
  };
}
