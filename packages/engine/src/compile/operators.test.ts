import { describe, expect, it } from 'vitest';
import { events, field, score, tag, when, where } from '../defaults/builders';
import { operatorsForType, valueKindFor, OPERATORS } from '../schema/operators';
import { FIELD_TYPES } from '../schema/field-catalog';
import { AS_OF, DAY, holds, lead } from '../testing/fixtures';

const ISO = (ms: number) => new Date(ms).toISOString();

describe('operators on text fields (case-insensitive, trimmed)', () => {
  const title = (v: unknown) => lead({ job_title: v });
  it('eq / neq', () => {
    expect(holds(when(field('job_title'), 'eq', 'director'), title('  Director '))).toBe(true);
    expect(holds(when(field('job_title'), 'eq', 'director'), title('Sales Director'))).toBe(false);
    expect(holds(when(field('job_title'), 'neq', 'director'), title('VP'))).toBe(true);
    expect(holds(when(field('job_title'), 'neq', 'director'), title(undefined))).toBe(true);
  });
  it('in / notIn', () => {
    expect(holds(when(field('job_title'), 'in', ['CEO', 'cto']), title('ceo'))).toBe(true);
    expect(holds(when(field('job_title'), 'in', ['CEO', 'cto']), title('cfo'))).toBe(false);
    expect(holds(when(field('job_title'), 'notIn', ['CEO']), title('cfo'))).toBe(true);
    expect(holds(when(field('job_title'), 'notIn', ['CEO']), title(null))).toBe(true);
  });
  it('contains / startsWith / endsWith', () => {
    expect(
      holds(when(field('job_title'), 'contains', 'DIRECTOR'), title('Sales director EMEA')),
    ).toBe(true);
    expect(holds(when(field('job_title'), 'contains', 'vp'), title('Manager'))).toBe(false);
    expect(holds(when(field('job_title'), 'startsWith', 'head'), title('Head of Growth'))).toBe(
      true,
    );
    expect(holds(when(field('job_title'), 'startsWith', 'growth'), title('Head of Growth'))).toBe(
      false,
    );
    expect(holds(when(field('job_title'), 'endsWith', 'growth'), title('Head of Growth'))).toBe(
      true,
    );
    expect(holds(when(field('job_title'), 'contains', 'x'), title(undefined))).toBe(false);
  });
  it('isSet / isEmpty treat blank text as missing', () => {
    expect(holds(when(field('job_title'), 'isSet'), title('CTO'))).toBe(true);
    expect(holds(when(field('job_title'), 'isSet'), title('   '))).toBe(false);
    expect(holds(when(field('job_title'), 'isEmpty'), title(''))).toBe(true);
    expect(holds(when(field('job_title'), 'isEmpty'), title(undefined))).toBe(true);
    expect(holds(when(field('job_title'), 'isEmpty'), title('x'))).toBe(false);
  });
  it('an any-group of text matches behaves like the separate comparisons', () => {
    const p = {
      any: [
        when(field('job_title'), 'contains', 'chief'),
        when(field('job_title'), 'startsWith', 'vp'),
        when(field('job_title'), 'endsWith', '(c.e.o)'),
        when(field('job_title'), 'eq', 'a|b'),
      ],
    };
    expect(holds(p, title('Chief of Staff'))).toBe(true);
    expect(holds(p, title('VP Sales'))).toBe(true);
    expect(holds(p, title('founder (C.E.O)'))).toBe(true);
    expect(holds(p, title('A|B'))).toBe(true);
    expect(holds(p, title('a'))).toBe(false);
    expect(holds(p, title('Sales VP'))).toBe(false);
    expect(holds(p, title('founder (cxeyo)'))).toBe(false);
  });
});

describe('operators on email fields', () => {
  const email = (v: unknown) => lead({ email: v });
  it('freeEmail knows the consumer providers, including gmx.*', () => {
    expect(holds(when(field('email'), 'freeEmail'), email('Ann@GMAIL.com'))).toBe(true);
    expect(holds(when(field('email'), 'freeEmail'), email('a@gmx.fr'))).toBe(true);
    expect(holds(when(field('email'), 'freeEmail'), email('a@web.de'))).toBe(true);
    expect(holds(when(field('email'), 'freeEmail'), email('a@acme.com'))).toBe(false);
    expect(holds(when(field('email'), 'freeEmail'), email('gmail.com'))).toBe(false);
    expect(holds(when(field('email'), 'freeEmail'), email(undefined))).toBe(false);
  });
  it('emailDomainIn compares the domain, with or without @', () => {
    const p = when(field('email'), 'emailDomainIn', ['@Acme.com', 'globex.io']);
    expect(holds(p, email('x@acme.com'))).toBe(true);
    expect(holds(p, email('x@GLOBEX.io'))).toBe(true);
    expect(holds(p, email('x@sub.acme.com'))).toBe(false);
    expect(holds(p, email('acme.com'))).toBe(false);
  });
});

describe('operators on numbers', () => {
  const size = (v: unknown) => lead({ company_size: v });
  it('compares, and reads numeric text', () => {
    expect(holds(when(field('company_size'), 'gt', 200), size(201))).toBe(true);
    expect(holds(when(field('company_size'), 'gt', 200), size(200))).toBe(false);
    expect(holds(when(field('company_size'), 'gte', 200), size('200'))).toBe(true);
    expect(holds(when(field('company_size'), 'lt', 10), size(9.5))).toBe(true);
    expect(holds(when(field('company_size'), 'lte', 10), size(10))).toBe(true);
    expect(holds(when(field('company_size'), 'eq', 50), size(50))).toBe(true);
    expect(holds(when(field('company_size'), 'neq', 50), size(51))).toBe(true);
  });
  it('between is inclusive; in / notIn', () => {
    expect(holds(when(field('company_size'), 'between', [50, 199]), size(50))).toBe(true);
    expect(holds(when(field('company_size'), 'between', [50, 199]), size(199))).toBe(true);
    expect(holds(when(field('company_size'), 'between', [50, 199]), size(200))).toBe(false);
    expect(holds(when(field('company_size'), 'in', [1, 2, 3]), size(2))).toBe(true);
    expect(holds(when(field('company_size'), 'notIn', [1, 2, 3]), size(4))).toBe(true);
  });
  it('missing or unreadable numbers match nothing but isEmpty / neq / notIn', () => {
    for (const v of [undefined, null, 'many', '', true, [5]]) {
      expect(holds(when(field('company_size'), 'gte', 0), size(v))).toBe(false);
      expect(holds(when(field('company_size'), 'lt', 1e9), size(v))).toBe(false);
      expect(holds(when(field('company_size'), 'isEmpty'), size(v))).toBe(true);
      expect(holds(when(field('company_size'), 'neq', 5), size(v))).toBe(true);
    }
  });
});

describe('operators on yes/no', () => {
  it('eq reads yes/no text and 1/0', () => {
    const p = when(field('reachable'), 'eq', true);
    expect(holds(p, lead({ reachable: true }))).toBe(true);
    expect(holds(p, lead({ reachable: 'Yes' }))).toBe(true);
    expect(holds(p, lead({ reachable: 1 }))).toBe(true);
    expect(holds(p, lead({ reachable: 'no' }))).toBe(false);
    expect(holds(p, lead({}))).toBe(false);
    expect(holds(when(field('reachable'), 'neq', true), lead({}))).toBe(true);
  });
});

describe('operators on dates', () => {
  const at = (v: unknown) => lead({ created_at: v });
  it('before / after / between accept ISO text and epoch ms', () => {
    expect(
      holds(when(field('created_at'), 'before', '2026-01-01'), at('2025-12-31T10:00:00Z')),
    ).toBe(true);
    expect(holds(when(field('created_at'), 'after', '2026-01-01'), at(Date.UTC(2026, 0, 2)))).toBe(
      true,
    );
    expect(holds(when(field('created_at'), 'after', '2026-01-01'), at('not a date'))).toBe(false);
    expect(
      holds(when(field('created_at'), 'between', ['2026-01-01', '2026-02-01']), at('2026-01-15')),
    ).toBe(true);
  });
  it('withinLastDays / olderThanDays count from asOf, not from the clock', () => {
    expect(holds(when(field('created_at'), 'withinLastDays', 30), at(ISO(AS_OF - 29 * DAY)))).toBe(
      true,
    );
    expect(holds(when(field('created_at'), 'withinLastDays', 30), at(ISO(AS_OF - 31 * DAY)))).toBe(
      false,
    );
    expect(holds(when(field('created_at'), 'withinLastDays', 30), at(ISO(AS_OF + DAY)))).toBe(
      false,
    );
    expect(holds(when(field('created_at'), 'olderThanDays', 30), at(AS_OF - 31 * DAY))).toBe(true);
    expect(holds(when(field('created_at'), 'olderThanDays', 30), at(AS_OF - 29 * DAY))).toBe(false);
  });
});

describe('operators on lists', () => {
  const interests = (v: unknown) => lead({ interests: v });
  it('contains / in / notIn look at items; comma text is a list', () => {
    expect(
      holds(when(field('interests'), 'contains', 'Pricing'), interests(['pricing', 'api'])),
    ).toBe(true);
    expect(holds(when(field('interests'), 'contains', 'pric'), interests(['pricing']))).toBe(false);
    expect(holds(when(field('interests'), 'in', ['api', 'sso']), interests('Pricing, API'))).toBe(
      true,
    );
    expect(holds(when(field('interests'), 'notIn', ['api']), interests(['pricing']))).toBe(true);
    expect(holds(when(field('interests'), 'isEmpty'), interests([]))).toBe(true);
  });
});

describe('operands', () => {
  it('event aggregates: count with property filters and windows, sum, max, last', () => {
    const evs = [
      { type: 'page_view', at: AS_OF - 2 * DAY, props: { path: '/Pricing/teams' } },
      { type: 'page_view', at: AS_OF - 40 * DAY, props: { path: '/pricing' } },
      { type: 'page_view', at: AS_OF + DAY, props: { path: '/pricing' } },
      { type: 'webinar_attended', at: ISO(AS_OF - 5 * DAY), props: { minutes: 20 } },
      { type: 'webinar_attended', at: AS_OF - 6 * DAY, props: { minutes: '45' } },
    ];
    const l = lead({}, evs);
    const pricing = (withinDays?: number) =>
      events('page_view', { where: [where('path', 'startsWith', '/pricing')], withinDays });
    expect(holds(when(pricing(30), 'eq', 1), l)).toBe(true);
    expect(holds(when(pricing(), 'eq', 2), l)).toBe(true);
    expect(
      holds(when(events('webinar_attended', { agg: 'sum', prop: 'minutes' }), 'eq', 65), l),
    ).toBe(true);
    expect(
      holds(when(events('webinar_attended', { agg: 'max', prop: 'minutes' }), 'eq', 45), l),
    ).toBe(true);
    expect(
      holds(when(events('webinar_attended', { agg: 'min', prop: 'minutes' }), 'eq', 20), l),
    ).toBe(true);
    expect(holds(when(events('page_view', { agg: 'last' }), 'withinLastDays', 3), l)).toBe(true);
    expect(holds(when(events('page_view', { agg: 'first' }), 'olderThanDays', 39), l)).toBe(true);
    expect(holds(when(events('quote_request', { agg: 'max', prop: 'amount' }), 'isEmpty'), l)).toBe(
      true,
    );
  });
  it('scores and tags start at 0 and missing', () => {
    expect(holds(when(score('fit'), 'eq', 0), lead({}))).toBe(true);
    expect(holds(when(tag('segment'), 'isEmpty'), lead({}))).toBe(true);
  });
});

describe('operatorsForType / valueKindFor', () => {
  it('every type has operators, each with a value kind, and only those', () => {
    for (const type of FIELD_TYPES) {
      const ops = operatorsForType(type);
      expect(ops.length).toBeGreaterThan(2);
      for (const op of OPERATORS)
        expect(valueKindFor(type, op) !== undefined).toBe(ops.includes(op));
    }
    expect(valueKindFor('number', 'between')).toBe('numberRange');
    expect(valueKindFor('date', 'between')).toBe('dateRange');
    expect(valueKindFor('email', 'freeEmail')).toBe('none');
    expect(valueKindFor('date', 'withinLastDays')).toBe('days');
    expect(valueKindFor('enum', 'in')).toBe('enumList');
    expect(valueKindFor('number', 'contains')).toBeUndefined();
  });
});
