import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { emailDomain, formatNumber, formatPoints, mailDomain, toText } from './values';

describe('mailDomain', () => {
  it('reads the domain of a raw address as emailDomain of its normalised text does', () => {
    const piece = fc.constantFrom(
      '@',
      ' ',
      '\u00a0',
      '\t',
      'A',
      'b',
      '.',
      'İ',
      'Σ',
      'ß',
      'com',
      'Gmail',
    );
    const raw = fc.oneof(
      fc.array(piece, { maxLength: 12 }).map((parts) => parts.join('')),
      fc.string({ unit: 'grapheme' }),
      fc.integer(),
      fc.boolean(),
      fc.constant(undefined),
    );
    fc.assert(
      fc.property(raw, (v) => {
        expect(mailDomain(v)).toBe(emailDomain(toText(v)));
      }),
      { numRuns: 5_000 },
    );
  });

  it('keeps what follows the last @, trimmed at the end and lower-cased', () => {
    expect(mailDomain(' Ann.Lee@ACME.com ')).toBe('acme.com');
    expect(mailDomain('a@b@Example.ORG')).toBe('example.org');
    expect(mailDomain('a@ ')).toBeUndefined();
    expect(mailDomain('no-at-sign')).toBeUndefined();
  });
});

describe('#15: numbers in reasons read as people write them', () => {
  it('rounds to a whole number or one decimal, never cents', () => {
    expect(formatNumber(48.18)).toBe('48.2');
    expect(formatNumber(48)).toBe('48');
    expect(formatNumber(-19.96)).toBe('-20');
    expect(formatNumber(0.04)).toBe('0');
    expect(formatPoints(0.18)).toBe('+0.2');
    expect(formatPoints(0.04)).toBe('0');
    expect(formatPoints(-2.55)).toBe('-2.5');
    for (const n of [0.05, 1.25, 99.95, -3.45, 1234.56, 7.1])
      expect(formatNumber(n)).toBe(String(Math.round(n * 10) / 10));
  });
});
