import { describe, expect, it } from 'vitest';
import {
  coerceValue,
  enumLookup,
  missingTexts,
  parseBoolean,
  parseDate,
  parseNumber,
} from './coerce';
import { isPlaceholder } from './placeholders';

describe('isPlaceholder', () => {
  it.each([
    '',
    '  ',
    'Select',
    'select...',
    '-- Select --',
    'N/A',
    'n/a',
    '-',
    '—',
    'none',
    'NULL',
  ])('%j is missing', (raw) => expect(isPlaceholder(raw)).toBe(true));
  it.each(['0', 'No', 'Selected', 'Nonesuch', 'Acme'])('%j is a value', (raw) =>
    expect(isPlaceholder(raw)).toBe(false),
  );
});

describe('parseNumber', () => {
  it.each([
    ['250', 250],
    ['1,234', 1234],
    ['1,234,567', 1234567],
    ['1,234.50', 1234.5],
    ['1.234.567', 1234567],
    ['1.234,5', 1234.5],
    ['1 234 567', 1234567],
    ["1'234", 1234],
    ['3,5', 3.5],
    ['1.5', 1.5],
    ['$1,250', 1250],
    ['1.250 €', 1.25],
    ['-12', -12],
    ['(40)', -40],
    ['2e3', 2000],
  ])('%j → %d', (raw, want) => expect(parseNumber(raw)).toBe(want));
  it.each(['many', '12abc', '1,23,4', '', '1.2.3,4,5'])('%j is not a number', (raw) =>
    expect(parseNumber(raw)).toBeUndefined(),
  );
});

describe('parseBoolean', () => {
  it.each([
    ['Yes', true],
    ['no', false],
    ['TRUE', true],
    ['0', false],
    ['1', true],
    ['x', true],
    ['Y', true],
  ])('%j → %s', (raw, want) => expect(parseBoolean(raw)).toBe(want));
  it('maybe is neither', () => expect(parseBoolean('maybe')).toBeUndefined());
});

describe('parseDate', () => {
  it('reads ISO dates and date-times (no zone means UTC)', () => {
    expect(parseDate('2026-03-04')).toBe(Date.UTC(2026, 2, 4));
    expect(parseDate('2026-03-04T10:30:00Z')).toBe(Date.UTC(2026, 2, 4, 10, 30));
    expect(parseDate('2026-03-04 10:30')).toBe(Date.UTC(2026, 2, 4, 10, 30));
    expect(parseDate('2026-03-04T10:30:00+02:00')).toBe(Date.UTC(2026, 2, 4, 8, 30));
  });
  it('reads day-first dots, month-first slashes, and day-first slashes when asked', () => {
    expect(parseDate('04.03.2026')).toBe(Date.UTC(2026, 2, 4));
    expect(parseDate('03/04/2026')).toBe(Date.UTC(2026, 2, 4));
    expect(parseDate('03/04/2026', 'dmy')).toBe(Date.UTC(2026, 3, 3));
    expect(parseDate('25/04/2026')).toBe(Date.UTC(2026, 3, 25));
  });
  it('refuses impossible dates', () => {
    expect(parseDate('2026-02-30')).toBeUndefined();
    expect(parseDate('13/13/2026')).toBeUndefined();
    expect(parseDate('last week')).toBeUndefined();
  });
});

describe('coerceValue', () => {
  const industry = enumLookup([
    { value: 'financial_services', label: 'Financial services' },
    { value: 'software', label: 'Software' },
  ]);
  it('turns blanks and placeholders into missing for every type', () => {
    for (const type of ['string', 'number', 'boolean', 'date', 'enum', 'email'] as const)
      expect(coerceValue('Select', { type, lookup: industry })).toEqual({
        ok: true,
        value: undefined,
      });
  });
  it('coerces by type', () => {
    expect(coerceValue(' 1,200 ', { type: 'number' })).toEqual({ ok: true, value: 1200 });
    expect(coerceValue('Yes', { type: 'boolean' })).toEqual({ ok: true, value: true });
    expect(coerceValue('2026-03-04', { type: 'date' })).toEqual({
      ok: true,
      value: '2026-03-04T00:00:00.000Z',
    });
    expect(coerceValue('Financial Services', { type: 'enum', lookup: industry })).toEqual({
      ok: true,
      value: 'financial_services',
    });
    expect(coerceValue('a; b ;N/A', { type: 'list' })).toEqual({ ok: true, value: ['a', 'b'] });
    expect(coerceValue(12, { type: 'number' })).toEqual({ ok: true, value: 12 });
    expect(coerceValue(1, { type: 'boolean' })).toEqual({ ok: true, value: true });
  });
  it('explains what it cannot read', () => {
    expect(coerceValue('many', { type: 'number' })).toEqual({
      ok: false,
      message: '"many" is not a number',
    });
    expect(coerceValue('maybe', { type: 'boolean' })).toMatchObject({ ok: false });
    expect(coerceValue('ann at acme', { type: 'email' })).toMatchObject({ ok: false });
    expect(coerceValue('Aerospace', { type: 'enum', lookup: industry })).toEqual({
      ok: false,
      message: '"Aerospace" is not one of financial_services, software',
    });
  });
});

describe('coerceValue and the limits (#17)', () => {
  it('refuses a list item past the cell limit, and takes a field’s own missing texts as blanks', () => {
    expect(coerceValue(['a', 'x'.repeat(70_000)], { type: 'list' })).toEqual({
      ok: false,
      message: 'The cell has 70,000 characters; a cell holds at most 65,536.',
    });
    const missing = missingTexts(['Unknown', ' ?? ']);
    expect(coerceValue(' UNKNOWN ', { type: 'number', missing })).toEqual({
      ok: true,
      value: undefined,
    });
    expect(coerceValue('??', { type: 'number', missing })).toEqual({ ok: true, value: undefined });
    expect(coerceValue('12', { type: 'number', missing })).toEqual({ ok: true, value: 12 });
  });
});
