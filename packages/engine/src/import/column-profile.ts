import type { EnumOption, FieldType } from '../schema/field-catalog';
import { isEmailAddress, parseBoolean, parseDate, parseNumber } from './coerce';
import { isPlaceholder } from './placeholders';

/** What one column of a file holds, counted over every row (not a sample of the first rows). */
export interface ColumnProfile {
  header: string;
  index: number;
  /** Non-blank, non-placeholder cells. */
  filled: number;
  /** Empty or whitespace-only cells (a missing cell of a short row counts as blank). */
  blank: number;
  /** Cells that are placeholders such as "Select", "N/A", "-" (not blank). */
  placeholderCells: number;
  /** Placeholder spellings as written (trimmed), most frequent first. */
  placeholders: { text: string; count: number }[];
  /** How many filled cells parse as each type. */
  numbers: number;
  booleans: number;
  dates: number;
  emails: number;
  /** Filled cells that are exactly 0 or 1 (read as yes/no only when nothing else is numeric). */
  zeroOnes: number;
  /** Filled cells that look like JSON arrays (`[…]`), as an events column holds. */
  jsonArrays: number;
  /** Over numeric cells. */
  min?: number;
  max?: number;
  /**
   * Filled values as written, with counts, most frequent first; null once more than
   * `MAX_DISTINCT` values (or a value longer than `MAX_DISTINCT_CHARS`) were seen.
   */
  distinct: { value: string; count: number }[] | null;
  /** Case and spacing variants of one value: key `google`, values `['Google', 'google', ' GOOGLE ']`. */
  variants: { key: string; values: string[] }[];
  /** Characters of the longest cell. */
  maxLength: number;
}

/** How many different values a column's profile keeps before it stops listing them. */
export const MAX_DISTINCT = 200;
/** A longer value is free text: the profile stops listing the column's values. */
export const MAX_DISTINCT_CHARS = 200;
/** Placeholder spellings kept per column (the placeholder list is short; case variants are not). */
const MAX_PLACEHOLDER_SPELLINGS = 1_000;
const PLACEHOLDERS_SHOWN = 20;

/** A value's key: case folded, spacing trimmed and collapsed. `' GOOGLE '` → `google`. */
export function valueKey(value: string): string {
  return value.trim().toLowerCase().replace(/\s+/g, ' ');
}

/** What one cell is, worked out once per different cell text. */
interface CellKind {
  what: 'blank' | 'placeholder' | 'filled';
  /** The text trimmed (placeholders are listed so). */
  text: string;
  boolean: boolean;
  zeroOne: boolean;
  jsonArray: boolean;
  number: number | undefined;
  date: boolean;
  email: boolean;
}

const BLANK: CellKind = {
  what: 'blank',
  text: '',
  boolean: false,
  zeroOne: false,
  jsonArray: false,
  number: undefined,
  date: false,
  email: false,
};

/** Whether a character code can start a number as exports write it (digit, sign, bracket, currency). */
function mayStartNumber(c: number): boolean {
  return (
    (c >= 48 && c <= 57) ||
    c === 43 || // +
    c === 45 || // -
    c === 40 || // (
    c === 46 || // .
    c === 44 || // ,
    c === 36 || // $
    c === 0x20ac || // €
    c === 0xa3 || // £
    c === 0xa5 || // ¥
    c === 0x2212 // −
  );
}

/**
 * Works out what a cell is. Each parser runs only on text that could be its kind (a number
 * starts with a digit or sign, a date with a digit, an email address has an @), so a wide file
 * is read quickly.
 */
function classify(cell: string): CellKind {
  const text = cell.trim();
  if (text === '') return BLANK;
  if (text.length <= 16 && isPlaceholder(text)) return { ...BLANK, what: 'placeholder', text };
  const first = text.charCodeAt(0);
  const digit = first >= 48 && first <= 57;
  return {
    what: 'filled',
    text,
    boolean: text.length <= 9 && parseBoolean(text) !== undefined,
    zeroOne: text === '0' || text === '1',
    jsonArray: first === 91 && text.endsWith(']'),
    number: text.length <= 40 && mayStartNumber(first) ? parseNumber(text) : undefined,
    date: digit && text.length <= 40 && /[-/.:]/.test(text) && parseDate(text) !== undefined,
    email: text.length <= 320 && text.includes('@') && isEmailAddress(text),
  };
}

/** Counts of a column's cells by kind. */
class Tally {
  filled = 0;
  blank = 0;
  placeholderCells = 0;
  numbers = 0;
  booleans = 0;
  dates = 0;
  emails = 0;
  zeroOnes = 0;
  jsonArrays = 0;
  min = Infinity;
  max = -Infinity;
  readonly placeholders = new Map<string, number>();

  add(kind: CellKind, count: number) {
    if (kind.what === 'blank') {
      this.blank += count;
      return;
    }
    if (kind.what === 'placeholder') {
      this.placeholderCells += count;
      const seen = this.placeholders.get(kind.text);
      if (seen !== undefined) this.placeholders.set(kind.text, seen + count);
      else if (this.placeholders.size < MAX_PLACEHOLDER_SPELLINGS)
        this.placeholders.set(kind.text, count);
      return;
    }
    this.filled += count;
    if (kind.boolean) this.booleans += count;
    if (kind.zeroOne) this.zeroOnes += count;
    if (kind.jsonArray) this.jsonArrays += count;
    if (kind.date) this.dates += count;
    if (kind.email) this.emails += count;
    if (kind.number !== undefined) {
      this.numbers += count;
      if (kind.number < this.min) this.min = kind.number;
      if (kind.number > this.max) this.max = kind.number;
    }
  }
}

/**
 * One column's counts. While the column has few different texts, each cell costs one map
 * lookup (a text is classified the first time it is seen); past `MAX_DISTINCT` different filled
 * values (or one longer than `MAX_DISTINCT_CHARS`) the column stops listing its values and
 * classifies cell by cell.
 */
class ColumnCounter {
  maxLength = 0;
  /** Each different cell text: what it is and how often it came; null once there are too many. */
  seen: Map<string, { kind: CellKind; count: number }> | null = new Map();
  private filledTexts = 0;
  /** Counts of cells classified one by one, after `seen` overflowed. */
  readonly tally = new Tally();

  push(cell: string) {
    if (cell.length > this.maxLength) this.maxLength = cell.length;
    if (this.seen === null) {
      this.tally.add(classify(cell), 1);
      return;
    }
    const entry = this.seen.get(cell);
    if (entry !== undefined) {
      entry.count++;
      return;
    }
    const kind = classify(cell);
    if (
      this.seen.size >= MAX_DISTINCT + MAX_PLACEHOLDER_SPELLINGS ||
      (kind.what === 'filled' &&
        (++this.filledTexts > MAX_DISTINCT || cell.length > MAX_DISTINCT_CHARS))
    ) {
      for (const { kind: k, count } of this.seen.values()) this.tally.add(k, count);
      this.seen = null;
      this.tally.add(kind, 1);
      return;
    }
    this.seen.set(cell, { kind, count: 1 });
  }

  /** The counts of every cell so far (without changing the counter). */
  counts(): Tally {
    if (this.seen === null) return this.tally;
    const tally = new Tally();
    for (const { kind, count } of this.seen.values()) tally.add(kind, count);
    return tally;
  }
}

/** Most frequent first; equal counts in text order, so the order of rows never shows. */
const byCount =
  <T extends { count: number }>(text: (t: T) => string) =>
  (a: T, b: T) =>
    b.count - a.count || (text(a) < text(b) ? -1 : text(a) > text(b) ? 1 : 0);

/**
 * Counts what each column of a file holds, one row at a time: blanks, placeholders, how many
 * cells read as numbers, yes/no, dates and email addresses, and the values themselves while they
 * are few. Work per row is O(columns); memory is bounded per column whatever the file's length.
 * @example
 * const profiler = new ColumnProfiler(['Source']);
 * profiler.push(['Google']); profiler.push(['google']); profiler.push(['Select']);
 * profiler.profiles()[0].variants // [{ key: 'google', values: ['Google', 'google'] }]
 */
export class ColumnProfiler {
  private readonly headers: readonly string[];
  private readonly columns: ColumnCounter[];
  private count = 0;

  constructor(headers: readonly string[]) {
    this.headers = [...headers];
    this.columns = headers.map(() => new ColumnCounter());
  }

  /** Data rows seen so far. */
  get rows(): number {
    return this.count;
  }

  /** One data row's cells (strings as the CSV parser gives them); cells past the headers are ignored. */
  push(cells: readonly string[]): void {
    this.count++;
    for (let c = 0; c < this.columns.length; c++) this.columns[c]!.push(cells[c] ?? '');
  }

  profiles(): ColumnProfile[] {
    return this.columns.map((column, index) => {
      const tally = column.counts();
      const profile: ColumnProfile = {
        header: this.headers[index]!,
        index,
        filled: tally.filled,
        blank: tally.blank,
        placeholderCells: tally.placeholderCells,
        placeholders: [...tally.placeholders]
          .map(([text, count]) => ({ text, count }))
          .sort(byCount((p) => p.text))
          .slice(0, PLACEHOLDERS_SHOWN),
        numbers: tally.numbers,
        booleans: tally.booleans,
        dates: tally.dates,
        emails: tally.emails,
        zeroOnes: tally.zeroOnes,
        jsonArrays: tally.jsonArrays,
        distinct: null,
        variants: [],
        maxLength: column.maxLength,
      };
      if (tally.numbers > 0) {
        profile.min = tally.min;
        profile.max = tally.max;
      }
      if (column.seen !== null) {
        const byKey = new Map<string, { value: string; count: number }[]>();
        for (const [value, { kind, count }] of column.seen) {
          if (kind.what !== 'filled') continue;
          const key = valueKey(value);
          const spellings = byKey.get(key);
          if (spellings) spellings.push({ value, count });
          else byKey.set(key, [{ value, count }]);
        }
        const distinct: { value: string; count: number }[] = [];
        for (const [key, spellings] of byKey) {
          spellings.sort(byCount((v) => v.value));
          distinct.push(...spellings);
          if (spellings.length > 1)
            profile.variants.push({ key, values: spellings.map((v) => v.value) });
        }
        profile.distinct = distinct.sort(byCount((v) => v.value));
        profile.variants.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
      }
      return profile;
    });
  }
}

/** A field a person would make of a column. */
export interface ProposedField {
  id: string;
  label: string;
  type: FieldType;
  /** Enum options: value = the slug of the case-folded value, label = its most frequent spelling. */
  values?: EnumOption[];
  /** Placeholder texts seen in the column, to count as "no answer" for this field. */
  missing?: string[];
  /** 0..1: the share of filled cells that fit the type, lower when few cells are filled. */
  confidence: number;
  /** Why this type, in words, e.g. "9,120 of 9,240 filled cells are numbers". */
  why: string;
}

/** Share of filled cells that must read as a type for the column to have that type. */
const TYPED_SHARE = 0.95;
/** An enum has at most this many values (case folded) … */
const MAX_ENUM_VALUES = 30;
/** … and they repeat: at most this share of the filled cells are different values. */
const MAX_ENUM_SHARE = 0.2;
const MAX_ID_CHARS = 63;
const MAX_LABEL_CHARS = 200;

const count = (n: number) => n.toLocaleString('en');

/**
 * Slug of text as a field id or option value: lower case letters, digits and `_`, starting with
 * a letter, at most 63 characters.
 * @example fieldSlug('Total Time Spent on Website') // 'total_time_spent_on_website'
 */
export function fieldSlug(text: string, fallback = 'field'): string {
  const base = text
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  const started = base === '' ? fallback : /^[a-z]/.test(base) ? base : `${fallback}_${base}`;
  return started.slice(0, MAX_ID_CHARS).replace(/_+$/, '');
}

/** `base`, or `base_2`, `base_3`… (kept within 63 characters) when `taken` has it. */
function unique(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let n = 2; ; n++) {
    const suffix = `_${n}`;
    const id = `${base.slice(0, MAX_ID_CHARS - suffix.length)}${suffix}`;
    if (!taken.has(id)) return id;
  }
}

/** A header as a label: trimmed, underscores and runs of spaces as one space, first letter up. */
function tidyLabel(header: string, index: number): string {
  const label = header
    .replace(/[_\s]+/g, ' ')
    .trim()
    .slice(0, MAX_LABEL_CHARS)
    .trim();
  if (label === '') return `Column ${index + 1}`;
  return label[0]!.toUpperCase() + label.slice(1);
}

/** The enum options of a column whose values are few: one per key, the most frequent spelling as label. */
function enumOptions(distinct: readonly { value: string; count: number }[]): EnumOption[] {
  const byKey = new Map<string, { label: string; best: number; total: number }>();
  for (const { value, count: n } of distinct) {
    const key = valueKey(value);
    const seen = byKey.get(key);
    if (seen === undefined) byKey.set(key, { label: value.trim(), best: n, total: n });
    else seen.total += n;
  }
  const keys = [...byKey].sort(
    (a, b) => b[1].total - a[1].total || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0),
  );
  const used = new Set<string>();
  return keys.map(([key, { label }]) => {
    const value = unique(fieldSlug(key, 'value'), used);
    used.add(value);
    return { value, label };
  });
}

/**
 * What a person would make of a column, judged on the whole file: yes/no when the filled values
 * are yes/no-like (1/0 only when nothing else numeric is there), number, date or email when at
 * least 95 % of the filled cells read as one (the rest become reported bad cells), enum when
 * the values are few and repeat, text otherwise. Placeholders seen are offered as `missing`.
 * @example proposeField(profile, 9240, new Set(['email'])) // { id: 'converted', type: 'boolean', … }
 */
export function proposeField(
  profile: ColumnProfile,
  rows: number,
  taken: ReadonlySet<string>,
): ProposedField {
  const id = unique(fieldSlug(profile.header), taken);
  const label = tidyLabel(profile.header, profile.index);
  const missing = profile.placeholders.map((p) => p.text);
  const base = { id, label, ...(missing.length > 0 ? { missing } : {}) };
  const { filled } = profile;
  const sure = (fit: number) => {
    const share = filled === 0 ? 0 : fit / filled;
    const sample = filled >= 20 ? 1 : 0.5 + filled / 40;
    return Math.round(share * sample * 100) / 100;
  };
  const of = (fit: number, what: string) => {
    const bad = filled - fit;
    return `${count(fit)} of ${count(filled)} filled cells are ${what}${
      bad > 0 ? ` (${count(bad)} that are not will be reported)` : ''
    }`;
  };
  const blanks = `${count(rows - filled)} of ${count(rows)} rows have no value`;
  if (filled === 0) {
    return { ...base, type: 'string', confidence: 0, why: `The column is empty (${blanks}).` };
  }
  const atLeast = (n: number) => n >= TYPED_SHARE * filled;
  const distinctKeys =
    profile.distinct === null ? null : new Set(profile.distinct.map((d) => valueKey(d.value))).size;
  const onlyZeroOne = profile.numbers === profile.zeroOnes;
  if (atLeast(profile.booleans) && (!atLeast(profile.numbers) || onlyZeroOne)) {
    return {
      ...base,
      type: 'boolean',
      confidence: sure(profile.booleans),
      why: `${of(profile.booleans, 'yes/no values')}.`,
    };
  }
  if (atLeast(profile.numbers)) {
    const range =
      profile.min === undefined ? '' : `, from ${count(profile.min)} to ${count(profile.max!)}`;
    return {
      ...base,
      type: 'number',
      confidence: sure(profile.numbers),
      why: `${of(profile.numbers, 'numbers')}${range}.`,
    };
  }
  if (atLeast(profile.dates)) {
    return {
      ...base,
      type: 'date',
      confidence: sure(profile.dates),
      why: `${of(profile.dates, 'dates')}.`,
    };
  }
  if (atLeast(profile.emails)) {
    return {
      ...base,
      type: 'email',
      confidence: sure(profile.emails),
      why: `${of(profile.emails, 'email addresses')}.`,
    };
  }
  if (
    profile.distinct !== null &&
    distinctKeys !== null &&
    distinctKeys <= MAX_ENUM_VALUES &&
    distinctKeys <= MAX_ENUM_SHARE * filled
  ) {
    return {
      ...base,
      type: 'enum',
      values: enumOptions(profile.distinct),
      confidence: sure(filled),
      why: `${count(distinctKeys)} different values repeat over ${count(filled)} filled cells.`,
    };
  }
  const variety =
    distinctKeys === null
      ? `more than ${count(MAX_DISTINCT)} different values`
      : `${count(distinctKeys)} different values in ${count(filled)} filled cells`;
  return { ...base, type: 'string', confidence: sure(filled), why: `Free text: ${variety}.` };
}
