/**
 * How big an import may be, checked before any cell is coerced, typed or matched to a field, so
 * no file can make that work long. Real exports fit with room to spare: a HubSpot export of
 * every property has a few hundred columns, Excel holds at most 32,767 characters in a cell and
 * HubSpot 65,536 in a text property.
 */
export const IMPORT_LIMITS = {
  /** Columns of a file (CSV header cells, keys of flat JSON records). */
  columns: 2_000,
  /** Characters of one cell (or one text value of a JSON record). */
  cellChars: 65_536,
  /** Characters of one column name. */
  columnNameChars: 1_000,
} as const;

/**
 * What is wrong with a cell that is too long, or undefined when it fits.
 * @example cellTooLong('x'.repeat(70_000)) // 'The cell has 70,000 characters; a cell holds at most 65,536.'
 */
export function cellTooLong(text: string): string | undefined {
  return text.length > IMPORT_LIMITS.cellChars
    ? `The cell has ${count(text.length)} characters; a cell holds at most ${count(IMPORT_LIMITS.cellChars)}.`
    : undefined;
}

/**
 * What is wrong with the columns of a file (too many, a name too long), or undefined.
 * @example tooManyColumns(Array(3000).fill('x')) // 'The file has 3,000 columns; an import takes at most 2,000.'
 */
export function tooManyColumns(columns: readonly string[]): string | undefined {
  if (columns.length > IMPORT_LIMITS.columns)
    return `The file has ${count(columns.length)} columns; an import takes at most ${count(IMPORT_LIMITS.columns)}.`;
  return undefined;
}

/**
 * What is wrong with a column name that is too long, or undefined when it fits.
 * @example columnNameTooLong('Email') // undefined
 */
export function columnNameTooLong(name: string): string | undefined {
  return name.length > IMPORT_LIMITS.columnNameChars
    ? `The column name has ${count(name.length)} characters; a column name holds at most ${count(IMPORT_LIMITS.columnNameChars)}.`
    : undefined;
}

const count = (n: number) => n.toLocaleString('en');
