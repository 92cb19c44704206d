import { DAY_MS } from '../runtime/values';
import type { FieldDef } from '../schema/field-catalog';
import type { AttributeValue } from '../schema/lead';

/**
 * The known model behind `generateLeads({ outcome: 'model' })`: the chance a lead converts is
 * 1 / (1 + e^−logit) with
 *
 *   logit = −1.0
 *         + 0.35 × log2(company_size / 50)          (company size: +0.35 per doubling)
 *         + SOURCE[lead_source]                       (referral +1.0 … purchased list −1.2)
 *         + 0.6 if a direct phone is given
 *         − 0.02 × days since last_activity_at       (0 … 180 days: 0 … −3.6)
 *         + 0.9 if added_to_cart
 *
 * Every other field carries nothing: country, industry, seniority, job title, e-mail, events and
 * the `noise_*` fields are drawn independently of these five.
 */
export const OUTCOME_MODEL = {
  intercept: -1.0,
  companySizePerDoubling: 0.35,
  companySizeReference: 50,
  leadSource: {
    referral: 1.0,
    webinar: 0.6,
    trade_show: 0.5,
    partner: 0.4,
    website: 0,
    paid_search: -0.2,
    social: -0.4,
    content_syndication: -0.6,
    purchased_list: -1.2,
  } as Record<string, number>,
  phoneGiven: 0.6,
  perDaySinceLastActivity: -0.02,
  maxDaysSinceLastActivity: 180,
  addedToCart: 0.9,
  addedToCartShare: 0.15,
} as const;

/** The fields the outcome model reads, strongest (by the spread of its terms) first. */
export const OUTCOME_MODEL_FIELDS = [
  'company_size',
  'last_activity_at',
  'lead_source',
  'added_to_cart',
  'phone',
] as const;

/** Fields generated only to carry nothing (besides the catalog's unrelated fields). */
export const OUTCOME_NOISE_FIELDS = ['country', 'industry', 'seniority', 'job_title'] as const;

/**
 * The true logit of a lead generated in outcome mode (see OUTCOME_MODEL).
 * @example outcomeLogit({ company_size: 50, lead_source: 'website', last_activity_at: asOf }, asOf) // -1
 */
export function outcomeLogit(attributes: Record<string, unknown>, asOf: number): number {
  const m = OUTCOME_MODEL;
  const size = Number(attributes.company_size);
  const source = String(attributes.lead_source ?? '');
  const last = Date.parse(String(attributes.last_activity_at ?? ''));
  const days = Number.isFinite(last)
    ? Math.max(0, (asOf - last) / DAY_MS)
    : m.maxDaysSinceLastActivity;
  return (
    m.intercept +
    (size > 0 ? m.companySizePerDoubling * Math.log2(size / m.companySizeReference) : 0) +
    (m.leadSource[source] ?? 0) +
    (typeof attributes.phone === 'string' && attributes.phone !== '' ? m.phoneGiven : 0) +
    m.perDaySinceLastActivity * days +
    (attributes.added_to_cart === true ? m.addedToCart : 0)
  );
}

/**
 * The modelled attributes and outcome of a lead in outcome mode: `last_activity_at`,
 * `added_to_cart` and `noise_1 … noise_n` are drawn, then the outcome from the model.
 */
export function applyOutcomeModel(
  random: () => number,
  attributes: Record<string, AttributeValue>,
  asOf: number,
  noiseFields: number,
): { converted: boolean } {
  const days = Math.floor(random() * OUTCOME_MODEL.maxDaysSinceLastActivity);
  attributes.last_activity_at = new Date(
    asOf - days * DAY_MS - Math.floor(random() * DAY_MS),
  ).toISOString();
  attributes.added_to_cart = random() < OUTCOME_MODEL.addedToCartShare;
  for (let i = 1; i <= noiseFields; i++) attributes[`noise_${i}`] = noiseValue(random, i);
  const logit = outcomeLogit(attributes, asOf);
  return { converted: random() < 1 / (1 + Math.exp(-logit)) };
}

const NOISE_OPTIONS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];

function noiseValue(random: () => number, i: number): AttributeValue {
  switch (i % 3) {
    case 1:
      return Math.floor(random() * 1000);
    case 2:
      return NOISE_OPTIONS[Math.floor(random() * NOISE_OPTIONS.length)]!;
    default:
      return random() < 0.5;
  }
}

/**
 * Catalog fields for `noise_1 … noise_n` (numbers, options and yes/no in turn), to add to a
 * catalog so signals read them.
 * @example extendCatalog(defaultCatalog, { fields: noiseFieldDefs(4) })
 */
export function noiseFieldDefs(count: number): FieldDef[] {
  return Array.from({ length: count }, (_, k): FieldDef => {
    const i = k + 1;
    const id = `noise_${i}`;
    const label = `Noise ${i}`;
    switch (i % 3) {
      case 1:
        return { id, label, type: 'number', category: 'behaviour' };
      case 2:
        return {
          id,
          label,
          type: 'enum',
          category: 'profile',
          values: NOISE_OPTIONS.map((v) => ({ value: v, label: v })),
        };
      default:
        return { id, label, type: 'boolean', category: 'behaviour' };
    }
  });
}
