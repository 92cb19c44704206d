import { parseBoolean, parseDate, parseNumber } from './coerce';
import { isPlaceholder } from './placeholders';

export type InferredType = 'empty' | 'boolean' | 'number' | 'date' | 'email' | 'text';

/**
 * What a column's sample values look like, ignoring blanks and placeholders: all yes/no,
 * all numbers, all dates, all email addresses, or text.
 * @example inferColumnType(['Yes', 'no', 'N/A']) // 'boolean'
 */
export function inferColumnType(values: readonly unknown[]): InferredType {
  const texts = values
    .filter((v) => v !== undefined && v !== null)
    .map((v) => (typeof v === 'string' ? v : JSON.stringify(v)))
    .filter((v) => !isPlaceholder(v));
  if (texts.length === 0) return 'empty';
  if (texts.every((t) => parseBoolean(t) !== undefined)) return 'boolean';
  if (texts.every((t) => parseNumber(t) !== undefined)) return 'number';
  if (texts.every((t) => /[-/.:]/.test(t) && parseDate(t) !== undefined)) return 'date';
  if (texts.every((t) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(t.trim()))) return 'email';
  return 'text';
}
