import { generateLeads, leadSchema } from '@accord/engine';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isValidLead } from './lead-check';

const value = fc.oneof(
  fc.string(),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.array(fc.oneof(fc.string(), fc.integer(), fc.boolean())),
  fc.object(),
);
const record = fc.dictionary(fc.string(), value);
const event = fc.oneof(
  fc.record({
    type: fc.oneof(fc.string(), fc.integer()),
    at: value,
    props: fc.option(record, { nil: undefined }),
  }),
  value,
);
const lead = fc.record(
  {
    id: fc.oneof(fc.string(), fc.integer()),
    attributes: fc.oneof(record, value),
    events: fc.oneof(fc.array(event), value),
    outcome: fc.oneof(fc.record({ converted: fc.oneof(fc.boolean(), value) }), value),
  },
  { requiredKeys: [] },
);

describe('isValidLead', () => {
  it('agrees with leadSchema on random, mostly broken leads', () => {
    fc.assert(
      fc.property(fc.oneof(lead, fc.anything()), (x) => {
        expect(isValidLead(x)).toBe(leadSchema.safeParse(x).success);
      }),
      { numRuns: 5_000 },
    );
  });

  it('agrees with leadSchema on leads that are nearly valid', () => {
    const scalar = fc.oneof(
      fc.string(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.oneof(fc.string(), fc.double())),
    );
    const nearly = fc.record({
      id: fc.string(),
      attributes: fc.dictionary(fc.string(), scalar),
      events: fc.array(
        fc.record({
          type: fc.string(),
          at: fc.oneof(fc.double(), fc.string()),
          props: fc.option(fc.dictionary(fc.string(), scalar), { nil: undefined }),
        }),
      ),
      outcome: fc.option(fc.record({ converted: fc.boolean() }), { nil: undefined }),
    });
    fc.assert(
      fc.property(nearly, (x) => {
        expect(isValidLead(x)).toBe(leadSchema.safeParse(x).success);
      }),
      { numRuns: 3_000 },
    );
  });

  it('accepts generated leads', () => {
    for (const l of generateLeads({ count: 300, seed: 3, asOf: Date.UTC(2026, 10, 1) })) {
      expect(isValidLead(l)).toBe(true);
    }
  });
});
