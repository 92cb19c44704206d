/**
 * A file an import refuses as a whole, before or instead of storing anything: not text, empty,
 * too wide, a cell too long, or no row that gives a lead. The message names the line and column
 * where there is one ("Line 3, column 7: …").
 */
export class ImportRefused extends Error {
  constructor(
    message: string,
    readonly at?: { line: number; column?: number },
  ) {
    super(at ? `${where(at.line, at.column)}: ${message}` : message);
  }
}

function where(line: number, column?: number): string {
  return column === undefined ? `Line ${line}` : `Line ${line}, column ${column}`;
}
