/**
 * The one place SQL text is built from names and values: identifiers in double quotes, values as
 * standard string literals (for views, where parameters cannot be bound).
 */
import type { SqlDialect } from './compile-sql';
import { replaceSqlParams } from './scan';

/**
 * A name as a quoted SQL identifier (double quotes doubled); NUL and empty names are refused.
 * @example quoteIdent('score:fit') // '"score:fit"'
 */
export function quoteIdent(name: string): string {
  if (name === '') throw new RangeError('not a usable SQL identifier: it is empty');
  if (name.includes('\u0000'))
    throw new RangeError(`not a usable SQL identifier: ${JSON.stringify(name)} holds a NUL`);
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * A value as a standard SQL literal: text in single quotes with quotes doubled (no E'' escapes,
 * backslashes stay data), finite numbers as written, booleans and null as keywords. NUL, which
 * neither database stores in text, is refused.
 * @example sqlLiteral("it's") // "'it''s'"
 */
export function sqlLiteral(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    // Exponent form is valid numeric literal syntax in both dialects; -0 reads as 0.
    return Object.is(value, -0) ? '0' : String(value);
  }
  if (typeof value === 'string') {
    if (value.includes('\u0000'))
      throw new RangeError('text with a NUL character cannot be SQL text');
    return `'${value.replaceAll("'", "''")}'`;
  }
  throw new TypeError(`no SQL literal for a ${typeof value}`);
}

/**
 * A compiled query with its `$n` parameters replaced by literals, for a view definition. Only
 * placeholders outside quoted text and identifiers are replaced.
 * @example inlineParams({ sql: 'select $1::text', params: ["a'b"] }, 'postgres') // "select 'a''b'::text"
 */
export function inlineParams(
  compiled: { sql: string; params: readonly unknown[] },
  _dialect: SqlDialect,
): string {
  const { sql, params } = compiled;
  return replaceSqlParams(sql, (n) => {
    if (n < 1 || n > params.length) throw new RangeError(`no parameter $${n}`);
    return sqlLiteral(params[n - 1]);
  });
}
