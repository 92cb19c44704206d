/**
 * Nesting depth every JSON body and tRPC input may have. The deepest legitimate input, a workflow
 * document saved through `draft.save`, reaches its predicates 8 levels down and each `all` /
 * `any` / `not` adds two, so 64 leaves room for predicates nested 25 deep, far beyond what
 * anyone builds. V8's `JSON.parse` alone takes 0.6 s on 2 MB of `[[[[…`, and every recursive
 * walk after it more, so deeper bodies are refused before they are parsed.
 */
export const MAX_JSON_DEPTH = 64;

export interface JsonLimits {
  maxDepth: number;
  /** Longest string literal, in characters of the JSON text (escapes included). */
  maxStringLength: number;
}

/** What is wrong with a JSON text's shape, with the character offset where it was seen. */
export interface JsonLimitProblem {
  message: string;
  offset: number;
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACKET = 91;
const OPEN_BRACE = 123;
const CLOSE_BRACKET = 93;
const CLOSE_BRACE = 125;

/**
 * Checks a JSON text's nesting depth and string lengths before it is parsed, in one pass without
 * allocating (string literals are skipped with `indexOf`), so a hostile body costs no more than
 * reading it. Malformed JSON is left to the parser; only the limits are judged here.
 * @example jsonLimitProblem('[[[]]]', { maxDepth: 2, maxStringLength: 10 }) // { message: 'The JSON is nested deeper than 2 levels.', offset: 2 }
 */
export function jsonLimitProblem(text: string, limits: JsonLimits): JsonLimitProblem | null {
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const start = i;
      let end = text.indexOf('"', i + 1);
      // A quote preceded by an odd number of backslashes is escaped: look further.
      while (end !== -1) {
        let slashes = 0;
        for (let j = end - 1; text.charCodeAt(j) === BACKSLASH; j--) slashes++;
        if (slashes % 2 === 0) break;
        end = text.indexOf('"', end + 1);
      }
      if (end === -1) return null; // unterminated: the parser reports it
      if (end - start - 1 > limits.maxStringLength)
        return {
          message: `A string in the JSON is longer than the limit of ${limits.maxStringLength} characters.`,
          offset: start,
        };
      i = end;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > limits.maxDepth)
        return {
          message: `The JSON is nested deeper than ${limits.maxDepth} levels.`,
          offset: i,
        };
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
    }
  }
  return null;
}
