import type { FieldCatalog } from '../schema/field-catalog';
import type { ColumnTarget } from './mapping';

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

const normalise = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\(.*?\)/g, ' ')
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
const squash = (s: string) => s.replace(/ /g, '');

function bigrams(s: string): Map<string, number> {
  const grams = new Map<string, number>();
  for (let i = 0; i < s.length - 1; i++) {
    const g = s.slice(i, i + 2);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  return grams;
}

/** Dice coefficient of character bigrams, ignoring spaces: 1 for equal names. */
export function nameSimilarity(a: string, b: string): number {
  const x = squash(normalise(a));
  const y = squash(normalise(b));
  if (!x || !y) return 0;
  if (x === y) return 1;
  if (x.length < 2 || y.length < 2) return 0;
  const gx = bigrams(x);
  const gy = bigrams(y);
  let shared = 0;
  for (const [g, n] of gx) shared += Math.min(n, gy.get(g) ?? 0);
  return (2 * shared) / (x.length - 1 + (y.length - 1));
}

const THRESHOLD = 0.72;

/**
 * A mapping of columns to catalog fields (and to the lead id, events and outcome) by similarity of
 * the column name to field ids, labels and common export names. Each target is used once, by the
 * column most like it; columns like nothing are ignored.
 * @example suggestMapping(['E-Mail', 'Job Title'], defaultCatalog)[0].target // { kind: 'field', field: 'email' }
 */
export function suggestMapping(
  columns: readonly string[],
  catalog: FieldCatalog,
): SuggestedColumn[] {
  const candidates: { key: string; target: ColumnTarget; names: string[] }[] = [
    { key: 'id', target: { kind: 'id' }, names: ID_NAMES },
    { key: 'events', target: { kind: 'events' }, names: EVENT_NAMES },
    ...OUTCOMES.map(([target, names]) => ({ key: 'outcome', target, names })),
    ...catalog.fields.map((field) => ({
      key: `field:${field.id}`,
      target: { kind: 'field' as const, field: field.id },
      names: [field.id, field.label, ...(SYNONYMS[field.id] ?? [])],
    })),
  ];
  const scored: { column: number; candidate: number; score: number }[] = [];
  columns.forEach((column, c) => {
    candidates.forEach((candidate, k) => {
      let best = 0;
      for (const name of candidate.names) best = Math.max(best, nameSimilarity(column, name));
      if (best >= THRESHOLD) scored.push({ column: c, candidate: k, score: best });
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
