/**
 * The one reader of generated SQL text. It splits the text into pieces in a single pass (linear
 * time, no regular expressions), so code that renumbers or inlines parameters, or looks for the
 * column names an expression reads, never looks inside a quoted name, a string literal or a
 * comment. Only SQL the compiler wrote goes through here: the texts of a document are bound
 * parameters or `sqlLiteral`s, never pieces of it.
 */

/** A piece of SQL text: pieces in order, joined, give the text back. */
export type SqlPiece =
  /** `$n`, a positional parameter. */
  | { kind: 'param'; text: string; n: number }
  /** A bare word: a column name, a keyword, a function name. */
  | { kind: 'word'; text: string }
  /** `'…'` or `"…"` (a doubled quote inside), `-- …` or `/* … *\/`, or anything else. */
  | { kind: 'quoted' | 'comment' | 'other'; text: string };

const isDigit = (code: number) => code >= 48 && code <= 57;
const isWordStart = (code: number) =>
  (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95;
const isWordPart = (code: number) => isWordStart(code) || isDigit(code);

/** Where the quoted run opened at `start` ends (after its closing quote). */
function quotedEnd(sql: string, start: number): number {
  const quote = sql[start]!;
  let from = start + 1;
  for (;;) {
    const close = sql.indexOf(quote, from);
    if (close < 0)
      throw new Error(`Unterminated quoted text in generated SQL: ${sql.slice(start, start + 40)}`);
    if (sql[close + 1] !== quote) return close + 1;
    from = close + 2;
  }
}

/**
 * The pieces of `sql`, in order. Throws on an unterminated quote or comment (generated SQL never
 * has one: it would be a bug of the compiler, not something to guess around).
 * @example sqlPieces(`a = $1 or "$2" = 'x'`).filter((p) => p.kind === 'param') // [{ kind: 'param', text: '$1', n: 1 }]
 */
export function sqlPieces(sql: string): SqlPiece[] {
  const pieces: SqlPiece[] = [];
  let other = -1;
  const flushOther = (end: number) => {
    if (other >= 0) pieces.push({ kind: 'other', text: sql.slice(other, end) });
    other = -1;
  };
  let i = 0;
  while (i < sql.length) {
    const code = sql.charCodeAt(i);
    const ch = sql[i]!;
    let end = -1;
    let kind: SqlPiece['kind'] = 'other';
    if (ch === "'" || ch === '"') {
      end = quotedEnd(sql, i);
      kind = 'quoted';
    } else if (ch === '-' && sql[i + 1] === '-') {
      const newline = sql.indexOf('\n', i);
      end = newline < 0 ? sql.length : newline;
      kind = 'comment';
    } else if (ch === '/' && sql[i + 1] === '*') {
      const close = sql.indexOf('*/', i + 2);
      if (close < 0) throw new Error('Unterminated comment in generated SQL.');
      end = close + 2;
      kind = 'comment';
    } else if (ch === '$' && isDigit(sql.charCodeAt(i + 1))) {
      end = i + 1;
      while (end < sql.length && isDigit(sql.charCodeAt(end))) end++;
      kind = 'param';
    } else if (isWordStart(code)) {
      end = i + 1;
      while (end < sql.length && isWordPart(sql.charCodeAt(end))) end++;
      kind = 'word';
    }
    if (end < 0) {
      if (other < 0) other = i;
      i++;
      continue;
    }
    flushOther(i);
    const text = sql.slice(i, end);
    pieces.push(kind === 'param' ? { kind, text, n: Number(text.slice(1)) } : { kind, text });
    i = end;
  }
  flushOther(sql.length);
  return pieces;
}

/**
 * `sql` with each positional parameter `$n` outside quotes and comments replaced by `replace(n)`.
 * @example replaceSqlParams(`$1 + "$1"`, (n) => `$${n + 1}`) // `$2 + "$1"`
 */
export function replaceSqlParams(sql: string, replace: (n: number) => string): string {
  let out = '';
  for (const piece of sqlPieces(sql)) out += piece.kind === 'param' ? replace(piece.n) : piece.text;
  return out;
}
