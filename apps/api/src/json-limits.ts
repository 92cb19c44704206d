import { Transform } from 'node:stream';

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
  /** Longest string literal, in bytes of the JSON text (escapes included). */
  maxStringBytes: number;
}

/** What is wrong with a JSON text's shape, with the byte offset where it was seen. */
export interface JsonLimitProblem {
  kind: 'depth' | 'string';
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
 * Checks JSON text piece by piece as it arrives, before anything parses it: nesting depth and
 * string lengths, in one pass over the bytes without allocating. The structural characters are
 * ASCII and UTF-8 never uses ASCII bytes inside a multi-byte character, so bytes suffice.
 * Malformed JSON is left to the parser; only the limits are judged here.
 * @example new JsonLimitScanner({ maxDepth: 2, maxStringBytes: 10 }).push(Buffer.from('[[[]]]')) // { kind: 'depth', … offset: 2 }
 */
export class JsonLimitScanner {
  #depth = 0;
  #inString = false;
  #escaped = false;
  #stringBytes = 0;
  #offset = 0;

  constructor(private readonly limits: JsonLimits) {}

  /** Scans the next piece; the first problem, or null while the text is within the limits. */
  push(chunk: Uint8Array): JsonLimitProblem | null {
    const { maxDepth, maxStringBytes } = this.limits;
    const length = chunk.length;
    let i = 0;
    while (i < length) {
      if (this.#inString) {
        const start = i;
        for (; i < length; i++) {
          const b = chunk[i]!;
          if (this.#escaped) this.#escaped = false;
          else if (b === BACKSLASH) this.#escaped = true;
          else if (b === QUOTE) break;
        }
        this.#stringBytes += i - start;
        if (this.#stringBytes > maxStringBytes)
          return {
            kind: 'string',
            message: `A string in the JSON is longer than the limit of ${maxStringBytes} bytes.`,
            offset: this.#offset + i,
          };
        if (i < length) {
          this.#inString = false;
          i++;
        }
        continue;
      }
      const b = chunk[i]!;
      if (b === QUOTE) {
        this.#inString = true;
        this.#stringBytes = 0;
      } else if (b === OPEN_BRACKET || b === OPEN_BRACE) {
        if (++this.#depth > maxDepth)
          return {
            kind: 'depth',
            message: `The JSON is nested deeper than ${maxDepth} levels.`,
            offset: this.#offset + i,
          };
      } else if (b === CLOSE_BRACKET || b === CLOSE_BRACE) {
        this.#depth--;
      }
      i++;
    }
    this.#offset += length;
    return null;
  }
}

/**
 * `JsonLimitScanner` over a whole text.
 * @example jsonLimitProblem('[[[]]]', { maxDepth: 2, maxStringBytes: 10 })?.message // 'The JSON is nested deeper than 2 levels.'
 */
export function jsonLimitProblem(text: string, limits: JsonLimits): JsonLimitProblem | null {
  return new JsonLimitScanner(limits).push(Buffer.from(text));
}

/** A body refused by `jsonLimited`: 400, with what was wrong. */
export class JsonLimitError extends Error {
  readonly statusCode = 400;
  constructor(readonly problem: JsonLimitProblem) {
    super(problem.message);
  }
}

/**
 * Passes a JSON body through until it breaks a limit; from then on the rest is read and dropped
 * unscanned (up to `maxBytes` in all) and the body fails with `JsonLimitError` at its end, so the
 * parser never sees it and the client, done sending, reads the 400 (a connection closed under a
 * client still sending loses the answer). Past `maxBytes` it fails at once.
 */
export function jsonLimited(
  payload: NodeJS.ReadableStream,
  limits: JsonLimits,
  maxBytes: number,
): Transform {
  const scanner = new JsonLimitScanner(limits);
  let problem: JsonLimitProblem | null = null;
  let bytes = 0;
  const out = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length;
      if (problem) {
        done(bytes > maxBytes ? new JsonLimitError(problem) : null);
        return;
      }
      problem = scanner.push(chunk);
      done(null, problem ? undefined : chunk);
    },
    flush(done) {
      done(problem ? new JsonLimitError(problem) : null);
    },
  });
  payload.on('error', (error) => out.destroy(error));
  // Fastify stops listening once it has answered (e.g. 413 past its own body limit) while the
  // client may still be sending; the refusal that comes at the body's end must not then become an
  // uncaught exception, which would end the process.
  out.on('error', () => {});
  return payload.pipe(out);
}
