/** The demo field catalog as it stood when workspaces got catalogs of their own (frozen: the migration that seeds it must not change with the code). */
export const catalogOf20261204 = {
  fields: [
    {
      id: 'first_name',
      label: 'First name',
      type: 'string',
      category: 'profile',
    },
    {
      id: 'last_name',
      label: 'Last name',
      type: 'string',
      category: 'profile',
    },
    {
      id: 'job_title',
      label: 'Job title',
      type: 'string',
      category: 'profile',
    },
    {
      id: 'seniority',
      label: 'Seniority',
      type: 'enum',
      category: 'profile',
      values: [
        {
          value: 'c_level',
          label: 'C-level',
        },
        {
          value: 'vp',
          label: 'VP',
        },
        {
          value: 'director',
          label: 'Director',
        },
        {
          value: 'manager',
          label: 'Manager',
        },
        {
          value: 'individual',
          label: 'Individual contributor',
        },
        {
          value: 'student',
          label: 'Student',
        },
      ],
    },
    {
      id: 'company',
      label: 'Company',
      type: 'string',
      category: 'profile',
    },
    {
      id: 'email',
      label: 'Email',
      type: 'email',
      category: 'profile',
    },
    {
      id: 'phone',
      label: 'Direct phone',
      type: 'phone',
      category: 'profile',
    },
    {
      id: 'company_size',
      label: 'Company size (employees)',
      type: 'number',
      category: 'profile',
    },
    {
      id: 'company_type',
      label: 'Company type',
      type: 'enum',
      category: 'profile',
      values: [
        {
          value: 'private',
          label: 'Private company',
        },
        {
          value: 'public',
          label: 'Public company',
        },
        {
          value: 'nonprofit',
          label: 'Non-profit',
        },
        {
          value: 'government',
          label: 'Government',
        },
        {
          value: 'education',
          label: 'Education',
        },
      ],
    },
    {
      id: 'industry',
      label: 'Industry',
      type: 'enum',
      category: 'profile',
      values: [
        {
          value: 'software',
          label: 'Software',
        },
        {
          value: 'financial_services',
          label: 'Financial services',
        },
        {
          value: 'manufacturing',
          label: 'Manufacturing',
        },
        {
          value: 'healthcare',
          label: 'Healthcare',
        },
        {
          value: 'retail',
          label: 'Retail',
        },
        {
          value: 'education',
          label: 'Education',
        },
        {
          value: 'public_sector',
          label: 'Public sector',
        },
        {
          value: 'other',
          label: 'Other',
        },
      ],
    },
    {
      id: 'country',
      label: 'Country',
      type: 'string',
      category: 'profile',
    },
    {
      id: 'linkedin_url',
      label: 'LinkedIn profile',
      type: 'string',
      category: 'profile',
    },
    {
      id: 'lead_source',
      label: 'Lead source',
      type: 'enum',
      category: 'channel',
      values: [
        {
          value: 'website',
          label: 'Website',
        },
        {
          value: 'webinar',
          label: 'Webinar',
        },
        {
          value: 'trade_show',
          label: 'Trade show',
        },
        {
          value: 'paid_search',
          label: 'Paid search',
        },
        {
          value: 'social',
          label: 'Social',
        },
        {
          value: 'referral',
          label: 'Referral',
        },
        {
          value: 'partner',
          label: 'Partner',
        },
        {
          value: 'content_syndication',
          label: 'Content syndication',
        },
        {
          value: 'purchased_list',
          label: 'Purchased list',
        },
      ],
    },
    {
      id: 'form_type',
      label: 'Form filled in',
      type: 'enum',
      category: 'channel',
      values: [
        {
          value: 'demo_request',
          label: 'Demo request',
        },
        {
          value: 'contact_request',
          label: 'Contact request',
        },
        {
          value: 'quote_request',
          label: 'Quote request',
        },
        {
          value: 'content_download',
          label: 'Content download',
        },
        {
          value: 'webinar_signup',
          label: 'Webinar sign-up',
        },
        {
          value: 'newsletter',
          label: 'Newsletter sign-up',
        },
        {
          value: 'event_registration',
          label: 'Event registration',
        },
      ],
    },
    {
      id: 'utm_campaign',
      label: 'Campaign',
      type: 'string',
      category: 'channel',
    },
    {
      id: 'created_at',
      label: 'Lead created',
      type: 'date',
      category: 'channel',
    },
    {
      id: 'interests',
      label: 'Interests',
      type: 'list',
      category: 'behaviour',
    },
    {
      id: 'asked_for_follow_up',
      label: 'Asked for follow-up',
      type: 'boolean',
      category: 'behaviour',
    },
    {
      id: 'added_to_cart',
      label: 'Added to cart',
      type: 'boolean',
      category: 'behaviour',
    },
    {
      id: 'last_activity_at',
      label: 'Last activity',
      type: 'date',
      category: 'behaviour',
    },
    {
      id: 'is_competitor',
      label: 'Works for a competitor',
      type: 'boolean',
      category: 'undesirable',
    },
    {
      id: 'is_student',
      label: 'Is a student',
      type: 'boolean',
      category: 'undesirable',
    },
    {
      id: 'unsubscribed',
      label: 'Unsubscribed',
      type: 'boolean',
      category: 'undesirable',
    },
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
    {
      id: 'buying_cycle',
      label: 'Legitimate buying cycle',
      type: 'boolean',
      category: 'sales',
    },
    {
      id: 'influencer_engaged',
      label: 'Talking to an influencer',
      type: 'boolean',
      category: 'sales',
    },
    {
      id: 'timeframe_known',
      label: 'Timeframe known',
      type: 'boolean',
      category: 'sales',
    },
    {
      id: 'opportunity_size',
      label: 'Opportunity size',
      type: 'number',
      category: 'sales',
    },
    {
      id: 'follow_up_permission',
      label: 'Permission to follow up',
      type: 'boolean',
      category: 'sales',
    },
    {
      id: 'budget_confirmed',
      label: 'Budget confirmed',
      type: 'boolean',
      category: 'sales',
    },
    {
      id: 'authority',
      label: 'Decision authority',
      type: 'boolean',
      category: 'sales',
    },
    {
      id: 'need',
      label: 'Need confirmed',
      type: 'boolean',
      category: 'sales',
    },
    {
      id: 'expected_close',
      label: 'Expected close date',
      type: 'date',
      category: 'sales',
    },
    {
      id: 'sales_status',
      label: 'Sales status',
      type: 'enum',
      category: 'sales',
      values: [
        {
          value: 'new',
          label: 'New',
        },
        {
          value: 'working',
          label: 'Working',
        },
        {
          value: 'accepted',
          label: 'Accepted',
        },
        {
          value: 'handed_back',
          label: 'Handed back to marketing',
        },
        {
          value: 'disqualified',
          label: 'Disqualified by sales',
        },
      ],
    },
  ],
  events: [
    {
      id: 'page_view',
      label: 'Page view',
      category: 'behaviour',
      props: [
        {
          id: 'path',
          label: 'Page path',
          type: 'string',
        },
        {
          id: 'seconds',
          label: 'Time on page (seconds)',
          type: 'number',
        },
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
      props: [
        {
          id: 'campaign',
          label: 'Campaign',
          type: 'string',
        },
      ],
    },
    {
      id: 'email_click',
      label: 'Email click',
      category: 'behaviour',
      props: [
        {
          id: 'campaign',
          label: 'Campaign',
          type: 'string',
        },
        {
          id: 'url',
          label: 'Link',
          type: 'string',
        },
      ],
    },
    {
      id: 'form_submit',
      label: 'Form submitted',
      category: 'channel',
      props: [
        {
          id: 'form',
          label: 'Form',
          type: 'enum',
          values: [
            {
              value: 'demo_request',
              label: 'Demo request',
            },
            {
              value: 'contact_request',
              label: 'Contact request',
            },
            {
              value: 'quote_request',
              label: 'Quote request',
            },
            {
              value: 'content_download',
              label: 'Content download',
            },
            {
              value: 'webinar_signup',
              label: 'Webinar sign-up',
            },
            {
              value: 'newsletter',
              label: 'Newsletter sign-up',
            },
            {
              value: 'event_registration',
              label: 'Event registration',
            },
          ],
        },
      ],
    },
    {
      id: 'content_download',
      label: 'Content download',
      category: 'behaviour',
      props: [
        {
          id: 'asset',
          label: 'Asset',
          type: 'string',
        },
        {
          id: 'asset_type',
          label: 'Asset type',
          type: 'enum',
          values: [
            {
              value: 'ebook',
              label: 'E-book',
            },
            {
              value: 'whitepaper',
              label: 'White paper',
            },
            {
              value: 'case_study',
              label: 'Case study',
            },
            {
              value: 'report',
              label: 'Report',
            },
          ],
        },
      ],
    },
    {
      id: 'webinar_registered',
      label: 'Webinar registered',
      category: 'channel',
      props: [
        {
          id: 'webinar',
          label: 'Webinar',
          type: 'string',
        },
      ],
    },
    {
      id: 'webinar_attended',
      label: 'Webinar attended',
      category: 'channel',
      props: [
        {
          id: 'webinar',
          label: 'Webinar',
          type: 'string',
        },
        {
          id: 'minutes',
          label: 'Minutes attended',
          type: 'number',
        },
      ],
    },
    {
      id: 'event_attended',
      label: 'In-person event attended',
      category: 'channel',
      props: [
        {
          id: 'event',
          label: 'Event',
          type: 'string',
        },
      ],
    },
    {
      id: 'trade_show_conversation',
      label: 'Trade-show conversation',
      category: 'channel',
      props: [
        {
          id: 'show',
          label: 'Show',
          type: 'string',
        },
      ],
    },
    {
      id: 'trade_show_card_drop',
      label: 'Trade-show card drop',
      category: 'channel',
      props: [
        {
          id: 'show',
          label: 'Show',
          type: 'string',
        },
      ],
    },
    {
      id: 'quote_request',
      label: 'Quote request',
      category: 'behaviour',
      props: [
        {
          id: 'amount',
          label: 'Amount',
          type: 'number',
        },
      ],
    },
    {
      id: 'add_to_cart',
      label: 'Added to cart',
      category: 'behaviour',
      props: [],
    },
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
      props: [
        {
          id: 'network',
          label: 'Network',
          type: 'string',
        },
      ],
    },
  ],
};
