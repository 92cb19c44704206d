import { isEmailAddress, parseBoolean, parseDate, parseNumber } from './coerce';
import { IMPORT_LIMITS } from './limits';
import { isPlaceholder } from './placeholders';

export type InferredType = 'empty' | 'boolean' | 'number' | 'date' | 'email' | 'text';

/** Longer than any yes/no, number, date or email address: such a value is text. */
const LONGEST_TYPED = 320;

/**
 * What a column's sample values look like, ignoring blanks and placeholders: all yes/no,
 * all numbers, all dates, all email addresses, or text. A value longer than any of those is text
 * at once, so a long cell is never read more than once.
 * @example inferColumnType(['Yes', 'no', 'N/A']) // 'boolean'
 */
export function inferColumnType(values: readonly unknown[]): InferredType {
  const texts: string[] = [];
  for (const v of values) {
    if (v === undefined || v === null) continue;
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    if (text.length > IMPORT_LIMITS.cellChars || text.trim().length > LONGEST_TYPED) return 'text';
    if (!isPlaceholder(text)) texts.push(text);
  }
  if (texts.length === 0) return 'empty';
  if (texts.every((t) => parseBoolean(t) !== undefined)) return 'boolean';
  if (texts.every((t) => parseNumber(t) !== undefined)) return 'number';
  if (texts.every((t) => /[-/.:]/.test(t) && parseDate(t) !== undefined)) return 'date';
  if (texts.every((t) => isEmailAddress(t.trim()))) return 'email';
  return 'text';
}
