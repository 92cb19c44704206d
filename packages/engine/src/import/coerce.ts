import type { EnumOption, FieldType } from '../schema/field-catalog';
import type { AttributeValue } from '../schema/lead';
import { cellTooLong } from './limits';
import { isPlaceholder } from './placeholders';

/** How to read dates such as 03/04/2026: month first (US) or day first. */
export type DateOrder = 'mdy' | 'dmy';

export type Coerced =
  { ok: true; value: AttributeValue | undefined } | { ok: false; message: string };

const MISSING: Coerced = { ok: true, value: undefined };
const ok = (value: AttributeValue | undefined): Coerced => ({ ok: true, value });
const fail = (message: string): Coerced => ({ ok: false, message });

const TRUE = new Set(['true', 'yes', 'y', 't', '1', 'x', 'on', 'checked', '\u2713', '\u2714']);
const FALSE = new Set(['false', 'no', 'n', 'f', '0', 'off', 'unchecked']);

/**
 * Yes/No, true/false, 1/0, y/n, x (a ticked box), on/off as a boolean; undefined when it is none.
 * @example parseBoolean('Yes') // true
 */
export function parseBoolean(raw: string): boolean | undefined {
  const t = raw.trim().toLowerCase();
  if (TRUE.has(t)) return true;
  if (FALSE.has(t)) return false;
  return undefined;
}

const GROUPED_COMMA = /^\d{1,3}(,\d{3})+(\.\d+)?$/;
const GROUPED_DOT = /^\d{1,3}(\.\d{3})+(,\d+)?$/;
const GROUPED_SPACE = /^\d{1,3}([ '\u00a0\u202f]\d{3})+([.,]\d+)?$/;
const PLAIN = /^\d+([.,]\d+)?$/;
const LEADING_DOT = /^[.,]\d+$/;

/**
 * A number from text as exports write it: thousands separators (1,234,567 · 1.234.567 ·
 * 1 234 567 · 1'234), a decimal comma (3,5), a currency sign, a sign; undefined when it is none.
 * "1,234" reads as one thousand two hundred thirty-four (a group), "3,5" as three and a half.
 * @example parseNumber('$1,250.50') // 1250.5
 */
export function parseNumber(raw: string): number | undefined {
  let t = raw.trim();
  let sign = 1;
  if (t.startsWith('(') && t.endsWith(')')) {
    sign = -1;
    t = t.slice(1, -1).trim();
  }
  if (t.startsWith('-') || t.startsWith('+') || t.startsWith('\u2212')) {
    if (t[0] !== '+') sign = -sign;
    t = t.slice(1).trim();
  }
  t = withoutCurrency(t);
  if (t.startsWith('-')) {
    sign = -sign;
    t = t.slice(1);
  }
  let normalised: string;
  if (GROUPED_COMMA.test(t)) normalised = t.replace(/,/g, '');
  else if (GROUPED_DOT.test(t) && (t.split('.').length > 2 || t.includes(',')))
    normalised = t.replace(/\./g, '').replace(',', '.');
  else if (GROUPED_SPACE.test(t)) normalised = t.replace(/[ '\u00a0\u202f]/g, '').replace(',', '.');
  else if (PLAIN.test(t) || LEADING_DOT.test(t)) normalised = t.replace(',', '.');
  else if (/^\d+(\.\d+)?e[+-]?\d+$/i.test(t)) normalised = t;
  else return undefined;
  const n = Number(normalised) * sign;
  return Number.isFinite(n) ? n : undefined;
}

const CURRENCY_SIGNS = '$€£¥';
const CURRENCY_CODES = new Set(['eur', 'usd', 'gbp', 'chf']);

/**
 * The text without a currency sign in front and a sign or code (EUR, USD, GBP, CHF) behind,
 * cut by position rather than by a pattern, so long text takes one pass.
 */
function withoutCurrency(text: string): string {
  let t = text;
  if (t.length > 0 && CURRENCY_SIGNS.includes(t[0]!)) t = t.slice(1).trimStart();
  if (t.length > 0 && CURRENCY_SIGNS.includes(t[t.length - 1]!)) t = t.slice(0, -1).trimEnd();
  else if (CURRENCY_CODES.has(t.slice(-3).toLowerCase())) t = t.slice(0, -3).trimEnd();
  return t;
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i;
const SLASHED_YMD = /^(\d{4})[/.](\d{1,2})[/.](\d{1,2})$/;
const DOTTED_DMY = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;
const SLASHED = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/;

function utcDate(year: number, month: number, day: number): number | undefined {
  if (month < 1 || month > 12 || day < 1 || day > 31) return undefined;
  const t = Date.UTC(year, month - 1, day);
  const d = new Date(t);
  return d.getUTCMonth() === month - 1 && d.getUTCDate() === day ? t : undefined;
}

/**
 * Epoch milliseconds from an ISO 8601 date or date-time (a date-time without a zone is UTC),
 * 2026/03/04, 04.03.2026 (day first), 03/04/2026 (month first unless `order` is 'dmy' or the
 * first part is over 12) or epoch milliseconds; undefined when it is none.
 * @example parseDate('2026-03-04') // Date.UTC(2026, 2, 4)
 */
export function parseDate(raw: string, order: DateOrder = 'mdy'): number | undefined {
  const t = raw.trim();
  let m = ISO_DATE.exec(t);
  if (m) return utcDate(Number(m[1]), Number(m[2]), Number(m[3]));
  if (ISO_DATE_TIME.test(t)) {
    const zoned = /(Z|[+-]\d{2}:?\d{2})$/i.test(t) ? t : `${t}Z`;
    const ms = Date.parse(zoned.replace(' ', 'T'));
    return Number.isFinite(ms) ? ms : undefined;
  }
  m = SLASHED_YMD.exec(t);
  if (m) return utcDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = DOTTED_DMY.exec(t);
  if (m) return utcDate(Number(m[3]), Number(m[2]), Number(m[1]));
  m = SLASHED.exec(t);
  if (m) {
    const a = Number(m[1]);
    const b = Number(m[2]);
    const dayFirst = order === 'dmy' ? b <= 12 || a > 12 : a > 12;
    return dayFirst ? utcDate(Number(m[3]), b, a) : utcDate(Number(m[3]), a, b);
  }
  if (/^\d{12,13}$/.test(t)) return Number(t);
  return undefined;
}

const SPACE = /\s/;

/**
 * Whether text reads as one email address: something, one @, a domain with a dot inside it, no
 * spaces. Found with index searches, not a pattern that could backtrack on long text.
 * @example isEmailAddress('ann@acme.com') // true
 */
export function isEmailAddress(text: string): boolean {
  const at = text.indexOf('@');
  if (at <= 0 || text.indexOf('@', at + 1) !== -1 || SPACE.test(text)) return false;
  const dot = text.indexOf('.', at + 2);
  return dot !== -1 && dot < text.length - 1;
}

const norm = (s: string) =>
  s
    .trim()
    .toLowerCase()
    .replace(/[\s_-]+/g, ' ');

/** Enum values by their value and by their label, normalised (case, spaces, underscores). */
export function enumLookup(values: readonly EnumOption[]): Map<string, string> {
  const lookup = new Map<string, string>();
  for (const option of values) {
    lookup.set(norm(option.value), option.value);
    if (!lookup.has(norm(option.label))) lookup.set(norm(option.label), option.value);
  }
  return lookup;
}

/** What a field needs to coerce its cells. */
export interface CoerceTarget {
  type: FieldType;
  /** For enum fields: `enumLookup(field.values)`. */
  lookup?: Map<string, string>;
  dateOrder?: DateOrder;
  /** The field's own texts for "no answer" (`missingTexts(field.missing)`), besides the placeholders. */
  missing?: ReadonlySet<string>;
}

/**
 * A field's missing-value texts as `coerceValue` compares them: trimmed, lower case.
 * @example missingTexts(['Select one', ' ?? ']) // Set { 'select one', '??' }
 */
export function missingTexts(
  texts: readonly string[] | undefined,
): ReadonlySet<string> | undefined {
  if (!texts || texts.length === 0) return undefined;
  return new Set(texts.map((t) => t.trim().toLowerCase()));
}

/**
 * One cell as the field's type: blanks and placeholders are missing (undefined), numbers lose
 * their thousands separators, the field's own missing texts (`target.missing`) are missing too, Yes/No become booleans, dates become ISO 8601 text, enum labels
 * become their values, lists split on `;`, `|` or `,`. Text that cannot be read is an error
 * with a message for the person who made the file. Values already typed (JSON) are checked.
 * @example coerceValue('1.250', { type: 'number' }) // { ok: true, value: 1250 }
 */
export function coerceValue(raw: unknown, target: CoerceTarget): Coerced {
  if (raw === null || raw === undefined) return MISSING;
  if (typeof raw === 'number' || typeof raw === 'boolean') return coerceTyped(raw, target);
  if (Array.isArray(raw)) {
    if (target.type !== 'list') return fail(`a list where a single ${target.type} belongs`);
    for (const item of raw) {
      const tooLong = typeof item === 'string' ? cellTooLong(item) : undefined;
      if (tooLong !== undefined) return fail(tooLong);
    }
    const items = raw.filter((v): v is string | number =>
      typeof v === 'string' ? !isPlaceholder(v) : typeof v === 'number',
    );
    return ok(items.length ? items.map((v) => (typeof v === 'string' ? v.trim() : v)) : undefined);
  }
  if (typeof raw !== 'string') return fail('not a value (an object)');
  const tooLong = cellTooLong(raw);
  if (tooLong !== undefined) return fail(tooLong);
  if (isPlaceholder(raw)) return MISSING;
  if (target.missing?.has(raw.trim().toLowerCase())) return MISSING;
  const text = raw.trim();
  switch (target.type) {
    case 'string':
      return ok(text);
    case 'email':
      return isEmailAddress(text) ? ok(text) : fail(`"${clip(text)}" is not an email address`);
    case 'phone':
      return /\d/.test(text) && /^[\d\s()+\-./x]+$/i.test(text)
        ? ok(text)
        : fail(`"${clip(text)}" is not a phone number`);
    case 'number': {
      const n = parseNumber(text);
      return n === undefined ? fail(`"${clip(text)}" is not a number`) : ok(n);
    }
    case 'boolean': {
      const b = parseBoolean(text);
      return b === undefined ? fail(`"${clip(text)}" is not yes or no`) : ok(b);
    }
    case 'date': {
      const ms = parseDate(text, target.dateOrder);
      return ms === undefined
        ? fail(`"${clip(text)}" is not a date (use 2026-03-04 or 2026-03-04T10:00:00Z)`)
        : ok(new Date(ms).toISOString());
    }
    case 'enum': {
      const value = target.lookup?.get(norm(text));
      if (value !== undefined) return ok(value);
      const allowed = [...new Set(target.lookup?.values() ?? [])];
      return fail(
        `"${clip(text)}" is not one of ${allowed.slice(0, 8).join(', ')}${allowed.length > 8 ? ', …' : ''}`,
      );
    }
    case 'list': {
      const separator = text.includes(';') ? ';' : text.includes('|') ? '|' : ',';
      const items = text
        .split(separator)
        .map((s) => s.trim())
        .filter((s) => !isPlaceholder(s));
      return ok(items.length ? items : undefined);
    }
  }
}

function coerceTyped(raw: number | boolean, target: CoerceTarget): Coerced {
  if (typeof raw === 'number' && !Number.isFinite(raw)) return fail('not a finite number');
  switch (target.type) {
    case 'number':
      return typeof raw === 'number' ? ok(raw) : fail(`${raw} is not a number`);
    case 'boolean':
      if (typeof raw === 'boolean') return ok(raw);
      return raw === 1 ? ok(true) : raw === 0 ? ok(false) : fail(`${raw} is not yes or no`);
    case 'date':
      return typeof raw === 'number'
        ? ok(new Date(raw).toISOString())
        : fail(`${raw} is not a date`);
    default:
      return coerceValue(String(raw), target);
  }
}

function clip(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
