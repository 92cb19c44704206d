import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../catalog/default-catalog';
import { coerceValue, isEmailAddress, parseNumber } from './coerce';
import { inferColumnType } from './infer-type';
import { IMPORT_LIMITS } from './limits';
import { nameSimilarity, suggestMapping } from './suggest-mapping';

/**
 * #18: long hostile cells took seconds (quadratic backtracking) and blocked the server. The
 * inputs are long enough that the old patterns ran for 5–30 s each; linear code reads them in
 * milliseconds, so a generous time-out tells the two apart on any machine.
 */
const LONG = 150_000;
const QUICK = 1_500;

describe('#18: no pattern backtracks on long text', () => {
  it(
    'email check: a domain of many dots and a second @',
    () => {
      const text = `a@${'a.'.repeat(LONG / 2)}@`;
      expect(isEmailAddress(text)).toBe(false);
      expect(isEmailAddress(`a@${'a.'.repeat(LONG / 2)}com`)).toBe(true);
    },
    QUICK,
  );

  it(
    'number parsing: the trailing currency strip on a long run of spaces',
    () => {
      expect(parseNumber(`1${' '.repeat(LONG)}x`)).toBeUndefined();
    },
    QUICK,
  );

  it(
    'mapping suggestions: an opening parenthesis never closed, many times',
    () => {
      expect(nameSimilarity('('.repeat(LONG), 'email')).toBe(0);
    },
    QUICK,
  );

  it('reads emails, currencies and parentheses as before', () => {
    for (const ok of ['ann@acme.com', 'a.b+c@mail.acme.co.uk', 'x@y.z'])
      expect(isEmailAddress(ok)).toBe(true);
    for (const bad of ['ann', '@acme.com', 'ann@', 'ann@acme', 'ann@.com', 'ann@acme.', 'a b@c.de'])
      expect(isEmailAddress(bad)).toBe(false);
    expect(isEmailAddress('a@b@c.de')).toBe(false);
    expect(parseNumber('€ 1.250,50')).toBe(1250.5);
    expect(parseNumber('1,250 USD')).toBe(1250);
    expect(parseNumber('12eur')).toBe(12);
    expect(parseNumber('CHF')).toBeUndefined();
    expect(nameSimilarity('Employees (approx.)', 'employees')).toBe(1);
    expect(nameSimilarity('E-Mail (work) (primary)', 'email')).toBe(1);
  });
});

describe('#18: caps before coercion, inference and suggestions', () => {
  const long = 'a@'.repeat(IMPORT_LIMITS.cellChars / 2 + 1);

  it('refuses a cell over the cap, naming the cap', () => {
    expect(coerceValue(long, { type: 'email' })).toEqual({
      ok: false,
      message: 'The cell has 65,538 characters; a cell holds at most 65,536.',
    });
    expect(coerceValue('x'.repeat(IMPORT_LIMITS.cellChars), { type: 'string' }).ok).toBe(true);
  });

  it('reads a long value as text at once', () => {
    expect(inferColumnType([long, 'ann@acme.com'])).toBe('text');
    expect(inferColumnType([`${'1'.repeat(400)}`])).toBe('text');
    expect(inferColumnType(['ann@acme.com', 'N/A'])).toBe('email');
  });

  it('suggests nothing for columns past the cap or with names past the cap', () => {
    const columns = Array.from({ length: IMPORT_LIMITS.columns }, (_, i) => `c${i}`);
    columns.push('Email');
    columns.unshift('E-Mail'.padEnd(IMPORT_LIMITS.columnNameChars + 1, ' x'));
    const suggested = suggestMapping(columns, defaultCatalog);
    expect(suggested).toHaveLength(columns.length);
    expect(suggested.every((s) => s.target.kind === 'ignore')).toBe(true);
  });
});
