/**
 * Random leads: generated sample leads with fields replaced by hostile values, leads built from
 * the catalog with any value of any type, and anything at all.
 */
import { defaultCatalog, generateLeads } from '@accord/engine';
import fc from 'fast-check';
import { hostileNumber, hostileString, hostileValue, protoObject } from './hostile';

const FIELD_IDS = defaultCatalog.fields.map((f) => f.id);
const EVENT_TYPES = defaultCatalog.events.map((e) => e.id);
const PROP_IDS = [...new Set(defaultCatalog.events.flatMap((e) => e.props.map((p) => p.id)))];
const SAMPLES = generateLeads({ count: 200, seed: 'fuzz' });

/** A value of a type the lead schema allows. */
const attributeValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  hostileNumber,
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(hostileString, hostileNumber), { maxLength: 5 }),
);

const key = (known: readonly string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...known) },
    { weight: 1, arbitrary: hostileString },
  );

const eventTime: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2027, 0, 1) }),
  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
  hostileNumber,
  hostileString,
);

const leadEvent = fc.record(
  {
    type: key(EVENT_TYPES),
    at: eventTime,
    props: fc.dictionary(key(PROP_IDS), attributeValue, { maxKeys: 4 }),
  },
  { requiredKeys: ['type', 'at'] },
);

/** A lead from the catalog with values of any allowed type, hostile keys included. */
const catalogLead = fc.record(
  {
    id: hostileString,
    attributes: fc.dictionary(key(FIELD_IDS), attributeValue, { maxKeys: 12 }),
    events: fc.array(leadEvent, { maxLength: 12 }),
    outcome: fc.record({ converted: fc.boolean() }),
  },
  { requiredKeys: ['id', 'attributes'] },
);

/** A realistic sample lead with a few attributes or events replaced. */
const mutatedSample = fc
  .tuple(
    fc.nat(SAMPLES.length - 1),
    fc.array(fc.tuple(key(FIELD_IDS), attributeValue), { maxLength: 5 }),
    fc.array(leadEvent, { maxLength: 4 }),
    fc.boolean(),
  )
  .map(([i, changes, events, proto]) => {
    const lead = structuredClone(SAMPLES[i]!) as {
      attributes: Record<string, unknown>;
      events: unknown[];
    };
    for (const [field, value] of changes)
      Object.defineProperty(lead.attributes, field, {
        value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    lead.events.push(...events);
    if (proto)
      Object.defineProperty(lead.attributes, '__proto__', {
        value: protoObject(),
        enumerable: true,
      });
    return lead;
  });

/** What a CRM or attacker could send as a lead. */
export const fuzzLead: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: mutatedSample },
  { weight: 4, arbitrary: catalogLead },
  { weight: 1, arbitrary: hostileValue },
  {
    weight: 1,
    arbitrary: fc.anything({
      maxDepth: 3,
      withNullPrototype: true,
      key: fc.oneof(fc.string(), fc.constantFrom('__proto__', 'attributes', 'events', 'id')),
    }),
  },
);

/** Evaluation times: ordinary dates and the ends of the Date range. */
export const fuzzAsOf: fc.Arbitrary<number> = fc.oneof(
  fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2028, 0, 1) }),
  fc.constantFrom(0, 8.64e15, -8.64e15),
);
