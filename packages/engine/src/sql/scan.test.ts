import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { replaceSqlParams, sqlPieces } from './scan';

/** SQL-like text: words, parameters, quoted runs (holding `$n`, quotes, dashes), comments, signs. */
const sqlText = fc
  .array(
    fc.oneof(
      fc.constantFrom('select', 'z12', 'CAST', '_x', 'a1b'),
      fc.integer({ min: 1, max: 120 }).map((n) => `$${n}`),
      fc
        .array(fc.constantFrom('$1', "''", '--', '/*', 'a', ' ', '"', '\uE000'), { maxLength: 6 })
        .map((parts) => `'${parts.join('')}'`),
      fc
        .array(fc.constantFrom('$2', '""', "'", 'b', '-- '), { maxLength: 6 })
        .map((parts) => `"${parts.join('')}"`),
      fc.constantFrom('-- $3 \'"\n', '/* $4 "\' */', ' ', ', ', '(', ') ', ' = ', ' - ', '$', '9'),
    ),
    { maxLength: 40 },
  )
  .map((parts) => parts.join(''));

describe('sqlPieces', () => {
  it('gives the text back, piece by piece', () => {
    fc.assert(
      fc.property(sqlText, (sql) => {
        expect(
          sqlPieces(sql)
            .map((p) => p.text)
            .join(''),
        ).toBe(sql);
      }),
    );
  });

  it('tells parameters and words apart from quoted text and comments', () => {
    expect(sqlPieces(`a_1 = $12 or "x $1" = 'it''s $2' -- $3\n/* $4 */ $5`)).toEqual([
      { kind: 'word', text: 'a_1' },
      { kind: 'other', text: ' = ' },
      { kind: 'param', text: '$12', n: 12 },
      { kind: 'other', text: ' ' },
      { kind: 'word', text: 'or' },
      { kind: 'other', text: ' ' },
      { kind: 'quoted', text: '"x $1"' },
      { kind: 'other', text: ' = ' },
      { kind: 'quoted', text: "'it''s $2'" },
      { kind: 'other', text: ' ' },
      { kind: 'comment', text: '-- $3' },
      { kind: 'other', text: '\n' },
      { kind: 'comment', text: '/* $4 */' },
      { kind: 'other', text: ' ' },
      { kind: 'param', text: '$5', n: 5 },
    ]);
  });

  it('refuses an unterminated quote or comment, naming where it opens', () => {
    expect(() => sqlPieces(`select 'open $1`)).toThrow(
      /Unterminated quoted text in generated SQL: 'open \$1/,
    );
    expect(() => sqlPieces(`select "a""`)).toThrow(/Unterminated quoted text/);
    expect(() => sqlPieces('select /* open')).toThrow(/Unterminated comment/);
    // Linear however many quotes: a long unterminated run fails at once instead of backtracking.
    expect(() => sqlPieces(`x${"'".repeat(200_001)}`)).toThrow(/Unterminated quoted text/);
  });
});

describe('replaceSqlParams', () => {
  it('replaces every parameter outside quotes and comments, and nothing else', () => {
    fc.assert(
      fc.property(sqlText, (sql) => {
        const seen: number[] = [];
        const out = replaceSqlParams(sql, (n) => {
          seen.push(n);
          return `?${n}?`;
        });
        const pieces = sqlPieces(sql);
        expect(seen).toEqual(pieces.flatMap((p) => (p.kind === 'param' ? [p.n] : [])));
        // Taking the replacements back out gives the text it started from.
        expect(out.replace(/\?(\d+)\?/g, '$$$1')).toBe(sql);
        for (const p of pieces) if (p.kind !== 'param') expect(out).toContain(p.text);
      }),
    );
  });
});
