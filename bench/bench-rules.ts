/**
 * The benchmark's agreement: ~30 rules (11 fit rows, 9 engagement rows, a disqualifier of 3, an
 * MQL gate of 4, an SAL checklist of 3 and an SQL checklist of 5), written four times: as an
 * Accord workflow, as a hand-written function (the ceiling), as json-rules-engine rules and as a
 * GoRules JDM graph for zen-engine. `engine.bench.ts` checks that all four agree on every lead.
 */
import { FREE_MAIL_DOMAINS, type Lead, type Predicate, type WorkflowInput } from '@accord/engine';

export interface BenchOutput {
  stage: string;
  fit: number;
  engagement: number;
}

type Rule = { id: string; label: string; points: number };

const field = (f: string) => ({ kind: 'field' as const, field: f });
const cmp = (f: string, op: string, value?: unknown) =>
  ({ operand: field(f), op, ...(value === undefined ? {} : { value }) }) as Predicate;
const events = (event: string, where?: { prop: string; op: string; value: string }[]) => ({
  kind: 'events' as const,
  event,
  agg: 'count' as const,
  ...(where ? { where } : {}),
});

const FIT: (Rule & { when: Predicate; category: 'profile' | 'undesirable' })[] = [
  {
    id: 'director',
    label: 'Title contains Director',
    points: 15,
    category: 'profile',
    when: cmp('job_title', 'contains', 'director'),
  },
  {
    id: 'vp',
    label: 'VP or C-level',
    points: 20,
    category: 'profile',
    when: cmp('seniority', 'in', ['vp', 'c_level']),
  },
  {
    id: 'manager',
    label: 'Title contains Manager',
    points: 8,
    category: 'profile',
    when: cmp('job_title', 'contains', 'manager'),
  },
  {
    id: 'mid',
    label: '200+ employees',
    points: 10,
    category: 'profile',
    when: cmp('company_size', 'gte', 200),
  },
  {
    id: 'large',
    label: '1,000+ employees',
    points: 10,
    category: 'profile',
    when: cmp('company_size', 'gte', 1000),
  },
  {
    id: 'public',
    label: 'Public company',
    points: 5,
    category: 'profile',
    when: cmp('company_type', 'eq', 'public'),
  },
  {
    id: 'phone',
    label: 'Direct phone given',
    points: 5,
    category: 'profile',
    when: cmp('phone', 'isSet'),
  },
  {
    id: 'linkedin',
    label: 'LinkedIn profile given',
    points: 3,
    category: 'profile',
    when: cmp('linkedin_url', 'isSet'),
  },
  {
    id: 'country',
    label: 'Core market',
    points: 5,
    category: 'profile',
    when: cmp('country', 'in', ['US', 'GB', 'DE']),
  },
  {
    id: 'freemail',
    label: 'Free-mail address',
    points: -20,
    category: 'undesirable',
    when: cmp('email', 'freeEmail'),
  },
  {
    id: 'procurement',
    label: 'Procurement title',
    points: -15,
    category: 'undesirable',
    when: cmp('job_title', 'contains', 'procurement'),
  },
];

const ENGAGEMENT: (Rule & { when: Predicate; category: 'channel' | 'behaviour' })[] = [
  {
    id: 'demo',
    label: 'Demo request',
    points: 25,
    category: 'channel',
    when: cmp('form_type', 'eq', 'demo_request'),
  },
  {
    id: 'contact',
    label: 'Contact request',
    points: 20,
    category: 'channel',
    when: cmp('form_type', 'eq', 'contact_request'),
  },
  {
    id: 'content',
    label: 'Content download',
    points: 5,
    category: 'channel',
    when: cmp('form_type', 'eq', 'content_download'),
  },
  {
    id: 'event',
    label: 'Came from an event',
    points: 10,
    category: 'channel',
    when: cmp('lead_source', 'eq', 'event'),
  },
  {
    id: 'followup',
    label: 'Asked for follow-up',
    points: 15,
    category: 'behaviour',
    when: cmp('asked_for_follow_up', 'eq', true),
  },
  {
    id: 'cart',
    label: 'Added to cart',
    points: 10,
    category: 'behaviour',
    when: cmp('added_to_cart', 'eq', true),
  },
  {
    id: 'pricing',
    label: 'Visited pricing page',
    points: 15,
    category: 'behaviour',
    when: {
      operand: events('page_view', [{ prop: 'path', op: 'startsWith', value: '/pricing' }]),
      op: 'gte',
      value: 1,
    } as Predicate,
  },
  {
    id: 'visits',
    label: 'At least 2 visits',
    points: 10,
    category: 'behaviour',
    when: { operand: events('page_view'), op: 'gte', value: 2 } as Predicate,
  },
  {
    id: 'webinar',
    label: 'Attended a webinar',
    points: 10,
    category: 'behaviour',
    when: { operand: events('webinar_attended'), op: 'gte', value: 1 } as Predicate,
  },
];

const DISQUALIFY = ['is_student', 'is_competitor', 'unsubscribed'];
const MQL_FIT = 30;
const MQL_ENGAGEMENT = 25;
const SAL = [
  { id: 'reachable', label: 'Reachable', when: cmp('reachable', 'eq', true) },
  { id: 'plausible', label: 'Business plausible', when: cmp('business_plausible', 'eq', true) },
  { id: 'phone', label: 'Direct phone', when: cmp('phone', 'isSet') },
];
const SQL = [
  { id: 'cycle', label: 'Buying cycle', when: cmp('buying_cycle', 'eq', true) },
  { id: 'influencer', label: 'Influencer', when: cmp('influencer_engaged', 'eq', true) },
  { id: 'timeframe', label: 'Timeframe', when: cmp('timeframe_known', 'eq', true) },
  { id: 'size', label: 'Opportunity size', when: cmp('opportunity_size', 'gt', 0) },
  {
    id: 'permission',
    label: 'Follow-up permission',
    when: cmp('follow_up_permission', 'eq', true),
  },
];
const SQL_AT_LEAST = 4;

/** The agreement as an Accord workflow document. */
export function benchWorkflow(): WorkflowInput {
  const node = (id: string, kind: string, x: number, y: number, data: unknown, label = id) =>
    ({
      id,
      kind,
      label,
      position: { x, y },
      data,
    }) as WorkflowInput['nodes'][number];
  const stage = (id: string, x: number, y: number) =>
    node(`stage_${id}`, 'stage', x, y, { stage: id }, id.toUpperCase());
  const edge = (source: string, sourceHandle: string, target: string) => ({
    id: `${source}-${sourceHandle}`,
    source,
    sourceHandle,
    target,
  });
  return {
    schemaVersion: 1,
    stages: ['nurture', 'mql', 'sal', 'sql', 'disqualified'].map((id, order) => ({
      id,
      label: id.toUpperCase(),
      order,
    })),
    scores: [
      { id: 'fit', label: 'Fit' },
      { id: 'engagement', label: 'Engagement' },
    ],
    nodes: [
      node('start', 'start', 0, 0, {}),
      node(
        'disq',
        'condition',
        200,
        0,
        { when: { any: DISQUALIFY.map((f) => cmp(f, 'eq', true)) } },
        'Undesirable?',
      ),
      node('fit', 'scorecard', 400, 0, { score: 'fit', rows: FIT }, 'Fit'),
      node('eng', 'scorecard', 600, 0, { score: 'engagement', rows: ENGAGEMENT }, 'Engagement'),
      node(
        'mql',
        'condition',
        800,
        0,
        {
          when: {
            all: [
              { operand: { kind: 'score', score: 'fit' }, op: 'gte', value: MQL_FIT },
              { operand: { kind: 'score', score: 'engagement' }, op: 'gte', value: MQL_ENGAGEMENT },
              cmp('first_name', 'isSet'),
              cmp('job_title', 'isSet'),
            ],
          },
        },
        'MQL gate',
      ),
      node('sal', 'checklist', 1000, 0, { mode: 'all', criteria: SAL }, 'SAL'),
      node(
        'sql',
        'checklist',
        1200,
        0,
        { mode: 'atLeast', atLeast: SQL_AT_LEAST, criteria: SQL },
        'SQL',
      ),
      stage('disqualified', 400, 200),
      stage('nurture', 1000, 200),
      stage('mql', 1200, 200),
      stage('sal', 1400, 200),
      stage('sql', 1400, 0),
    ],
    edges: [
      edge('start', 'next', 'disq'),
      edge('disq', 'true', 'stage_disqualified'),
      edge('disq', 'false', 'fit'),
      edge('fit', 'next', 'eng'),
      edge('eng', 'next', 'mql'),
      edge('mql', 'false', 'stage_nurture'),
      edge('mql', 'true', 'sal'),
      edge('sal', 'fail', 'stage_mql'),
      edge('sal', 'pass', 'sql'),
      edge('sql', 'pass', 'stage_sql'),
      edge('sql', 'fail', 'stage_sal'),
    ],
  };
}

const FREE = new Set(FREE_MAIL_DOMAINS);
const isSet = (v: unknown) => v !== null && v !== undefined && v !== '';

/** The same agreement as a plain function: the ceiling a rules engine can approach. */
export function handWritten(lead: Lead): BenchOutput {
  const a = lead.attributes as Record<string, string | number | boolean | null>;
  if (a.is_student === true || a.is_competitor === true || a.unsubscribed === true)
    return { stage: 'disqualified', fit: 0, engagement: 0 };
  const title = String(a.job_title ?? '').toLowerCase();
  const size = typeof a.company_size === 'number' ? a.company_size : NaN;
  const email = String(a.email ?? '').toLowerCase();
  let fit = 0;
  if (title.includes('director')) fit += 15;
  if (a.seniority === 'vp' || a.seniority === 'c_level') fit += 20;
  if (title.includes('manager')) fit += 8;
  if (size >= 200) fit += 10;
  if (size >= 1000) fit += 10;
  if (a.company_type === 'public') fit += 5;
  if (isSet(a.phone)) fit += 5;
  if (isSet(a.linkedin_url)) fit += 3;
  if (a.country === 'US' || a.country === 'GB' || a.country === 'DE') fit += 5;
  if (FREE.has(email.slice(email.lastIndexOf('@') + 1))) fit -= 20;
  if (title.includes('procurement')) fit -= 15;
  let engagement = 0;
  if (a.form_type === 'demo_request') engagement += 25;
  if (a.form_type === 'contact_request') engagement += 20;
  if (a.form_type === 'content_download') engagement += 5;
  if (a.lead_source === 'event') engagement += 10;
  if (a.asked_for_follow_up === true) engagement += 15;
  if (a.added_to_cart === true) engagement += 10;
  let pricing = 0;
  let views = 0;
  let webinars = 0;
  for (const e of lead.events) {
    if (e.type === 'page_view') {
      views++;
      const path = e.props?.path;
      if (typeof path === 'string' && path.toLowerCase().startsWith('/pricing')) pricing++;
    } else if (e.type === 'webinar_attended') webinars++;
  }
  if (pricing >= 1) engagement += 15;
  if (views >= 2) engagement += 10;
  if (webinars >= 1) engagement += 10;
  if (!(
    fit >= MQL_FIT &&
    engagement >= MQL_ENGAGEMENT &&
    isSet(a.first_name) &&
    isSet(a.job_title)
  ))
    return { stage: 'nurture', fit, engagement };
  if (!(a.reachable === true && a.business_plausible === true && isSet(a.phone)))
    return { stage: 'mql', fit, engagement };
  const met =
    (a.buying_cycle === true ? 1 : 0) +
    (a.influencer_engaged === true ? 1 : 0) +
    (a.timeframe_known === true ? 1 : 0) +
    (typeof a.opportunity_size === 'number' && a.opportunity_size > 0 ? 1 : 0) +
    (a.follow_up_permission === true ? 1 : 0);
  return { stage: met >= SQL_AT_LEAST ? 'sql' : 'sal', fit, engagement };
}

/** Seeded leads for the benchmark: every attribute present, a few events each. */
export function benchLeads(count: number, seed = 42): Lead[] {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const chance = (p: number) => rnd() < p;
  const titles = [
    'Marketing Director',
    'VP Sales',
    'CEO',
    'Procurement Manager',
    'Engineering Manager',
    'Analyst',
    'Student',
    'Head of Growth',
    '',
  ];
  const seniority = ['c_level', 'vp', 'director', 'manager', 'individual', 'student'];
  const domains = [
    'acme.com',
    'globex.io',
    'initech.de',
    'gmail.com',
    'yahoo.com',
    'outlook.com',
    'umbrella.co.uk',
  ];
  const forms = [
    'demo_request',
    'contact_request',
    'content_download',
    'newsletter',
    'webinar_signup',
  ];
  const sources = ['organic', 'paid', 'event', 'referral', 'partner'];
  const paths = ['/', '/pricing', '/pricing/enterprise', '/blog/a', '/docs', '/features'];
  const leads: Lead[] = [];
  for (let i = 0; i < count; i++) {
    const nEvents = Math.floor(rnd() * 6);
    const evs: Lead['events'] = [];
    for (let k = 0; k < nEvents; k++) {
      evs.push(
        chance(0.8)
          ? { type: 'page_view', at: 1_700_000_000_000 + k, props: { path: pick(paths) } }
          : { type: 'webinar_attended', at: 1_700_000_000_000 + k, props: { minutes: 30 } },
      );
    }
    leads.push({
      id: `B${i}`,
      attributes: {
        first_name: chance(0.95) ? 'Alex' : '',
        job_title: pick(titles),
        seniority: pick(seniority),
        email: `p${i}@${pick(domains)}`,
        company_size: Math.floor(rnd() * 5000),
        company_type: pick(['private', 'public', 'nonprofit']),
        phone: chance(0.6) ? '+1 555 0100' : '',
        linkedin_url: chance(0.5) ? 'https://linkedin.com/in/x' : '',
        country: pick(['US', 'GB', 'DE', 'FR', 'IN']),
        form_type: pick(forms),
        lead_source: pick(sources),
        asked_for_follow_up: chance(0.3),
        added_to_cart: chance(0.1),
        is_student: chance(0.03),
        is_competitor: chance(0.02),
        unsubscribed: chance(0.02),
        reachable: chance(0.7),
        business_plausible: chance(0.7),
        buying_cycle: chance(0.5),
        influencer_engaged: chance(0.5),
        timeframe_known: chance(0.5),
        opportunity_size: chance(0.5) ? Math.floor(rnd() * 100_000) : 0,
        follow_up_permission: chance(0.6),
      },
      events: evs,
    });
  }
  return leads;
}

/** The agreement as json-rules-engine rules (the glue below walks the same flow as the graph). */
export function jsonRulesEngineRules() {
  const toJre = (p: Predicate): unknown => {
    const c = p as {
      operand: { kind: string; field?: string; score?: string; event?: string; where?: unknown[] };
      op: string;
      value?: unknown;
    };
    const fact =
      c.operand.kind === 'field'
        ? c.operand.field
        : c.operand.kind === 'score'
          ? c.operand.score
          : c.operand.where
            ? 'pricingViews'
            : c.operand.event === 'page_view'
              ? 'pageViews'
              : 'webinars';
    const map: Record<string, [string, unknown]> = {
      contains: ['textContains', c.value],
      in: ['in', c.value],
      gte: ['greaterThanInclusive', c.value],
      gt: ['greaterThan', c.value],
      eq: ['equal', c.value],
      isSet: ['isSet', true],
      freeEmail: ['freeEmail', true],
    };
    const [operator, value] = map[c.op]!;
    return { fact, operator, value };
  };
  const rules = [
    ...FIT.map((r) => ({
      priority: 10,
      conditions: { all: [toJre(r.when)] },
      event: { type: 'points', params: { score: 'fit', points: r.points } },
    })),
    ...ENGAGEMENT.map((r) => ({
      priority: 10,
      conditions: { all: [toJre(r.when)] },
      event: { type: 'points', params: { score: 'engagement', points: r.points } },
    })),
    {
      priority: 10,
      conditions: { any: DISQUALIFY.map((f) => ({ fact: f, operator: 'equal', value: true })) },
      event: { type: 'disqualified' },
    },
    {
      priority: 5,
      conditions: {
        all: [
          { fact: 'fit', operator: 'greaterThanInclusive', value: MQL_FIT },
          { fact: 'engagement', operator: 'greaterThanInclusive', value: MQL_ENGAGEMENT },
          { fact: 'first_name', operator: 'isSet', value: true },
          { fact: 'job_title', operator: 'isSet', value: true },
        ],
      },
      event: { type: 'mql' },
    },
    { priority: 10, conditions: { all: SAL.map((c) => toJre(c.when)) }, event: { type: 'sal' } },
    ...SQL.map((c) => ({
      priority: 10,
      conditions: { all: [toJre(c.when)] },
      event: { type: 'sqlCriterion' },
    })),
  ];
  return { rules, FREE };
}

/** The flow of the graph over the rules' events (what a json-rules-engine integration writes). */
export function jsonRulesEngineStage(
  types: Set<string>,
  sqlMet: number,
  fit: number,
  engagement: number,
): BenchOutput {
  if (types.has('disqualified')) return { stage: 'disqualified', fit: 0, engagement: 0 };
  if (!types.has('mql')) return { stage: 'nurture', fit, engagement };
  if (!types.has('sal')) return { stage: 'mql', fit, engagement };
  return { stage: sqlMet >= SQL_AT_LEAST ? 'sql' : 'sal', fit, engagement };
}

/** The agreement as a GoRules JDM graph: an expression node for the scores, a decision table for the stage. */
export function zenDecisionGraph() {
  const str = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const set = (f: string) => `(${f} != null and ${f} != '')`;
  const cond = (p: Predicate): string => {
    const c = p as {
      operand: { kind: string; field?: string; score?: string; event?: string; where?: unknown[] };
      op: string;
      value?: unknown;
    };
    if (c.operand.kind === 'events') {
      const filter = c.operand.where
        ? `filter(events, #.type == 'page_view' and startsWith(lower(#.props.path), '/pricing'))`
        : `filter(events, #.type == ${str(c.operand.event!)})`;
      return `len(${filter}) >= ${c.value}`;
    }
    const f = c.operand.kind === 'score' ? c.operand.score! : `a.${c.operand.field}`;
    switch (c.op) {
      case 'contains':
        return `contains(lower(${f}), ${str(String(c.value))})`;
      case 'in':
        return `${f} in [${(c.value as string[]).map(str).join(', ')}]`;
      case 'gte':
        return `${f} >= ${c.value}`;
      case 'gt':
        return `${f} > ${c.value}`;
      case 'eq':
        return typeof c.value === 'string' ? `${f} == ${str(c.value)}` : `${f} == ${c.value}`;
      case 'isSet':
        return set(f);
      case 'freeEmail':
        return `(${[...FREE].map((d) => `endsWith(lower(${f}), ${str('@' + d)})`).join(' or ')})`;
      default:
        throw new Error(`no zen form for ${c.op}`);
    }
  };
  const sum = (rows: { when: Predicate; points: number }[]) =>
    rows.map((r) => `(${cond(r.when)} ? ${r.points} : 0)`).join(' + ');
  const expressions = [
    { id: 'e1', key: 'disq', value: DISQUALIFY.map((f) => `a.${f} == true`).join(' or ') },
    { id: 'e2', key: 'fit', value: sum(FIT) },
    { id: 'e3', key: 'engagement', value: sum(ENGAGEMENT) },
    { id: 'e4', key: 'named', value: `${set('a.first_name')} and ${set('a.job_title')}` },
    { id: 'e5', key: 'sal', value: SAL.map((c) => cond(c.when)).join(' and ') },
    { id: 'e6', key: 'sqlMet', value: SQL.map((c) => `(${cond(c.when)} ? 1 : 0)`).join(' + ') },
  ];
  const inputs = ['disq', 'fit', 'engagement', 'named', 'sal', 'sqlMet'].map((f) => ({
    id: `in_${f}`,
    name: f,
    type: 'expression',
    field: f,
  }));
  const row = (id: string, cells: Partial<Record<string, string>>, stage: string) => ({
    _id: id,
    ...Object.fromEntries(inputs.map((i) => [i.id, cells[i.name] ?? ''])),
    out_stage: str(stage),
    out_fit: id === 'r_disq' ? '0' : 'fit',
    out_engagement: id === 'r_disq' ? '0' : 'engagement',
  });
  const mqlCells = { fit: `>= ${MQL_FIT}`, engagement: `>= ${MQL_ENGAGEMENT}`, named: 'true' };
  const rules = [
    row('r_disq', { disq: 'true' }, 'disqualified'),
    row('r_sql', { ...mqlCells, sal: 'true', sqlMet: `>= ${SQL_AT_LEAST}` }, 'sql'),
    row('r_sal', { ...mqlCells, sal: 'true' }, 'sal'),
    row('r_mql', mqlCells, 'mql'),
    row('r_nurture', {}, 'nurture'),
  ];
  const node = (id: string, type: string, content?: unknown) => ({
    id,
    type,
    name: id,
    position: { x: 0, y: 0 },
    ...(content ? { content } : {}),
  });
  return {
    nodes: [
      node('request', 'inputNode'),
      node('scores', 'expressionNode', { expressions }),
      node('stage', 'decisionTableNode', {
        hitPolicy: 'first',
        inputs,
        outputs: [
          { id: 'out_stage', name: 'Stage', type: 'expression', field: 'stage' },
          { id: 'out_fit', name: 'Fit', type: 'expression', field: 'fit' },
          { id: 'out_engagement', name: 'Engagement', type: 'expression', field: 'engagement' },
        ],
        rules,
      }),
      node('response', 'outputNode'),
    ],
    edges: [
      { id: 'x1', sourceId: 'request', targetId: 'scores', type: 'edge' },
      { id: 'x2', sourceId: 'scores', targetId: 'stage', type: 'edge' },
      { id: 'x3', sourceId: 'stage', targetId: 'response', type: 'edge' },
    ],
  };
}
