/**
 * Texts that forms and CRM exports put where nobody answered: an unchosen drop-down ("Select"),
 * "N/A", a dash, "none". An import treats them, like blanks, as missing.
 */
const PLACEHOLDERS = new Set([
  '',
  '-',
  '--',
  '---',
  '\u2013',
  '\u2014',
  '?',
  'n/a',
  'n.a.',
  'na',
  '#n/a',
  'none',
  'null',
  'nil',
  'undefined',
  'unknown',
  'not provided',
  'not specified',
  'tbd',
  'select',
  'select...',
  'select…',
  'please select',
  'please choose',
  'choose',
  'choose one',
  '-- select --',
  '--select--',
  '- select -',
]);

/**
 * Whether a cell means "no answer": blank, or a placeholder such as "Select", "N/A", "-", "none".
 * @example isPlaceholder('  N/A ') // true
 */
export function isPlaceholder(raw: string): boolean {
  const t = raw.trim().toLowerCase();
  return t.length <= 16 && PLACEHOLDERS.has(t);
}
