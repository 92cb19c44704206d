import { EMPTY_FILE, TextScanner, type NotText } from '@accord/engine';
import { ImportRefused } from './import-refused';

const refuse = (notText: NotText) =>
  new ImportRefused(notText.message, { line: notText.line, column: notText.column });

/**
 * The text of an uploaded file, decoded as UTF-8 chunk by chunk (a character split between
 * chunks is kept whole; a BOM is dropped) and checked on the way by `TextScanner`: a binary file
 * is refused at the line and column where it starts, an empty one once it has ended.
 * @example for await (const text of checkedText(request.body)) …
 */
export async function* checkedText(
  source: AsyncIterable<string | Uint8Array> | Iterable<string | Uint8Array>,
): AsyncGenerator<string> {
  const decoder = new TextDecoder('utf-8');
  const scanner = new TextScanner();
  const piece = (text: string) => {
    const notText = scanner.scan(text);
    if (notText) throw refuse(notText);
    return text;
  };
  for await (const chunk of source) {
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    if (text) yield piece(text);
  }
  const rest = decoder.decode();
  if (rest) yield piece(rest);
  if (!scanner.hasContent) throw new ImportRefused(EMPTY_FILE);
}

/**
 * Checks a whole text (a preview) as `checkedText` checks a stream.
 * @example checkText('a,b\n1,\uFFFD') // throws ImportRefused: Line 2, column 3: …
 */
export function checkText(text: string): void {
  const scanner = new TextScanner();
  const notText = scanner.scan(text);
  if (notText) throw refuse(notText);
  if (!scanner.hasContent) throw new ImportRefused(EMPTY_FILE);
}
