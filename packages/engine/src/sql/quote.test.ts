import { describe, expect, it } from 'vitest';
import { inlineParams, quoteIdent, sqlLiteral } from './quote';

describe('quoteIdent', () => {
  it('double-quotes a name, doubling its double quotes', () => {
    expect(quoteIdent('score:fit')).toBe('"score:fit"');
    expect(quoteIdent('a"b')).toBe('"a""b"');
    expect(quoteIdent(`"); drop table x; --`)).toBe(`"""); drop table x; --"`);
  });
  it('refuses empty names and NUL', () => {
    expect(() => quoteIdent('')).toThrow(/not a usable SQL identifier: it is empty/);
    expect(() => quoteIdent('a\u0000b')).toThrow(/not a usable SQL identifier: .* holds a NUL/);
  });
});

describe('sqlLiteral', () => {
  it('writes standard string literals: quotes doubled, backslashes as data, no E prefix', () => {
    expect(sqlLiteral("it's")).toBe("'it''s'");
    expect(sqlLiteral("'); drop table sentinel; --")).toBe("'''); drop table sentinel; --'");
    expect(sqlLiteral('a\\b')).toBe("'a\\b'");
    expect(sqlLiteral('‘unicode’ “quotes”')).toBe("'‘unicode’ “quotes”'");
    expect(sqlLiteral('$1')).toBe("'$1'");
  });
  it('writes numbers, booleans and null as SQL reads them', () => {
    expect(sqlLiteral(2.5)).toBe('2.5');
    expect(sqlLiteral(-0)).toBe('0');
    expect(sqlLiteral(1e21)).toBe('1e+21');
    expect(sqlLiteral(true)).toBe('TRUE');
    expect(sqlLiteral(null)).toBe('NULL');
  });
  it('refuses NUL, non-finite numbers and other values', () => {
    expect(() => sqlLiteral('a\u0000')).toThrow(/NUL/);
    expect(() => sqlLiteral(Number.NaN)).toThrow(/finite/);
    expect(() => sqlLiteral(Infinity)).toThrow(/finite/);
    expect(() => sqlLiteral({})).toThrow(/no SQL literal/);
  });
});

describe('inlineParams', () => {
  it('replaces each $n with its literal, $10 not read as $1', () => {
    const params = Array.from({ length: 10 }, (_, i) => `v${i + 1}`);
    expect(inlineParams({ sql: 'select $1, $10, $2::text', params }, 'postgres')).toBe(
      "select 'v1', 'v10', 'v2'::text",
    );
  });
  it('leaves $n inside quoted text and identifiers alone, and a literal cannot open a new one', () => {
    const sql = `select '$1', "col$1", $1 as "a""$1"`;
    expect(inlineParams({ sql, params: ["x'$1"] }, 'duckdb')).toBe(
      `select '$1', "col$1", 'x''$1' as "a""$1"`,
    );
  });
  it('refuses a placeholder without a value and unterminated quotes', () => {
    expect(() => inlineParams({ sql: 'select $2', params: ['a'] }, 'postgres')).toThrow(
      /no parameter \$2/,
    );
    expect(() => inlineParams({ sql: "select 'a", params: [] }, 'postgres')).toThrow(
      /Unterminated quoted text/,
    );
  });
});
