import { defaultCatalog } from '../catalog/default-catalog';
import { describe, expect, it } from 'vitest';
import { defaultWorkflow, blankWorkflow } from './default-workflow';
import { validate } from '../validate/validate';
import { nodeHandles } from '../handles';
import { AS_OF, DAY, evaluator, lead } from '../testing/fixtures';

const evaluate = evaluator(defaultWorkflow());
const ago = (days: number) => AS_OF - days * DAY;

const vp = {
  first_name: 'Ann',
  last_name: 'Lee',
  job_title: 'VP Sales',
  company: 'Acme',
  company_size: 500,
  email: 'ann.lee@acme.com',
};
const demoAndPricing = [
  { type: 'form_submit', at: ago(2), props: { form: 'demo_request' } },
  { type: 'page_view', at: ago(1), props: { path: '/pricing' } },
];

describe('the default agreement on hand-made leads', () => {
  it('a VP at a 500-person firm who asked for a demo and saw pricing is at least an MQL', () => {
    const r = evaluate(lead(vp, demoAndPricing));
    expect(['mql', 'sal', 'sql']).toContain(r.stage);
    expect(r.scores.fit).toBeGreaterThanOrEqual(40);
    expect(r.reasons.map((x) => x.text)).toEqual(
      expect.arrayContaining([
        '+20 Fit: Title is VP or C-level',
        '+15 Fit: Company with 200+ employees',
        '+30 Engagement: Requested a demo',
        '+15 Engagement: Visited the pricing page',
      ]),
    );
    expect(r.tags).toMatchObject({ segment: 'Mid-market', owner: 'Mid-market AE team' });
  });

  it('a gmail student is disqualified', () => {
    const r = evaluate(
      lead(
        { first_name: 'Bo', last_name: 'Li', job_title: 'MBA Student', email: 'bo@gmail.com' },
        demoAndPricing,
      ),
    );
    expect(r.stage).toBe('disqualified');
    expect(r.reasons[0]?.text).toBe('Disqualifiers: Student');
  });

  it('a competitor is disqualified', () => {
    expect(evaluate(lead({ ...vp, email: 'spy@rivalsoft.com' }, demoAndPricing)).stage).toBe(
      'disqualified',
    );
  });

  it('free-mail and procurement titles cost fit points', () => {
    const r = evaluate(
      lead({ ...vp, job_title: 'Procurement Manager', email: 'ann@gmail.com' }, demoAndPricing),
    );
    expect(r.reasons.map((x) => x.text)).toEqual(
      expect.arrayContaining([
        '-20 Fit: free-mail address (gmail.com)',
        '-15 Fit: procurement title',
      ]),
    );
    expect(r.stage).toBe('nurture');
  });

  it('without a name and title there is no MQL, however engaged', () => {
    const r = evaluate(lead({ ...vp, job_title: '' }, demoAndPricing));
    expect(r.stage).toBe('nurture');
    expect(r.reasons.map((x) => x.text)).toContain('Name and title given?: no');
  });

  it('a demo request is worth far more than a content download', () => {
    const demo = evaluate(
      lead(vp, [{ type: 'form_submit', at: ago(1), props: { form: 'demo_request' } }]),
    );
    const download = evaluate(lead(vp, [{ type: 'content_download', at: ago(1) }]));
    expect(demo.scores.engagement).toBeGreaterThan(download.scores.engagement! * 3);
  });

  it('engagement decays: the same download long ago counts less', () => {
    const recent = evaluate(lead(vp, [{ type: 'content_download', at: ago(1) }]));
    const old = evaluate(lead(vp, [{ type: 'content_download', at: ago(180) }]));
    expect(old.scores.engagement).toBeLessThan(recent.scores.engagement!);
  });

  it('webinar attendance and minutes, trade-show talks, visits and articles count', () => {
    const r = evaluate(
      lead(vp, [
        { type: 'webinar_registered', at: ago(20) },
        { type: 'webinar_attended', at: ago(19), props: { minutes: 42 } },
        { type: 'trade_show_conversation', at: ago(60) },
        ...[1, 2, 3].map((d) => ({
          type: 'page_view',
          at: ago(d),
          props: { path: `/blog/post-${d}` },
        })),
      ]),
    );
    expect(r.reasons.map((x) => x.text)).toEqual(
      expect.arrayContaining([
        '+3 Engagement: Registered for a webinar',
        '+10 Engagement: Attended a webinar',
        '+10 Engagement: Stayed 30+ minutes in a webinar (42)',
        '+15 Engagement: Spoke to us at a trade show',
        '+5 Engagement: Visited the site at least 2 times (3)',
        '+10 Engagement: Read at least 3 articles (3)',
      ]),
    );
  });

  it('SAL and SQL follow the sales checklists; budget stays optional', () => {
    const sales = { reachable: true, business_plausible: true };
    const sal = evaluate(lead({ ...vp, ...sales }, demoAndPricing));
    expect(sal.stage).toBe('sal');
    expect(sal.checklist?.nodeId).toBe('sql');
    const sql = evaluate(
      lead(
        {
          ...vp,
          ...sales,
          buying_cycle: true,
          influencer_engaged: true,
          timeframe_known: true,
          opportunity_size: 80000,
          follow_up_permission: true,
        },
        demoAndPricing,
      ),
    );
    expect(sql.stage).toBe('sql');
    expect(sql.reasons.map((x) => x.text)).toContain(
      'Sales qualification check: 5 of 5 criteria met (buying cycle, influencer, timeframe, opportunity size, permission to follow up); optional, not met: budget',
    );
  });

  it('a lead sales handed back is recycled', () => {
    expect(evaluate(lead({ ...vp, sales_status: 'handed_back' }, demoAndPricing)).stage).toBe(
      'recycled',
    );
  });

  it('an MQL that sales cannot reach stays an MQL, with the missing items', () => {
    const r = evaluate(lead(vp, demoAndPricing));
    expect(r.stage).toBe('mql');
    expect(r.checklist).toEqual({
      nodeId: 'sal',
      met: ['meets the MQL requirements'],
      missing: ['reachable', 'firm and position plausible'],
    });
  });
});

describe('the default and blank documents', () => {
  it('lay the main path out in reading order (line by line), the stages at the right', () => {
    const w = defaultWorkflow();
    const at = (id: string) => w.nodes.find((n) => n.id === id)!.position;
    const main = [
      'start',
      'disqualifiers',
      'fit',
      'engagement',
      'name_and_title',
      'mql_threshold',
      'segment',
      'handover',
      'handed_back',
      'sal',
      'sql',
    ];
    for (let i = 1; i < main.length; i++) {
      const [a, b] = [at(main[i - 1]!), at(main[i]!)];
      expect(b.y > a.y || (b.y === a.y && b.x > a.x)).toBe(true);
    }
    const stepsRight = Math.max(...main.map((id) => at(id).x));
    for (const n of w.nodes)
      if (n.kind === 'stage') expect(n.position.x).toBeGreaterThan(stepsRight);
    const spots = new Set(w.nodes.map((n) => `${n.position.x},${n.position.y}`));
    expect(spots.size).toBe(w.nodes.length);
  });

  it('#15: give every step its own name (the SAL checklist is not called like the SAL stage)', () => {
    const labels = defaultWorkflow().nodes.map((n) => n.label.toLowerCase());
    expect(new Set(labels).size).toBe(labels.length);
  });

  it('connect every output of every step', () => {
    const w = defaultWorkflow();
    for (const node of w.nodes)
      for (const handle of nodeHandles(node))
        expect(w.edges.some((e) => e.source === node.id && e.sourceHandle === handle.id)).toBe(
          true,
        );
  });

  it('are fresh copies', () => {
    const a = defaultWorkflow();
    a.nodes.pop();
    expect(defaultWorkflow().nodes.length).toBe(a.nodes.length + 1);
    expect(validate(blankWorkflow(), defaultCatalog)).toEqual([]);
    expect(evaluator(blankWorkflow())(lead({})).stage).toBe('nurture');
  });
});
