import type { WorkflowNode } from '../schema/node';
import type { Edge, Workflow } from '../schema/workflow';
import { all, any, eventFilter, events, field, score, when, where } from './builders';
import { defaultScores, defaultStages } from './default-stages';

/** Competitor mail domains of the sample company (workspaces edit these). */
export const COMPETITOR_DOMAINS = ['rivalsoft.com', 'leadforge.io', 'pipewise.com'];

/** MQL thresholds of the default agreement. */
export const MQL_THRESHOLDS = { fit: 40, engagement: 30 };

const at = (column: number, lane: number) => ({ x: column * 300, y: lane * 160 });

const edge = (source: string, sourceHandle: string, target: string): Edge => ({
  id: `${source}:${sourceHandle}->${target}`,
  source,
  sourceHandle,
  target,
});

const titleContains = (...words: string[]) =>
  any(...words.map((w) => when(field('job_title'), 'contains', w)));

/**
 * "Inbound B2B qualification": DOMAIN.md as a workflow. Disqualifiers first; fit and
 * engagement scorecards over the four categories; name and title required and an MQL threshold;
 * a segment table and hand-over; the SAL and SQL checklists; Recycled when sales hands a lead back.
 * Laid out as the editor's "Tidy up" lays it out: three columns of steps read like lines of text,
 * the stages in a column at the right, so a new workflow opens readable on a laptop screen.
 * @example compile(defaultWorkflow()).ok // true
 */
export function defaultWorkflow(): Workflow {
  const nodes: WorkflowNode[] = [
    {
      id: 'start',
      kind: 'start',
      label: 'New or updated lead',
      position: { x: 0, y: 0 },
      data: {},
    },
    {
      id: 'disqualifiers',
      kind: 'switch',
      label: 'Disqualifiers',
      description: 'Students and competitors are not prospects; sales can also disqualify.',
      position: { x: 280, y: 0 },
      data: {
        cases: [
          {
            id: 'student',
            label: 'Student',
            when: any(
              when(field('is_student'), 'eq', true),
              when(field('seniority'), 'eq', 'student'),
              titleContains('student'),
            ),
          },
          {
            id: 'competitor',
            label: 'Competitor',
            when: any(
              when(field('is_competitor'), 'eq', true),
              when(field('email'), 'emailDomainIn', COMPETITOR_DOMAINS),
            ),
          },
          {
            id: 'sales_disqualified',
            label: 'Disqualified by sales',
            when: when(field('sales_status'), 'eq', 'disqualified'),
          },
        ],
      },
    },
    {
      id: 'fit',
      kind: 'scorecard',
      label: 'Fit: who the lead is',
      position: { x: 580, y: 0 },
      data: {
        score: 'fit',
        categoryCaps: { profile: 70 },
        rows: [
          {
            id: 'name',
            label: 'First and last name given',
            category: 'profile',
            points: 10,
            when: all(when(field('first_name'), 'isSet'), when(field('last_name'), 'isSet')),
          },
          {
            id: 'title_given',
            label: 'Job title given',
            category: 'profile',
            points: 5,
            when: when(field('job_title'), 'isSet'),
          },
          {
            id: 'title_executive',
            label: 'Title is VP or C-level',
            category: 'profile',
            points: 20,
            when: any(
              when(field('seniority'), 'in', ['c_level', 'vp']),
              titleContains('chief', 'vp', 'vice president', 'ceo', 'cto', 'cfo', 'cmo', 'coo'),
            ),
          },
          {
            id: 'title_director',
            label: "Title contains 'Director'",
            category: 'profile',
            points: 15,
            when: titleContains('director', 'head of'),
          },
          {
            id: 'title_manager',
            label: "Title contains 'Manager'",
            category: 'profile',
            points: 8,
            when: when(field('job_title'), 'contains', 'manager'),
          },
          {
            id: 'size_large',
            label: 'Company with 200+ employees',
            category: 'profile',
            points: 15,
            when: when(field('company_size'), 'gte', 200),
          },
          {
            id: 'size_mid',
            label: 'Company with 50–199 employees',
            category: 'profile',
            points: 8,
            when: when(field('company_size'), 'between', [50, 199]),
          },
          {
            id: 'phone',
            label: 'Direct phone given',
            category: 'profile',
            points: 5,
            when: when(field('phone'), 'isSet'),
          },
          {
            id: 'industry',
            label: 'Target industry',
            category: 'profile',
            points: 5,
            when: when(field('industry'), 'in', [
              'software',
              'financial_services',
              'manufacturing',
            ]),
          },
          {
            id: 'free_mail',
            label: 'free-mail address',
            category: 'undesirable',
            points: -20,
            when: when(field('email'), 'freeEmail'),
          },
          {
            id: 'procurement',
            label: 'procurement title',
            category: 'undesirable',
            points: -15,
            when: titleContains('procurement', 'purchasing', 'buyer'),
          },
        ],
      },
    },
    {
      id: 'engagement',
      kind: 'scorecard',
      label: 'Engagement: what the lead did',
      position: { x: 0, y: 300 },
      data: {
        score: 'engagement',
        categoryCaps: { channel: 50, behaviour: 50 },
        rows: [
          {
            id: 'demo_request',
            label: 'Requested a demo',
            category: 'channel',
            points: 30,
            when: when(
              events('form_submit', { where: [where('form', 'eq', 'demo_request')] }),
              'gte',
              1,
            ),
          },
          {
            id: 'contact_request',
            label: 'Asked to be contacted',
            category: 'channel',
            points: 25,
            when: when(
              events('form_submit', { where: [where('form', 'eq', 'contact_request')] }),
              'gte',
              1,
            ),
          },
          {
            id: 'content_download',
            label: 'Downloaded content',
            category: 'channel',
            points: 5,
            perEvent: eventFilter('content_download'),
            decayHalfLifeDays: 90,
            cap: 15,
          },
          {
            id: 'webinar_registered',
            label: 'Registered for a webinar',
            category: 'channel',
            points: 3,
            when: when(events('webinar_registered'), 'gte', 1),
          },
          {
            id: 'webinar_attended',
            label: 'Attended a webinar',
            category: 'channel',
            points: 10,
            when: when(events('webinar_attended'), 'gte', 1),
          },
          {
            id: 'webinar_minutes',
            label: 'Stayed 30+ minutes in a webinar',
            category: 'channel',
            points: 10,
            when: when(
              events('webinar_attended', {
                agg: 'max',
                prop: 'minutes',
                label: 'Longest webinar stay (minutes)',
              }),
              'gte',
              30,
            ),
          },
          {
            id: 'trade_show',
            label: 'Spoke to us at a trade show',
            category: 'channel',
            points: 15,
            when: when(events('trade_show_conversation'), 'gte', 1),
          },
          {
            id: 'quote_request',
            label: 'Requested a quote',
            category: 'behaviour',
            points: 25,
            when: when(events('quote_request'), 'gte', 1),
          },
          {
            id: 'pricing_page',
            label: 'Visited the pricing page',
            category: 'behaviour',
            points: 15,
            when: when(
              events('page_view', {
                where: [where('path', 'startsWith', '/pricing')],
                withinDays: 30,
                label: 'Pricing page visits (last 30 days)',
              }),
              'gte',
              1,
            ),
          },
          {
            id: 'repeat_visits',
            label: 'Visited the site at least 2 times',
            category: 'behaviour',
            points: 5,
            when: when(
              events('page_view', { withinDays: 90, label: 'Page views (last 90 days)' }),
              'gte',
              2,
            ),
          },
          {
            id: 'articles',
            label: 'Read at least 3 articles',
            category: 'behaviour',
            points: 10,
            when: when(
              events('page_view', {
                where: [where('path', 'startsWith', '/blog')],
                label: 'Articles read',
              }),
              'gte',
              3,
            ),
          },
          {
            id: 'email_clicks',
            label: 'Clicked an email',
            category: 'behaviour',
            points: 2,
            perEvent: eventFilter('email_click'),
            decayHalfLifeDays: 30,
            cap: 10,
          },
          {
            id: 'follow_up',
            label: 'Asked for follow-up',
            category: 'behaviour',
            points: 10,
            when: any(
              when(field('asked_for_follow_up'), 'eq', true),
              when(events('follow_up_requested'), 'gte', 1),
            ),
          },
        ],
      },
    },
    {
      id: 'name_and_title',
      kind: 'condition',
      label: 'Name and title given?',
      description: 'Without a name and a job title a lead is not an MQL.',
      position: { x: 280, y: 300 },
      data: {
        when: all(
          when(field('first_name'), 'isSet'),
          when(field('last_name'), 'isSet'),
          when(field('job_title'), 'isSet'),
        ),
      },
    },
    {
      id: 'mql_threshold',
      kind: 'condition',
      label: 'MQL threshold reached?',
      position: { x: 580, y: 300 },
      data: {
        when: all(
          when(score('fit'), 'gte', MQL_THRESHOLDS.fit),
          when(score('engagement'), 'gte', MQL_THRESHOLDS.engagement),
        ),
      },
    },
    {
      id: 'segment',
      kind: 'table',
      label: 'Segment by company size',
      position: { x: 0, y: 580 },
      data: {
        hitPolicy: 'first',
        inputs: [{ id: 'size', label: 'Company size', operand: field('company_size') }],
        rows: [
          {
            id: 'enterprise',
            label: 'Enterprise (1,000+)',
            cells: [{ op: 'gte', value: 1000 }],
            tags: [
              { tag: 'segment', value: 'Enterprise' },
              { tag: 'owner', value: 'Enterprise AE team' },
            ],
          },
          {
            id: 'mid_market',
            label: 'Mid-market (200–999)',
            cells: [{ op: 'between', value: [200, 999] }],
            tags: [
              { tag: 'segment', value: 'Mid-market' },
              { tag: 'owner', value: 'Mid-market AE team' },
            ],
          },
          {
            id: 'smb',
            label: 'Small business',
            cells: [{ op: 'any' }],
            tags: [
              { tag: 'segment', value: 'SMB' },
              { tag: 'owner', value: 'Inside sales' },
            ],
          },
        ],
      },
    },
    {
      id: 'handover',
      kind: 'assign',
      label: 'Hand over to sales',
      position: { x: 280, y: 580 },
      data: { tags: [{ tag: 'next_step', value: 'Sales calls within one business day' }] },
    },
    {
      id: 'handed_back',
      kind: 'condition',
      label: 'Handed back by sales?',
      position: { x: 580, y: 580 },
      data: { when: when(field('sales_status'), 'eq', 'handed_back') },
    },
    {
      id: 'sal',
      kind: 'checklist',
      label: 'Sales acceptance check',
      description: 'Sales accepts the lead when all three hold.',
      position: { x: 0, y: 820 },
      data: {
        mode: 'all',
        criteria: [
          {
            id: 'meets_mql',
            label: 'meets the MQL requirements',
            when: all(
              when(score('fit'), 'gte', MQL_THRESHOLDS.fit),
              when(score('engagement'), 'gte', MQL_THRESHOLDS.engagement),
            ),
          },
          {
            id: 'reachable',
            label: 'reachable',
            when: when(field('reachable'), 'eq', true),
          },
          {
            id: 'plausible',
            label: 'firm and position plausible',
            when: any(
              when(field('business_plausible'), 'eq', true),
              all(when(field('company_size'), 'gte', 50), when(score('fit'), 'gte', 60)),
            ),
          },
        ],
      },
    },
    {
      id: 'sql',
      kind: 'checklist',
      label: 'Sales qualification check',
      description: 'Budget is optional: some teams treat it as a step in the buying cycle.',
      position: { x: 280, y: 820 },
      data: {
        mode: 'all',
        criteria: [
          {
            id: 'buying_cycle',
            label: 'buying cycle',
            when: when(field('buying_cycle'), 'eq', true),
          },
          {
            id: 'influencer',
            label: 'influencer',
            when: when(field('influencer_engaged'), 'eq', true),
          },
          { id: 'timeframe', label: 'timeframe', when: when(field('timeframe_known'), 'eq', true) },
          {
            id: 'opportunity_size',
            label: 'opportunity size',
            when: when(field('opportunity_size'), 'isSet'),
          },
          {
            id: 'follow_up_permission',
            label: 'permission to follow up',
            when: when(field('follow_up_permission'), 'eq', true),
          },
          {
            id: 'budget',
            label: 'budget',
            optional: true,
            when: when(field('budget_confirmed'), 'eq', true),
          },
        ],
      },
    },
    {
      id: 'stage_disqualified',
      kind: 'stage',
      label: 'Disqualified',
      position: { x: 860, y: 0 },
      data: { stage: 'disqualified', reason: 'Disqualified: not a prospect' },
    },
    {
      id: 'stage_nurture',
      kind: 'stage',
      label: 'Nurture',
      position: { x: 860, y: 140 },
      data: {
        stage: 'nurture',
        reason: 'Nurture: not an MQL yet (needs name, title, fit 40+ and engagement 30+)',
      },
    },
    {
      id: 'stage_recycled',
      kind: 'stage',
      label: 'Recycled',
      position: { x: 860, y: 300 },
      data: { stage: 'recycled', reason: 'Recycled: handed back to marketing for nurturing' },
    },
    {
      id: 'stage_mql',
      kind: 'stage',
      label: 'MQL',
      position: { x: 860, y: 480 },
      data: {
        stage: 'mql',
        reason:
          'MQL: fit {score.fit}, engagement {score.engagement}; {tag.segment}, owner {tag.owner}',
      },
    },
    {
      id: 'stage_sal',
      kind: 'stage',
      label: 'SAL',
      position: { x: 860, y: 640 },
      data: { stage: 'sal', reason: 'SAL: accepted by {tag.owner}' },
    },
    {
      id: 'stage_sql',
      kind: 'stage',
      label: 'SQL',
      position: { x: 860, y: 780 },
      data: { stage: 'sql', reason: 'SQL: ready for an opportunity ({tag.segment})' },
    },
  ];
  const edges: Edge[] = [
    edge('start', 'next', 'disqualifiers'),
    edge('disqualifiers', 'student', 'stage_disqualified'),
    edge('disqualifiers', 'competitor', 'stage_disqualified'),
    edge('disqualifiers', 'sales_disqualified', 'stage_disqualified'),
    edge('disqualifiers', 'default', 'fit'),
    edge('fit', 'next', 'engagement'),
    edge('engagement', 'next', 'name_and_title'),
    edge('name_and_title', 'true', 'mql_threshold'),
    edge('name_and_title', 'false', 'stage_nurture'),
    edge('mql_threshold', 'true', 'segment'),
    edge('mql_threshold', 'false', 'stage_nurture'),
    edge('segment', 'enterprise', 'handover'),
    edge('segment', 'mid_market', 'handover'),
    edge('segment', 'smb', 'handover'),
    edge('segment', 'default', 'handover'),
    edge('handover', 'next', 'handed_back'),
    edge('handed_back', 'true', 'stage_recycled'),
    edge('handed_back', 'false', 'sal'),
    edge('sal', 'pass', 'sql'),
    edge('sal', 'fail', 'stage_mql'),
    edge('sql', 'pass', 'stage_sql'),
    edge('sql', 'fail', 'stage_sal'),
  ];
  return {
    schemaVersion: 1,
    name: 'Inbound B2B qualification',
    stages: defaultStages(),
    scores: defaultScores(),
    nodes,
    edges,
  };
}

/**
 * A new, empty agreement: Start → Nurture, with the default stages and scores.
 * @example blankWorkflow().nodes.length // 2
 */
export function blankWorkflow(): Workflow {
  return {
    schemaVersion: 1,
    stages: defaultStages(),
    scores: defaultScores(),
    nodes: [
      { id: 'start', kind: 'start', label: 'Start', position: at(0, 1), data: {} },
      {
        id: 'stage_nurture',
        kind: 'stage',
        label: 'Nurture',
        position: at(1, 1),
        data: { stage: 'nurture' },
      },
    ],
    edges: [edge('start', 'next', 'stage_nurture')],
  };
}
