/** One top-level value of a JSON import and the line it starts on. */
export type JsonItem =
  { ok: true; line: number; value: unknown } | { ok: false; line: number; message: string };

const SPACE = 32;
const QUOTE = 34;
const COMMA = 44;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const OPEN_BRACKET = 91;
const CLOSE_BRACKET = 93;
const NEWLINE = 10;

/**
 * Streams the values of a JSON array (`[{…}, {…}]`) or of JSON lines (`{…}\n{…}`) one by one
 * without holding the whole text: a scanner finds where each top-level object ends (tracking
 * strings, escapes and nesting) and parses that object alone, so one broken value is reported
 * with its line and the others are kept.
 * @example for await (const item of jsonValues(chunks)) if (item.ok) use(item.value);
 */
export async function* jsonValues(
  source: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
): AsyncGenerator<JsonItem> {
  const decoder = new TextDecoder('utf-8', { ignoreBOM: false });
  let mode: 'start' | 'array' | 'lines' | 'end' = 'start';
  let depth = 0;
  let inString = false;
  let escaped = false;
  let junk = false;
  let parts: string[] = [];
  let line = 1;
  let valueLine = 1;
  const pending: JsonItem[] = [];

  const emit = (text: string) => {
    try {
      pending.push({ ok: true, line: valueLine, value: JSON.parse(text) });
    } catch (error) {
      pending.push({
        ok: false,
        line: valueLine,
        message: `Not valid JSON: ${(error as Error).message}`,
      });
    }
  };
  const endJunk = () => {
    junk = false;
    pending.push({ ok: false, line: valueLine, message: 'Each item must be a JSON object.' });
  };

  const scan = (chunk: string) => {
    let start = depth > 0 ? 0 : -1;
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      if (c === NEWLINE) line++;
      if (depth > 0) {
        if (inString) {
          if (escaped) escaped = false;
          else if (c === BACKSLASH) escaped = true;
          else if (c === QUOTE) inString = false;
        } else if (c === QUOTE) inString = true;
        else if (c === OPEN_BRACE || c === OPEN_BRACKET) depth++;
        else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
          depth--;
          if (depth === 0) {
            parts.push(chunk.slice(start, i + 1));
            emit(parts.join(''));
            parts = [];
            start = -1;
          }
        }
        continue;
      }
      const blank = c <= SPACE || c === 0xfeff;
      if (junk) {
        if (blank || c === COMMA || c === CLOSE_BRACKET) endJunk();
        else continue;
      }
      if (blank) continue;
      if (mode === 'start') {
        if (c === OPEN_BRACKET) {
          mode = 'array';
          continue;
        }
        mode = 'lines';
      }
      if (mode === 'end') {
        valueLine = line;
        junk = true;
        mode = 'lines';
        continue;
      }
      if (mode === 'array' && c === COMMA) continue;
      if (mode === 'array' && c === CLOSE_BRACKET) {
        mode = 'end';
        continue;
      }
      valueLine = line;
      if (c === OPEN_BRACE || c === OPEN_BRACKET) {
        depth = 1;
        start = i;
      } else junk = true;
    }
    if (depth > 0) parts.push(chunk.slice(start === -1 ? 0 : start));
  };

  for await (const chunk of source) {
    scan(typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true }));
    yield* pending.splice(0);
  }
  scan(decoder.decode());
  if (junk) endJunk();
  yield* pending.splice(0);
  // `scan` changes `mode`; TypeScript cannot see that from here.
  const finalMode = mode as typeof mode | 'array';
  if (depth > 0) yield { ok: false, line: valueLine, message: 'The text ends inside a value.' };
  else if (finalMode === 'array')
    yield { ok: false, line, message: 'The array is never closed (a ] is missing).' };
}
