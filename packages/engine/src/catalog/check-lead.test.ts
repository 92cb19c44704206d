import { describe, expect, it } from 'vitest';
import { asOfOrNow } from '../runtime/as-of-or-now';
import { generateLeads } from '../generate/generate-leads';
import type { Lead } from '../schema/lead';
import { checkLeadValues } from './check-lead';
import { extendCatalog } from './catalog-index';
import { defaultCatalog } from './default-catalog';

const lead = (attributes: Lead['attributes'], events: Lead['events'] = []): Lead => ({
  id: 'L',
  attributes,
  events,
});

describe('checkLeadValues', () => {
  it('#15: refuses wrongly typed values, unknown event types and unreadable times, naming the path', () => {
    const check = checkLeadValues(
      lead({ company_size: 'lots', email: 42, is_student: 'perhaps', created_at: 'someday' }, [
        { type: 'page_view', at: '2026-11-01T00:00:00Z', props: { seconds: 'long' } },
        { type: 'nope', at: 'yesterday' },
      ]),
      defaultCatalog,
    );
    expect(check.errors.map((e) => e.path)).toEqual([
      'attributes.company_size',
      'attributes.email',
      'attributes.is_student',
      'attributes.created_at',
      'events[0].props.seconds',
      'events[1].type',
      'events[1].at',
    ]);
    expect(check.errors[0]!.message).toBe('expected a number, got "lots"');
    expect(check.errors[1]!.message).toBe('expected an email address (text), got 42');
    expect(check.errors[5]!.message).toBe('"nope" is not an event type of the catalog');
  });

  it('reads values as the evaluator does: numeric text, yes/no text, 0/1, dates as text or ms, blanks', () => {
    const check = checkLeadValues(
      lead(
        {
          company_size: ' 250 ',
          opportunity_size: 1200.5,
          is_student: 'no',
          unsubscribed: 0,
          reachable: true,
          created_at: 1_790_000_000_000,
          last_activity_at: '2026-10-01',
          phone: 4930123456,
          first_name: 'Ann',
          interests: ['pricing', 'api'],
          email: '',
          company: null,
          seniority: 'VP',
        },
        [{ type: 'page_view', at: 1_790_000_000_000, props: { path: '/pricing', seconds: '40' } }],
      ),
      defaultCatalog,
    );
    expect(check).toEqual({ errors: [], warnings: [] });
  });

  it('lists unknown attributes, unknown event properties and enum values outside the options as warnings', () => {
    const check = checkLeadValues(
      lead({ compnay_size: 40, 'odd key': 1, seniority: 'overlord' }, [
        { type: 'form_submit', at: '2026-11-01T00:00:00Z', props: { form: 'x', colour: 'red' } },
      ]),
      defaultCatalog,
    );
    expect(check.errors).toEqual([]);
    expect(check.warnings.map((w) => w.path)).toEqual([
      'attributes.compnay_size',
      'attributes["odd key"]',
      'attributes.seniority',
      'events[0].props.form',
      'events[0].props.colour',
    ]);
  });

  it('takes the catalog as a parameter (a workspace field is checked by its own type)', () => {
    const catalog = extendCatalog(defaultCatalog, {
      fields: [{ id: 'seats', label: 'Seats', type: 'number', category: 'profile' }],
    });
    expect(checkLeadValues(lead({ seats: 'many' }), catalog).errors[0]?.path).toBe(
      'attributes.seats',
    );
    expect(checkLeadValues(lead({ seats: 'many' }), defaultCatalog).errors).toEqual([]);
  });

  it('finds nothing wrong with generated sample leads', () => {
    for (const l of generateLeads({ count: 500, seed: 15 }))
      expect(checkLeadValues(l, defaultCatalog)).toEqual({ errors: [], warnings: [] });
  });

  it('accepts a lead without events (as it arrives, before defaults)', () => {
    expect(checkLeadValues({ attributes: { email: 1 } }, defaultCatalog).errors).toHaveLength(1);
  });

  it('treats own keys such as __proto__ as data', () => {
    const attributes = JSON.parse('{"__proto__": 1, "constructor": "x"}') as Lead['attributes'];
    expect(checkLeadValues(lead(attributes), defaultCatalog).warnings).toHaveLength(2);
  });
});

describe('asOfOrNow', () => {
  it('#15: is now unless a moment is chosen (the one default of every place a lead is tried)', () => {
    const before = Date.now();
    const now = asOfOrNow();
    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    expect(asOfOrNow('')).toBeGreaterThanOrEqual(before);
    expect(asOfOrNow('2026-11-01T00:00:00Z')).toBe(Date.UTC(2026, 10, 1));
    expect(asOfOrNow(new Date(5))).toBe(5);
    expect(() => asOfOrNow('someday')).toThrow(RangeError);
  });
});
