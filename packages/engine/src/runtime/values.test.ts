import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { emailDomain, mailDomain, toText } from './values';

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
