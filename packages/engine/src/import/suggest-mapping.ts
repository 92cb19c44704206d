import type { FieldCatalog, FieldDef } from '../schema/field-catalog';
import { coerceValue, enumLookup, missingTexts } from './coerce';
import type { ColumnProfile } from './column-profile';
import { IMPORT_LIMITS } from './limits';
import type { ColumnTarget } from './mapping';
import { readsAsOutcome } from './row-mapper';

export interface SuggestedColumn {
  column: string;
  target: ColumnTarget;
  /** 0..1: how sure the suggestion is (1 for an exact id or label). */
  confidence: number;
}

/** Common header names of CRM and marketing-automation exports, beyond catalog ids and labels. */
const SYNONYMS: Record<string, string[]> = {
  first_name: ['first', 'firstname', 'given name', 'forename', 'vorname'],
  last_name: ['last', 'lastname', 'surname', 'family name', 'nachname'],
  job_title: ['title', 'position', 'role', 'job', 'jobtitle'],
  company: [
    'organization',
    'organisation',
    'company name',
    'account',
    'account name',
    'org',
    'employer',
  ],
  email: ['e-mail', 'mail', 'email address', 'work email', 'business email'],
  phone: ['phone number', 'telephone', 'tel', 'mobile', 'direct dial', 'work phone'],
  company_size: [
    'employees',
    'number of employees',
    'no of employees',
    'headcount',
    'size',
    'company size',
  ],
  lead_source: ['source', 'original source', 'lead origin', 'channel'],
  country: ['country code', 'nation', 'land'],
  industry: ['sector', 'vertical'],
  seniority: ['level', 'job level', 'management level'],
  utm_campaign: ['campaign', 'utm campaign', 'campaign name'],
  created_at: ['created', 'create date', 'created date', 'date created'],
  last_activity_at: ['last activity', 'last activity date', 'last engagement'],
  opportunity_size: ['deal size', 'amount', 'deal amount', 'opportunity amount'],
};
const ID_NAMES = ['id', 'lead id', 'leadid', 'record id', 'contact id', 'external id', 'crm id'];
const EVENT_NAMES = ['events', 'activities', 'activity', 'event history'];
const OUTCOMES: [ColumnTarget & { kind: 'outcome' }, string[]][] = [
  [{ kind: 'outcome', as: 'converted' }, ['converted', 'is converted', 'conversion', 'outcome']],
  [
    { kind: 'outcome', as: 'won' },
    ['won', 'closed won', 'deal won', 'is won', 'won lost', 'result'],
  ],
  [
    { kind: 'outcome', as: 'stage' },
    ['stage reached', 'lifecycle stage', 'lead status', 'final stage', 'stage', 'lifecyclestage'],
  ],
];

/** Text without its parenthesised parts ("Employees (approx.)" → "Employees  "), in one pass. */
function withoutParentheses(s: string): string {
  let out = '';
  let from = 0;
  for (;;) {
    const open = s.indexOf('(', from);
    const close = open === -1 ? -1 : s.indexOf(')', open + 1);
    if (close === -1) return out + s.slice(from);
    out += `${s.slice(from, open)} `;
    from = close + 1;
  }
}

const normalise = (s: string) =>
  withoutParentheses(
    s
      .toLowerCase()
      .normalize('NFKD')
      .replace(/[\u0300-\u036f]/g, ''),
  )
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
const squash = (s: string) => s.replace(/ /g, '');

/**
 * Names to compare columns with, each as its bigram counts over one numbering of the bigrams
 * they use: a column is read once, then compared with every name by array lookups (a wide export
 * meets a few hundred names per column).
 */
class NameMatcher {
  private readonly ids = new Map<string, number>();
  private readonly texts: string[];
  /** Per name: its bigram count, and where its (id, count) pairs sit in `pairs`. */
  private readonly grams: Int32Array;
  private readonly starts: Int32Array;
  private readonly pairs: Int32Array;
  private readonly seen: Uint32Array;
  private readonly scores: Float64Array;

  constructor(names: readonly string[]) {
    this.texts = names.map((name) => squash(normalise(name)));
    const pairs: number[] = [];
    this.grams = new Int32Array(names.length);
    this.starts = new Int32Array(names.length + 1);
    this.texts.forEach((text, n) => {
      const counts = new Map<number, number>();
      for (let i = 0; i < text.length - 1; i++) {
        const g = text.slice(i, i + 2);
        let id = this.ids.get(g);
        if (id === undefined) this.ids.set(g, (id = this.ids.size));
        counts.set(id, (counts.get(id) ?? 0) + 1);
      }
      this.grams[n] = Math.max(0, text.length - 1);
      this.starts[n] = pairs.length;
      for (const [id, count] of counts) pairs.push(id, count);
    });
    this.starts[names.length] = pairs.length;
    this.pairs = Int32Array.from(pairs);
    this.seen = new Uint32Array(this.ids.size);
    this.scores = new Float64Array(names.length);
  }

  /** Dice coefficient of character bigrams of `column` with each name, in order (reused array). */
  similarities(column: string): Float64Array {
    const text = squash(normalise(column));
    const grams = text.length - 1;
    const touched: number[] = [];
    for (let i = 0; i < grams; i++) {
      const id = this.ids.get(text.slice(i, i + 2));
      if (id === undefined) continue;
      if (this.seen[id] === 0) touched.push(id);
      this.seen[id]!++;
    }
    for (let n = 0; n < this.texts.length; n++) {
      const name = this.texts[n]!;
      let score = 0;
      if (!text || !name) score = 0;
      else if (text === name) score = 1;
      else if (grams >= 1 && this.grams[n]! >= 1) {
        let shared = 0;
        for (let p = this.starts[n]!; p < this.starts[n + 1]!; p += 2)
          shared += Math.min(this.pairs[p + 1]!, this.seen[this.pairs[p]!]!);
        score = (2 * shared) / (grams + this.grams[n]!);
      }
      this.scores[n] = score;
    }
    for (const id of touched) this.seen[id] = 0;
    return this.scores;
  }
}

/** Dice coefficient of character bigrams, ignoring spaces: 1 for equal names. */
export function nameSimilarity(a: string, b: string): number {
  return new NameMatcher([b]).similarities(a)[0]!;
}

const THRESHOLD = 0.72;
/** A column named exactly like a synonym scores a little below one named like the field itself. */
const SYNONYM_WEIGHT = 0.98;
/**
 * Share of a column's filled cells that must fit a field for it to be suggested: most of them
 * (the rest are reported bad cells, and the preview warns when many rows lose a value).
 */
const FITS_SHARE = 0.5;

/**
 * Whether a column's values fit a field: for numbers, yes/no, dates and email addresses at least
 * half of the filled cells read as that type; for an enum, at least half are among its options
 * (or its own missing texts). A column with no filled cell, or a text field, fits anything.
 * @example fitsField(profileOfOrigins, leadSourceField) // false: "API" is not a lead source
 */
export function fitsField(profile: ColumnProfile, field: FieldDef): boolean {
  const { filled } = profile;
  if (filled === 0) return true;
  const atLeast = (n: number) => n >= FITS_SHARE * filled;
  switch (field.type) {
    case 'number':
      return atLeast(profile.numbers);
    case 'boolean':
      return atLeast(profile.booleans);
    case 'date':
      return atLeast(profile.dates);
    case 'email':
      return atLeast(profile.emails);
    case 'enum': {
      if (profile.distinct === null) return false;
      const target = {
        type: 'enum' as const,
        lookup: enumLookup(field.values ?? []),
        missing: missingTexts(field.missing),
      };
      let fit = 0;
      for (const { value, count } of profile.distinct)
        if (coerceValue(value, target).ok) fit += count;
      return atLeast(fit);
    }
    default:
      return true;
  }
}

/** Whether a column can be an outcome: its values read as yes/no or won/lost. */
const fitsOutcome = (as: 'converted' | 'won') => (profile: ColumnProfile) => {
  if (profile.filled === 0) return true;
  if (profile.distinct === null) return false;
  let fit = 0;
  for (const { value, count } of profile.distinct) if (readsAsOutcome(value, as)) fit += count;
  return fit >= FITS_SHARE * profile.filled;
};

/** Whether a column can hold events: JSON arrays. */
const fitsEvents = (profile: ColumnProfile) => profile.jsonArrays >= FITS_SHARE * profile.filled;

/**
 * A mapping of columns to catalog fields (and to the lead id, events and outcome) by similarity of
 * the column name to field ids, labels and common export names; a field's own id or label beats
 * a synonym. Given the columns' `profiles` (by position), a column whose values do not fit a
 * field (`fitsField`) is not suggested for it. Each target is used once, by the column most like
 * it; columns like nothing are ignored, and so are columns past `IMPORT_LIMITS.columns` and names
 * longer than `IMPORT_LIMITS.columnNameChars`.
 * @example suggestMapping(['E-Mail', 'Job Title'], defaultCatalog)[0].target // { kind: 'field', field: 'email' }
 */
export function suggestMapping(
  columns: readonly string[],
  catalog: FieldCatalog,
  profiles?: readonly ColumnProfile[],
): SuggestedColumn[] {
  type Candidate = {
    key: string;
    target: ColumnTarget;
    names: readonly string[];
    /** How many of `names` are the field's own (id, label); the rest are synonyms. */
    own: number;
    fits: (profile: ColumnProfile) => boolean;
  };
  const any = () => true;
  const candidates: Candidate[] = [
    { key: 'id', target: { kind: 'id' }, names: ID_NAMES, own: ID_NAMES.length, fits: any },
    {
      key: 'events',
      target: { kind: 'events' },
      names: EVENT_NAMES,
      own: EVENT_NAMES.length,
      fits: fitsEvents,
    },
    ...OUTCOMES.map(([target, names]) => ({
      key: 'outcome',
      target,
      names,
      own: names.length,
      fits: target.as === 'stage' ? any : fitsOutcome(target.as),
    })),
    ...catalog.fields
      .filter((field) => !field.retired)
      .map((field) => ({
        key: `field:${field.id}`,
        target: { kind: 'field' as const, field: field.id },
        names: [field.id, field.label, ...(SYNONYMS[field.id] ?? [])],
        own: 2,
        fits: (profile: ColumnProfile) => fitsField(profile, field),
      })),
  ];
  const owner = candidates.flatMap((candidate, k) => candidate.names.map(() => k));
  const weight = candidates.flatMap((candidate) =>
    candidate.names.map((_, n) => (n < candidate.own ? 1 : SYNONYM_WEIGHT)),
  );
  const matcher = new NameMatcher(candidates.flatMap((candidate) => candidate.names));
  const scored: { column: number; candidate: number; score: number }[] = [];
  columns.forEach((column, c) => {
    if (c >= IMPORT_LIMITS.columns || column.length > IMPORT_LIMITS.columnNameChars) return;
    const scores = matcher.similarities(column);
    const best = new Float64Array(candidates.length);
    for (let i = 0; i < scores.length; i++)
      best[owner[i]!] = Math.max(best[owner[i]!]!, scores[i]! * weight[i]!);
    const profile = profiles?.[c];
    best.forEach((score, k) => {
      if (score < THRESHOLD) return;
      if (profile !== undefined && !candidates[k]!.fits(profile)) return;
      scored.push({ column: c, candidate: k, score });
    });
  });
  scored.sort((a, b) => b.score - a.score || a.column - b.column || a.candidate - b.candidate);
  const chosen = new Map<number, { candidate: number; score: number }>();
  const usedKeys = new Set<string>();
  for (const s of scored) {
    const key = candidates[s.candidate]!.key;
    if (chosen.has(s.column) || usedKeys.has(key)) continue;
    chosen.set(s.column, s);
    usedKeys.add(key);
  }
  return columns.map((column, c) => {
    const pick = chosen.get(c);
    return pick
      ? {
          column,
          target: candidates[pick.candidate]!.target,
          confidence: Math.round(pick.score * 100) / 100,
        }
      : { column, target: { kind: 'ignore' }, confidence: 0 };
  });
}
