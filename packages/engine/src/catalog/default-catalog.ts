import type { EnumOption, FieldCatalog } from '../schema/field-catalog';

export { FREE_MAIL_DOMAINS } from './free-mail';

const options = (...pairs: [string, string][]): EnumOption[] =>
  pairs.map(([value, label]) => ({ value, label }));

/** Inbound forms: not all are equal (DOMAIN.md, channel). */
export const FORM_TYPES = options(
  ['demo_request', 'Demo request'],
  ['contact_request', 'Contact request'],
  ['quote_request', 'Quote request'],
  ['content_download', 'Content download'],
  ['webinar_signup', 'Webinar sign-up'],
  ['newsletter', 'Newsletter sign-up'],
  ['event_registration', 'Event registration'],
);

/**
 * The fields and event types of DOMAIN.md: profile, channel, behaviour, undesirable and the
 * sales-side fields sales fills in while working a lead.
 * @example defaultCatalog.fields.find((f) => f.id === 'job_title')?.label // 'Job title'
 */
export const defaultCatalog: FieldCatalog = {
  fields: [
    // Profile: who
    { id: 'first_name', label: 'First name', type: 'string', category: 'profile' },
    { id: 'last_name', label: 'Last name', type: 'string', category: 'profile' },
    { id: 'job_title', label: 'Job title', type: 'string', category: 'profile' },
    {
      id: 'seniority',
      label: 'Seniority',
      type: 'enum',
      category: 'profile',
      values: options(
        ['c_level', 'C-level'],
        ['vp', 'VP'],
        ['director', 'Director'],
        ['manager', 'Manager'],
        ['individual', 'Individual contributor'],
        ['student', 'Student'],
      ),
    },
    { id: 'company', label: 'Company', type: 'string', category: 'profile' },
    { id: 'email', label: 'Email', type: 'email', category: 'profile' },
    { id: 'phone', label: 'Direct phone', type: 'phone', category: 'profile' },
    { id: 'company_size', label: 'Company size (employees)', type: 'number', category: 'profile' },
    {
      id: 'company_type',
      label: 'Company type',
      type: 'enum',
      category: 'profile',
      values: options(
        ['private', 'Private company'],
        ['public', 'Public company'],
        ['nonprofit', 'Non-profit'],
        ['government', 'Government'],
        ['education', 'Education'],
      ),
    },
    {
      id: 'industry',
      label: 'Industry',
      type: 'enum',
      category: 'profile',
      values: options(
        ['software', 'Software'],
        ['financial_services', 'Financial services'],
        ['manufacturing', 'Manufacturing'],
        ['healthcare', 'Healthcare'],
        ['retail', 'Retail'],
        ['education', 'Education'],
        ['public_sector', 'Public sector'],
        ['other', 'Other'],
      ),
    },
    { id: 'country', label: 'Country', type: 'string', category: 'profile' },
    { id: 'linkedin_url', label: 'LinkedIn profile', type: 'string', category: 'profile' },
    // Channel: where it came from
    {
      id: 'lead_source',
      label: 'Lead source',
      type: 'enum',
      category: 'channel',
      values: options(
        ['website', 'Website'],
        ['webinar', 'Webinar'],
        ['trade_show', 'Trade show'],
        ['paid_search', 'Paid search'],
        ['social', 'Social'],
        ['referral', 'Referral'],
        ['partner', 'Partner'],
        ['content_syndication', 'Content syndication'],
        ['purchased_list', 'Purchased list'],
      ),
    },
    {
      id: 'form_type',
      label: 'Form filled in',
      type: 'enum',
      category: 'channel',
      values: FORM_TYPES,
    },
    { id: 'utm_campaign', label: 'Campaign', type: 'string', category: 'channel' },
    { id: 'created_at', label: 'Lead created', type: 'date', category: 'channel' },
    // Behaviour: what they did (most behaviour lives in events)
    { id: 'interests', label: 'Interests', type: 'list', category: 'behaviour' },
    {
      id: 'asked_for_follow_up',
      label: 'Asked for follow-up',
      type: 'boolean',
      category: 'behaviour',
    },
    { id: 'added_to_cart', label: 'Added to cart', type: 'boolean', category: 'behaviour' },
    { id: 'last_activity_at', label: 'Last activity', type: 'date', category: 'behaviour' },
    // Undesirables
    {
      id: 'is_competitor',
      label: 'Works for a competitor',
      type: 'boolean',
      category: 'undesirable',
    },
    { id: 'is_student', label: 'Is a student', type: 'boolean', category: 'undesirable' },
    { id: 'unsubscribed', label: 'Unsubscribed', type: 'boolean', category: 'undesirable' },
    // Sales side: filled in while sales works the lead
    {
      id: 'reachable',
      label: 'Reachable (conversation started)',
      type: 'boolean',
      category: 'sales',
    },
    {
      id: 'business_plausible',
      label: 'Firm and position make business plausible',
      type: 'boolean',
      category: 'sales',
    },
    { id: 'buying_cycle', label: 'Legitimate buying cycle', type: 'boolean', category: 'sales' },
    {
      id: 'influencer_engaged',
      label: 'Talking to an influencer',
      type: 'boolean',
      category: 'sales',
    },
    { id: 'timeframe_known', label: 'Timeframe known', type: 'boolean', category: 'sales' },
    { id: 'opportunity_size', label: 'Opportunity size', type: 'number', category: 'sales' },
    {
      id: 'follow_up_permission',
      label: 'Permission to follow up',
      type: 'boolean',
      category: 'sales',
    },
    { id: 'budget_confirmed', label: 'Budget confirmed', type: 'boolean', category: 'sales' },
    { id: 'authority', label: 'Decision authority', type: 'boolean', category: 'sales' },
    { id: 'need', label: 'Need confirmed', type: 'boolean', category: 'sales' },
    { id: 'expected_close', label: 'Expected close date', type: 'date', category: 'sales' },
    {
      id: 'sales_status',
      label: 'Sales status',
      type: 'enum',
      category: 'sales',
      values: options(
        ['new', 'New'],
        ['working', 'Working'],
        ['accepted', 'Accepted'],
        ['handed_back', 'Handed back to marketing'],
        ['disqualified', 'Disqualified by sales'],
      ),
    },
  ],
  events: [
    {
      id: 'page_view',
      label: 'Page view',
      category: 'behaviour',
      props: [
        { id: 'path', label: 'Page path', type: 'string' },
        { id: 'seconds', label: 'Time on page (seconds)', type: 'number' },
      ],
    },
    {
      id: 'pricing_page_view',
      label: 'Pricing page view',
      category: 'behaviour',
      props: [],
    },
    {
      id: 'email_open',
      label: 'Email opened',
      category: 'behaviour',
      props: [{ id: 'campaign', label: 'Campaign', type: 'string' }],
    },
    {
      id: 'email_click',
      label: 'Email click',
      category: 'behaviour',
      props: [
        { id: 'campaign', label: 'Campaign', type: 'string' },
        { id: 'url', label: 'Link', type: 'string' },
      ],
    },
    {
      id: 'form_submit',
      label: 'Form submitted',
      category: 'channel',
      props: [{ id: 'form', label: 'Form', type: 'enum', values: FORM_TYPES }],
    },
    {
      id: 'content_download',
      label: 'Content download',
      category: 'behaviour',
      props: [
        { id: 'asset', label: 'Asset', type: 'string' },
        {
          id: 'asset_type',
          label: 'Asset type',
          type: 'enum',
          values: options(
            ['ebook', 'E-book'],
            ['whitepaper', 'White paper'],
            ['case_study', 'Case study'],
            ['report', 'Report'],
          ),
        },
      ],
    },
    {
      id: 'webinar_registered',
      label: 'Webinar registered',
      category: 'channel',
      props: [{ id: 'webinar', label: 'Webinar', type: 'string' }],
    },
    {
      id: 'webinar_attended',
      label: 'Webinar attended',
      category: 'channel',
      props: [
        { id: 'webinar', label: 'Webinar', type: 'string' },
        { id: 'minutes', label: 'Minutes attended', type: 'number' },
      ],
    },
    {
      id: 'event_attended',
      label: 'In-person event attended',
      category: 'channel',
      props: [{ id: 'event', label: 'Event', type: 'string' }],
    },
    {
      id: 'trade_show_conversation',
      label: 'Trade-show conversation',
      category: 'channel',
      props: [{ id: 'show', label: 'Show', type: 'string' }],
    },
    {
      id: 'trade_show_card_drop',
      label: 'Trade-show card drop',
      category: 'channel',
      props: [{ id: 'show', label: 'Show', type: 'string' }],
    },
    {
      id: 'quote_request',
      label: 'Quote request',
      category: 'behaviour',
      props: [{ id: 'amount', label: 'Amount', type: 'number' }],
    },
    { id: 'add_to_cart', label: 'Added to cart', category: 'behaviour', props: [] },
    {
      id: 'follow_up_requested',
      label: 'Asked for follow-up',
      category: 'behaviour',
      props: [],
    },
    {
      id: 'social_engagement',
      label: 'Social engagement',
      category: 'channel',
      props: [{ id: 'network', label: 'Network', type: 'string' }],
    },
  ],
};
