const NUL = '\u0000';
/** What a decoder makes of bytes that are not UTF-8 (and what a browser's `file.text()` gives). */
const REPLACEMENT = '\uFFFD';

/** Where a file stops being text: its line and column (1-based) and what was found there. */
export interface NotText {
  line: number;
  column: number;
  message: string;
}

/**
 * Reads a file piece by piece and tells where it stops being text: a NUL byte or bytes that are
 * not UTF-8 (decoded as U+FFFD) mean a binary file (a spreadsheet, a zip, UTF-16 text), named at
 * the line and column where it starts. Also tells whether anything but blanks was read, so an
 * empty file can be refused. Linear: index searches only.
 * @example
 * const scanner = new TextScanner();
 * scanner.scan('email\nann@\u0000') // { line: 2, column: 5, message: 'the file is not text: …' }
 */
export class TextScanner {
  private line = 1;
  private lineStart = 0;
  private offset = 0;
  private content = false;

  /** The next piece of the file: where it stops being text, or undefined when it is all text. */
  scan(piece: string): NotText | undefined {
    const nul = piece.indexOf(NUL);
    const replaced = piece.indexOf(REPLACEMENT);
    const bad = nul === -1 ? replaced : replaced === -1 ? nul : Math.min(nul, replaced);
    const end = bad === -1 ? piece.length : bad;
    for (let nl = piece.indexOf('\n'); nl !== -1 && nl < end; nl = piece.indexOf('\n', nl + 1)) {
      this.line++;
      this.lineStart = this.offset + nl + 1;
    }
    if (bad !== -1)
      return {
        line: this.line,
        column: this.offset + bad - this.lineStart + 1,
        message: `the file is not text: it has ${piece[bad] === NUL ? 'a NUL byte' : 'bytes that are not UTF-8 text (shown as \uFFFD)'} here. Upload a CSV or JSON file saved as UTF-8.`,
      };
    if (!this.content && piece.trim() !== '') this.content = true;
    this.offset += piece.length;
    return undefined;
  }

  /** Whether anything but blanks (and a BOM) was read so far. */
  get hasContent(): boolean {
    return this.content;
  }
}

/** What an import says of a file with nothing but blanks. */
export const EMPTY_FILE = 'The file is empty.';
