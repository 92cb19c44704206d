import { toAsOf, DAY_MS } from '../runtime/values';
import type { AttributeValue, Lead, LeadEvent } from '../schema/lead';
import { COMPETITOR_DOMAINS } from '../defaults/default-workflow';
import { mulberry32, seedOf } from './prng';
import { applyOutcomeModel } from './outcome-model';

export interface GenerateOptions {
  count: number;
  /** Same seed, same leads. */
  seed?: number | string;
  /** Event histories end here (spread over the 180 days before). */
  asOf?: Date | number | string;
  /**
   * `realistic` (default): the outcome follows the lead's hidden intent and fit. `model`: the
   * lead also gets `last_activity_at`, `added_to_cart` and `noiseFields` fields `noise_1…`, and
   * its outcome is drawn from the documented logistic model OUTCOME_MODEL of five fields, so
   * tuning can be checked against known weights.
   */
  outcome?: 'realistic' | 'model';
  /** With `outcome: 'model'`: how many `noise_*` fields (carrying nothing) to add. */
  noiseFields?: number;
}

/** A generated lead: events carry epoch-millisecond times; the outcome is known. */
export type GeneratedLead = Lead & { outcome: { converted: boolean } };

/** The date sample histories end on when none is given. */
export const DEFAULT_SAMPLE_AS_OF = Date.UTC(2026, 0, 1);

const FIRST = [
  'Anna',
  'Ben',
  'Chloé',
  'David',
  'Elif',
  'Farid',
  'Grace',
  'Hiro',
  'Ines',
  'Jonas',
  'Kara',
  'Luis',
  'Mia',
  'Noah',
  'Olga',
  'Priya',
  'Quinn',
  'Rosa',
  'Sven',
  'Tariq',
  'Uma',
  'Viktor',
  'Wen',
  'Yara',
  'Zoe',
];
const LAST = [
  'Schmidt',
  'Garcia',
  'Okafor',
  'Nguyen',
  'Rossi',
  'Kowalski',
  'Smith',
  'Dubois',
  'Yilmaz',
  'Tanaka',
  'Silva',
  'Jensen',
  'Novak',
  'Haddad',
  'Murphy',
  'Berg',
  'Costa',
  'Fischer',
];
const COMPANY_A = [
  'Acme',
  'Globex',
  'Initech',
  'Umbrella',
  'Stark',
  'Wayne',
  'Hooli',
  'Vandelay',
  'Soylent',
  'Tyrell',
  'Cyberdyne',
  'Aperture',
  'Massive',
  'Pied Piper',
  'Nakatomi',
  'Oscorp',
];
const COMPANY_B = [
  'Systems',
  'Logistics',
  'Health',
  'Capital',
  'Labs',
  'Foods',
  'Robotics',
  'Media',
  'Energy',
  'Retail',
];
const FREE_MAIL = [
  'gmail.com',
  'gmail.com',
  'gmail.com',
  'yahoo.com',
  'hotmail.com',
  'outlook.com',
  'gmx.de',
  'web.de',
  'icloud.com',
  'proton.me',
];
const INDUSTRIES = [
  'software',
  'financial_services',
  'manufacturing',
  'healthcare',
  'retail',
  'education',
  'public_sector',
  'other',
];
const COUNTRIES = ['DE', 'US', 'GB', 'FR', 'NL', 'ES', 'IT', 'SE', 'PL', 'CH'];
const SOURCES = [
  'website',
  'website',
  'website',
  'webinar',
  'trade_show',
  'paid_search',
  'social',
  'referral',
  'partner',
  'content_syndication',
  'purchased_list',
];
const ARTICLES = [
  '/blog/lead-scoring-101',
  '/blog/mql-vs-sql',
  '/blog/sla-marketing-sales',
  '/blog/bant',
  '/blog/funnel-metrics',
  '/blog/intent-data',
];
const PAGES = ['/', '/product', '/product/rules', '/customers', '/about', '/docs', '/careers'];

interface Persona {
  seniority: string;
  titles: string[];
  /** How much buying intent this kind of person tends to have (0..1). */
  intent: number;
  weight: number;
}

const PERSONAS: Persona[] = [
  {
    seniority: 'c_level',
    titles: ['CEO', 'Chief Revenue Officer', 'CMO', 'CTO'],
    intent: 0.6,
    weight: 5,
  },
  {
    seniority: 'vp',
    titles: ['VP Sales', 'VP Marketing', 'Vice President Operations', 'VP Revenue'],
    intent: 0.6,
    weight: 8,
  },
  {
    seniority: 'director',
    titles: [
      'Director of Marketing',
      'Sales Director',
      'Head of Growth',
      'Director, Revenue Operations',
    ],
    intent: 0.55,
    weight: 15,
  },
  {
    seniority: 'manager',
    titles: ['Marketing Manager', 'Sales Manager', 'Marketing Operations Manager', 'CRM Manager'],
    intent: 0.45,
    weight: 24,
  },
  {
    seniority: 'individual',
    titles: ['Marketing Specialist', 'Sales Development Rep', 'Analyst', 'Consultant', 'Engineer'],
    intent: 0.3,
    weight: 30,
  },
  {
    seniority: 'individual',
    titles: ['Procurement Manager', 'Purchasing Agent', 'Senior Buyer'],
    intent: 0.25,
    weight: 5,
  },
  {
    seniority: 'student',
    titles: ['Student', 'MBA Student', 'Working Student Marketing'],
    intent: 0.1,
    weight: 5,
  },
];
const PERSONA_TOTAL = PERSONAS.reduce((sum, p) => sum + p.weight, 0);

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)]!;

function companySize(random: () => number): number {
  const r = random();
  if (r < 0.15) return 1 + Math.floor(random() * 10);
  if (r < 0.35) return 11 + Math.floor(random() * 39);
  if (r < 0.6) return 50 + Math.floor(random() * 150);
  if (r < 0.85) return 200 + Math.floor(random() * 800);
  return 1000 + Math.floor(random() * 20000);
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '');
const COMPANY_SLUG = new Map(COMPANY_A.map((n) => [n, slug(n)]));
const FIRST_SLUG = new Map(FIRST.map((n) => [n, slug(n)]));
const LAST_SLUG = new Map(LAST.map((n) => [n, slug(n)]));

/** Event props come from small sets: share one frozen object per value (less garbage). */
const shared = <T extends string | number>(key: string, values: readonly T[]) =>
  new Map(values.map((v) => [v, Object.freeze({ [key]: v })]));
const PATH_PROPS = shared('path', ['/pricing', ...ARTICLES, ...PAGES]);
const FORM_PROPS = shared('form', [
  'demo_request',
  'contact_request',
  'content_download',
  'newsletter',
]);
const NURTURE_PROPS = Object.freeze({ campaign: 'nurture' });
const EBOOK_PROPS = Object.freeze({ asset_type: 'ebook' });
const WEBINAR_PROPS = Object.freeze({ webinar: 'Scoring that sales trusts' });
const SHOW_PROPS = Object.freeze({ show: 'SaaStock' });

/** One lead from the stream; `random` advances by a data-dependent amount. */
function generateLead(
  random: () => number,
  index: number,
  seedTag: string,
  asOf: number,
  noiseFields: number | null,
): GeneratedLead {
  let r = random() * PERSONA_TOTAL;
  let persona = PERSONAS[0]!;
  for (const p of PERSONAS) {
    r -= p.weight;
    if (r < 0) {
      persona = p;
      break;
    }
  }
  const intent = Math.min(1, Math.max(0, persona.intent + (random() - 0.5) * 0.8));
  const first = pick(random, FIRST);
  const last = pick(random, LAST);
  const companyA = pick(random, COMPANY_A);
  const companyB = pick(random, COMPANY_B);
  const size = companySize(random);
  const competitor = random() < 0.02;
  const freeMail = !competitor && random() < (persona.seniority === 'student' ? 0.8 : 0.22);
  const domain = competitor
    ? pick(random, COMPETITOR_DOMAINS)
    : freeMail
      ? pick(random, FREE_MAIL)
      : `${COMPANY_SLUG.get(companyA)}.com`;
  const attributes: Record<string, AttributeValue> = {
    first_name: first,
    email: `${FIRST_SLUG.get(first)}.${LAST_SLUG.get(last)}@${domain}`,
    company: `${companyA} ${companyB}`,
    company_size: size,
    industry: pick(random, INDUSTRIES),
    country: pick(random, COUNTRIES),
    lead_source: pick(random, SOURCES),
    seniority: persona.seniority,
  };
  if (random() > 0.08) attributes.last_name = last;
  if (random() > 0.05) attributes.job_title = pick(random, persona.titles);
  if (random() < 0.5) attributes.phone = `+49 30 ${100000 + Math.floor(random() * 899999)}`;
  if (competitor) attributes.is_competitor = true;
  if (persona.seniority === 'student' && random() < 0.5) attributes.is_student = true;

  // Event history: more and more recent activity with more intent.
  const events: LeadEvent[] = [];
  const n = Math.floor(random() * (2 + intent * 14));
  const recent = () => asOf - Math.floor(Math.pow(random(), 1 + intent * 2) * 180 * DAY_MS);
  let demo = false;
  for (let i = 0; i < n; i++) {
    const kind = random();
    const at = recent();
    if (kind < 0.45) {
      const p = random();
      const path =
        p < 0.12 + intent * 0.2
          ? '/pricing'
          : p < 0.5
            ? pick(random, ARTICLES)
            : pick(random, PAGES);
      events.push({ type: 'page_view', at, props: PATH_PROPS.get(path)! });
    } else if (kind < 0.58) events.push({ type: 'email_click', at, props: NURTURE_PROPS });
    else if (kind < 0.66) events.push({ type: 'content_download', at, props: EBOOK_PROPS });
    else if (kind < 0.72) events.push({ type: 'webinar_registered', at, props: WEBINAR_PROPS });
    else if (kind < 0.78)
      events.push({
        type: 'webinar_attended',
        at,
        props: { webinar: 'Scoring that sales trusts', minutes: 5 + Math.floor(random() * 55) },
      });
    else if (kind < 0.88) {
      const f = random();
      const form =
        f < 0.1 + intent * 0.35
          ? 'demo_request'
          : f < 0.55
            ? 'contact_request'
            : f < 0.8
              ? 'content_download'
              : 'newsletter';
      if (form === 'demo_request') demo = true;
      events.push({ type: 'form_submit', at, props: FORM_PROPS.get(form)! });
    } else if (kind < 0.92) events.push({ type: 'trade_show_conversation', at, props: SHOW_PROPS });
    else if (kind < 0.95)
      events.push({
        type: 'quote_request',
        at,
        props: { amount: 5000 + Math.floor(random() * 95000) },
      });
    else if (kind < 0.97) events.push({ type: 'follow_up_requested', at });
    else events.push({ type: 'email_open', at, props: NURTURE_PROPS });
  }

  // Sales-side fields for the leads that got far enough for sales to work them.
  const worked = intent > 0.5 && !freeMail && random() < 0.4 + intent * 0.5;
  if (worked) {
    const progress = intent * 0.7 + random() * 0.3;
    attributes.sales_status =
      random() < 0.06 ? 'handed_back' : random() < 0.03 ? 'disqualified' : 'working';
    attributes.reachable = random() < 0.5 + progress * 0.5;
    attributes.business_plausible = size >= 20 && random() < 0.5 + progress * 0.5;
    attributes.buying_cycle = random() < progress;
    attributes.influencer_engaged = random() < progress;
    attributes.timeframe_known = random() < progress;
    if (random() < progress) attributes.opportunity_size = 10000 + Math.floor(random() * 190000);
    attributes.follow_up_permission = random() < 0.3 + progress * 0.7;
    attributes.budget_confirmed = random() < progress * 0.6;
  }

  const fitSignal =
    (size >= 200 ? 0.5 : size >= 50 ? 0.25 : 0) +
    (persona.seniority === 'vp' ||
    persona.seniority === 'c_level' ||
    persona.seniority === 'director'
      ? 0.5
      : 0);
  let logit =
    -4.2 + intent * 3.5 + fitSignal + (demo ? 1 : 0) + (worked ? 0.8 : 0) - (freeMail ? 1.2 : 0);
  if (persona.seniority === 'student' || competitor) logit = -8;
  const converted = random() < 1 / (1 + Math.exp(-logit));
  if (noiseFields !== null) {
    const outcome = applyOutcomeModel(random, attributes, asOf, noiseFields);
    return { id: `${seedTag}-${index}`, attributes, events, outcome };
  }

  return { id: `${seedTag}-${index}`, attributes, events, outcome: { converted } };
}

function setup(options: GenerateOptions) {
  const count = Math.max(0, Math.floor(options.count));
  const seed = seedOf(options.seed ?? 1);
  const asOf = options.asOf === undefined ? DEFAULT_SAMPLE_AS_OF : toAsOf(options.asOf);
  const noiseFields =
    options.outcome === 'model'
      ? Math.max(0, Math.min(1000, Math.floor(options.noiseFields ?? 0)))
      : null;
  return {
    count,
    random: mulberry32(seed),
    seedTag: `lead-${seed.toString(36)}`,
    asOf,
    noiseFields,
  };
}

/**
 * Sample leads with realistic mixes (titles, company sizes, ~25% free-mail, channels, 180 days
 * of events, sales fields for worked leads) and a correlated outcome. Same seed, same leads.
 * @example generateLeads({ count: 1000, seed: 7, asOf: '2026-01-01' }).length // 1000
 */
export function generateLeads(options: GenerateOptions): GeneratedLead[] {
  const { count, random, seedTag, asOf, noiseFields } = setup(options);
  const leads: GeneratedLead[] = new Array(count);
  for (let i = 0; i < count; i++) leads[i] = generateLead(random, i, seedTag, asOf, noiseFields);
  return leads;
}

/**
 * The same leads as `generateLeads`, streamed in batches so a million never sit in memory.
 * @example for (const batch of leadBatches({ count: 1e6, seed: 7, batchSize: 10_000 })) sim.add(batch);
 */
export function* leadBatches(
  options: GenerateOptions & { batchSize?: number },
): Generator<GeneratedLead[], void, undefined> {
  const { count, random, seedTag, asOf, noiseFields } = setup(options);
  const batchSize = Math.max(1, Math.floor(options.batchSize ?? 10_000));
  for (let start = 0; start < count; start += batchSize) {
    const end = Math.min(count, start + batchSize);
    const batch: GeneratedLead[] = new Array(end - start);
    for (let i = start; i < end; i++)
      batch[i - start] = generateLead(random, i, seedTag, asOf, noiseFields);
    yield batch;
  }
}
