import { defaultCatalog } from '../catalog/default-catalog';
import { describe, expect, it } from 'vitest';
import { compile } from './compile';
import { all, events, eventFilter, field, score, tag, when, where } from '../defaults/builders';
import type { WorkflowNode } from '../schema/node';
import { AS_OF, DAY, edge, evaluator, lead, workflowOf } from '../testing/fixtures';
import { defaultWorkflow } from '../defaults/default-workflow';
import { generateLeads } from '../generate/generate-leads';

const pos = { x: 0, y: 0 };

describe('start, condition and stage', () => {
  it('routes on a condition and explains each step', () => {
    const w = workflowOf(
      [
        {
          id: 'has_title',
          kind: 'condition',
          label: 'Title given?',
          position: pos,
          data: { when: when(field('job_title'), 'isSet') },
        },
      ],
      [edge('has_title', 'true', 'to_mql'), edge('has_title', 'false', 'to_nurture')],
      'has_title',
    );
    const evaluate = evaluator(w);
    const yes = evaluate(lead({ job_title: 'CTO' }));
    expect(yes.stage).toBe('mql');
    expect(yes.path).toEqual(['start', 'has_title', 'to_mql']);
    expect(yes.reasons.map((r) => r.text)).toEqual(['Title given?: yes', 'Stage: MQL']);
    const no = evaluate(lead({}));
    expect(no.stage).toBe('nurture');
    expect(no.reasons[0]?.text).toBe('Title given?: no');
  });

  it('fills stage reason templates from scores, tags and fields', () => {
    const w = workflowOf(
      [
        {
          id: 'set',
          kind: 'assign',
          label: 'Route',
          position: pos,
          data: { tags: [{ tag: 'owner', value: 'AE team' }] },
        },
        {
          id: 'done',
          kind: 'stage',
          label: 'MQL',
          position: pos,
          data: {
            stage: 'mql',
            reason:
              '{stage} for {field.first_name} ({field.company_size}), fit {score.fit}, {tag.owner}{tag.none} {score.nope} {other}',
          },
        },
      ],
      [edge('set', 'next', 'done')],
      'set',
    );
    const result = evaluator(w)(lead({ first_name: 'Ann', company_size: 250 }));
    expect(result.reasons.at(-1)?.text).toBe(
      'MQL for Ann (250), fit 0, AE team(none not set) (nope not set) {other}',
    );
    expect(result.tags).toEqual({ owner: 'AE team' });
  });
});

describe('switch', () => {
  const w = workflowOf(
    [
      {
        id: 'sw',
        kind: 'switch',
        label: 'Disqualifiers',
        position: pos,
        data: {
          cases: [
            { id: 'student', label: 'Student', when: when(field('is_student'), 'eq', true) },
            {
              id: 'competitor',
              label: 'Competitor',
              when: when(field('is_competitor'), 'eq', true),
            },
          ],
        },
      },
    ],
    [
      edge('sw', 'student', 'to_disqualified'),
      edge('sw', 'competitor', 'to_recycled'),
      edge('sw', 'default', 'to_nurture'),
    ],
    'sw',
  );
  const evaluate = evaluator(w);
  it('takes the first matching case, in order', () => {
    const r = evaluate(lead({ is_student: true, is_competitor: true }));
    expect(r.stage).toBe('disqualified');
    expect(r.reasons[0]).toEqual({
      nodeId: 'sw',
      rowId: 'student',
      text: 'Disqualifiers: Student',
    });
    expect(evaluate(lead({ is_competitor: 'yes' })).stage).toBe('recycled');
  });
  it('falls back to default', () => {
    const r = evaluate(lead({}));
    expect(r.stage).toBe('nurture');
    expect(r.reasons[0]?.text).toBe('Disqualifiers: otherwise');
  });
});

function scorecard(data: Extract<WorkflowNode, { kind: 'scorecard' }>['data']): WorkflowNode {
  return { id: 'sc', kind: 'scorecard', label: 'Fit', position: pos, data };
}
const scored = (data: Extract<WorkflowNode, { kind: 'scorecard' }>['data']) =>
  evaluator(workflowOf([scorecard(data)], [edge('sc', 'next', 'to_nurture')], 'sc'));

describe('scorecard', () => {
  it('adds and subtracts points with reasons a sales leader reads', () => {
    const evaluate = scored({
      score: 'fit',
      rows: [
        {
          id: 'director',
          label: "title contains 'Director'",
          category: 'profile',
          points: 15,
          when: when(field('job_title'), 'contains', 'director'),
        },
        {
          id: 'free',
          label: 'free-mail address',
          category: 'undesirable',
          points: -20,
          when: when(field('email'), 'freeEmail'),
        },
      ],
    });
    const r = evaluate(lead({ job_title: 'Sales Director', email: 'x@gmail.com' }));
    expect(r.scores.fit).toBe(-5);
    expect(r.reasons.slice(0, 2)).toEqual([
      { nodeId: 'sc', rowId: 'director', text: "+15 Fit: title contains 'Director'", points: 15 },
      { nodeId: 'sc', rowId: 'free', text: '-20 Fit: free-mail address (gmail.com)', points: -20 },
    ]);
  });

  it('caps rows, categories and the score', () => {
    const evaluate = evaluator({
      ...workflowOf(
        [
          scorecard({
            score: 'fit',
            categoryCaps: { profile: 25 },
            rows: [
              {
                id: 'a',
                label: 'A',
                category: 'profile',
                points: 20,
                when: when(field('first_name'), 'isSet'),
              },
              {
                id: 'b',
                label: 'B',
                category: 'profile',
                points: 40,
                cap: 15,
                when: when(field('last_name'), 'isSet'),
              },
              {
                id: 'c',
                label: 'C',
                category: 'behaviour',
                points: 30,
                when: when(field('phone'), 'isSet'),
              },
            ],
          }),
        ],
        [edge('sc', 'next', 'to_nurture')],
        'sc',
      ),
      scores: [{ id: 'fit', label: 'Fit', min: 0, max: 50 }],
    });
    const r = evaluate(lead({ first_name: 'a', last_name: 'b', phone: '1' }));
    expect(r.scores.fit).toBe(50);
    const texts = r.reasons.map((x) => [x.text, x.points]);
    expect(texts).toContainEqual(['+15 Fit: B', 15]);
    expect(texts).toContainEqual(['Fit: profile points capped at 25', -10]);
    expect(texts).toContainEqual(['Fit capped at 50', -5]);
  });

  it('keeps a score within its minimum', () => {
    const evaluate = evaluator({
      ...workflowOf(
        [
          scorecard({
            score: 'fit',
            rows: [
              {
                id: 'n',
                label: 'Student',
                category: 'undesirable',
                points: -80,
                when: when(field('is_student'), 'eq', true),
              },
            ],
          }),
        ],
        [edge('sc', 'next', 'to_nurture')],
        'sc',
      ),
      scores: [{ id: 'fit', label: 'Fit', min: -50 }],
    });
    const r = evaluate(lead({ is_student: true }));
    expect(r.scores.fit).toBe(-50);
    expect(r.reasons.map((x) => x.text)).toContain('Fit kept at -50');
  });

  it('counts points per event, capped, with decay by half-life from asOf', () => {
    const evaluate = scored({
      score: 'engagement',
      rows: [
        {
          id: 'dl',
          label: 'Downloads',
          category: 'behaviour',
          points: 10,
          perEvent: eventFilter('content_download'),
          cap: 25,
        },
        {
          id: 'clicks',
          label: 'Email clicks',
          category: 'behaviour',
          points: 8,
          perEvent: eventFilter('email_click', { withinDays: 100 }),
          decayHalfLifeDays: 30,
        },
      ],
    });
    const l = lead({}, [
      { type: 'content_download', at: AS_OF - DAY },
      { type: 'content_download', at: AS_OF - 2 * DAY },
      { type: 'content_download', at: AS_OF - 3 * DAY },
      { type: 'email_click', at: AS_OF },
      { type: 'email_click', at: AS_OF - 30 * DAY },
      { type: 'email_click', at: AS_OF - 60 * DAY },
      { type: 'email_click', at: AS_OF - 200 * DAY },
      { type: 'email_click', at: AS_OF + 5 * DAY },
    ]);
    const r = evaluate(l);
    expect(r.reasons[0]).toEqual({
      nodeId: 'sc',
      rowId: 'dl',
      text: '+25 Engagement: Downloads (3 events)',
      points: 25,
    });
    // 8 × (1 + 0.5 + 0.25) = 14
    expect(r.reasons[1]).toEqual({
      nodeId: 'sc',
      rowId: 'clicks',
      text: '+14 Engagement: Email clicks (3 events)',
      points: 14,
    });
    expect(r.scores.engagement).toBe(39);
  });

  it('shows the counted value for event rules', () => {
    const evaluate = scored({
      score: 'engagement',
      rows: [
        {
          id: 'visits',
          label: 'Visited the site at least 2 times',
          category: 'behaviour',
          points: 5,
          when: when(events('page_view'), 'gte', 2),
        },
        {
          id: 'pricing',
          label: 'Visited pricing',
          category: 'behaviour',
          points: 10,
          when: when(events('page_view', { where: [where('path', 'eq', '/pricing')] }), 'gte', 1),
        },
      ],
    });
    const r = evaluate(
      lead({}, [
        { type: 'page_view', at: AS_OF - DAY, props: { path: '/pricing' } },
        { type: 'page_view', at: AS_OF - DAY, props: { path: '/' } },
        { type: 'page_view', at: AS_OF - DAY, props: { path: '/blog' } },
      ]),
    );
    expect(r.reasons.map((x) => x.text).slice(0, 2)).toEqual([
      '+5 Engagement: Visited the site at least 2 times (3)',
      '+10 Engagement: Visited pricing',
    ]);
  });
});

describe('checklist', () => {
  const criteria = [
    { id: 'bc', label: 'buying cycle', when: when(field('buying_cycle'), 'eq', true) },
    { id: 'inf', label: 'influencer', when: when(field('influencer_engaged'), 'eq', true) },
    { id: 'tf', label: 'timeframe', when: when(field('timeframe_known'), 'eq', true) },
    { id: 'size', label: 'opportunity size', when: when(field('opportunity_size'), 'isSet') },
    {
      id: 'budget',
      label: 'budget',
      optional: true,
      when: when(field('budget_confirmed'), 'eq', true),
    },
  ];
  const checklist = (data: Extract<WorkflowNode, { kind: 'checklist' }>['data']) =>
    evaluator(
      workflowOf(
        [{ id: 'sql', kind: 'checklist', label: 'SQL', position: pos, data }],
        [edge('sql', 'pass', 'to_sql'), edge('sql', 'fail', 'to_sal')],
        'sql',
      ),
    );
  const full = {
    buying_cycle: true,
    influencer_engaged: true,
    timeframe_known: true,
    opportunity_size: 50000,
  };

  it('passes when all required criteria are met; budget stays optional', () => {
    const r = checklist({ mode: 'all', criteria })(lead(full));
    expect(r.stage).toBe('sql');
    expect(r.reasons[0]?.text).toBe(
      'SQL: 4 of 4 criteria met (buying cycle, influencer, timeframe, opportunity size); optional, not met: budget',
    );
    expect(r.checklist).toEqual({
      nodeId: 'sql',
      met: ['buying cycle', 'influencer', 'timeframe', 'opportunity size'],
      missing: ['budget'],
    });
  });

  it('fails with the missing items listed', () => {
    const r = checklist({ mode: 'all', criteria })(
      lead({ ...full, timeframe_known: false, budget_confirmed: 'yes' }),
    );
    expect(r.stage).toBe('sal');
    expect(r.reasons[0]?.text).toBe(
      'SQL: 3 of 4 criteria met (buying cycle, influencer, opportunity size); missing: timeframe; also met: budget',
    );
    expect(r.checklist?.missing).toEqual(['timeframe']);
  });

  it('mode atLeast n', () => {
    const evaluate = checklist({ mode: 'atLeast', atLeast: 2, criteria });
    expect(evaluate(lead({ buying_cycle: true, opportunity_size: 1 })).stage).toBe('sql');
    const r = evaluate(lead({ buying_cycle: true, budget_confirmed: true }));
    expect(r.stage).toBe('sal');
    expect(r.reasons[0]?.text).toContain('1 of 4 criteria met, 2 needed');
  });
});

describe('table', () => {
  const inputs = [
    { id: 'size', label: 'Company size', operand: field('company_size') },
    { id: 'ind', label: 'Industry', operand: field('industry') },
  ];
  it('hit policy first routes to the first matching row and sets its tags', () => {
    const evaluate = evaluator(
      workflowOf(
        [
          {
            id: 't',
            kind: 'table',
            label: 'Segment',
            position: pos,
            data: {
              hitPolicy: 'first',
              inputs,
              rows: [
                {
                  id: 'ent',
                  label: 'Enterprise software',
                  cells: [
                    { op: 'gte', value: 1000 },
                    { op: 'eq', value: 'software' },
                  ],
                  tags: [{ tag: 'segment', value: 'Enterprise' }],
                },
                {
                  id: 'big',
                  label: 'Big',
                  cells: [{ op: 'gte', value: 1000 }],
                  tags: [{ tag: 'segment', value: 'Large' }],
                },
                {
                  id: 'any',
                  label: 'Anything in retail',
                  cells: [{ op: 'any' }, { op: 'eq', value: 'retail' }],
                },
              ],
            },
          },
        ],
        [
          edge('t', 'ent', 'to_sql'),
          edge('t', 'big', 'to_sal'),
          edge('t', 'any', 'to_mql'),
          edge('t', 'default', 'to_nurture'),
        ],
        't',
      ),
    );
    const ent = evaluate(lead({ company_size: 5000, industry: 'Software' }));
    expect([ent.stage, ent.tags]).toEqual(['sql', { segment: 'Enterprise' }]);
    expect(ent.reasons[0]).toEqual({
      nodeId: 't',
      rowId: 'ent',
      text: 'Segment: Enterprise software',
    });
    expect(evaluate(lead({ company_size: 5000, industry: 'retail' })).tags).toEqual({
      segment: 'Large',
    });
    expect(evaluate(lead({ company_size: 5, industry: 'retail' })).stage).toBe('mql');
    const none = evaluate(lead({ company_size: 5 }));
    expect(none.stage).toBe('nurture');
    expect(none.reasons[0]?.text).toBe('Segment: no row matched');
  });

  it('hit policy collect sums points into a score and collects tags', () => {
    const evaluate = evaluator(
      workflowOf(
        [
          {
            id: 't',
            kind: 'table',
            label: 'Firmographics',
            position: pos,
            data: {
              hitPolicy: 'collect',
              score: 'fit',
              inputs,
              rows: [
                {
                  id: 'big',
                  label: 'Big company',
                  cells: [{ op: 'gte', value: 200 }],
                  points: 10,
                  tags: [{ tag: 'size', value: 'big' }],
                },
                {
                  id: 'sw',
                  label: 'Software',
                  cells: [{ op: 'any' }, { op: 'in', value: ['software', 'saas'] }],
                  points: 7.5,
                },
                {
                  id: 'note',
                  label: 'Retail note',
                  cells: [{ op: 'any' }, { op: 'eq', value: 'retail' }],
                  tags: [{ tag: 'note', value: 'retail' }],
                },
              ],
            },
          },
        ],
        [edge('t', 'next', 'to_nurture')],
        't',
      ),
    );
    const r = evaluate(lead({ company_size: 300, industry: 'software' }));
    expect(r.scores.fit).toBe(17.5);
    expect(r.tags).toEqual({ size: 'big' });
    expect(r.reasons.slice(0, 2).map((x) => x.text)).toEqual([
      '+10 Fit: Big company',
      '+7.5 Fit: Software',
    ]);
    const retail = evaluate(lead({ industry: 'retail' }));
    expect([retail.scores.fit, retail.tags, retail.reasons[0]?.text]).toEqual([
      0,
      { note: 'retail' },
      'Firmographics: Retail note',
    ]);
    expect(evaluate(lead({})).reasons[0]?.text).toBe('Firmographics: no row matched');
  });
});

describe('table inputs', () => {
  it('are read once before any row runs, even when a collect row sets the tag another row reads', () => {
    const evaluate = evaluator(
      workflowOf(
        [
          {
            id: 't',
            kind: 'table',
            label: 'Tags',
            position: pos,
            data: {
              hitPolicy: 'collect',
              inputs: [{ id: 'seg', label: 'Segment', operand: tag('segment') }],
              rows: [
                {
                  id: 'set',
                  label: 'Set',
                  cells: [{ op: 'any' }],
                  tags: [{ tag: 'segment', value: 'A' }],
                },
                {
                  id: 'seen',
                  label: 'Seen',
                  cells: [{ op: 'isSet' }],
                  tags: [{ tag: 'segment', value: 'B' }],
                },
              ],
            },
          },
        ],
        [edge('t', 'next', 'to_nurture')],
        't',
      ),
    );
    expect(evaluate(lead({})).tags).toEqual({ segment: 'A' });
  });
});

describe('assign and tags', () => {
  it('sets tags that later conditions read (case-insensitively)', () => {
    const evaluate = evaluator(
      workflowOf(
        [
          {
            id: 'a',
            kind: 'assign',
            label: 'Segment',
            position: pos,
            data: {
              tags: [
                { tag: 'segment', value: 'Enterprise' },
                { tag: 'team', value: 'AE' },
              ],
            },
          },
          {
            id: 'c',
            kind: 'condition',
            label: 'Enterprise?',
            position: pos,
            data: {
              when: all(when(tag('segment'), 'eq', 'enterprise'), when(score('fit'), 'gte', 0)),
            },
          },
        ],
        [edge('a', 'next', 'c'), edge('c', 'true', 'to_sal'), edge('c', 'false', 'to_nurture')],
        'a',
      ),
    );
    const r = evaluate(lead({}));
    expect(r.stage).toBe('sal');
    expect(r.tags).toEqual({ segment: 'Enterprise', team: 'AE' });
    expect(r.reasons[0]?.text).toBe('Segment: segment = Enterprise, team = AE');
  });
});

describe('compile', () => {
  it('returns diagnostics instead of an evaluator for invalid workflows', () => {
    const r = compile(
      { schemaVersion: 1, stages: [], scores: [], nodes: [], edges: [] },
      defaultCatalog,
    );
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.diagnostics.map((d) => d.code)).toContain('missing-start');
  });

  it('takes time only from asOf (Date, epoch ms or ISO text) and rejects a missing asOf', () => {
    const evaluate = evaluator(
      workflowOf(
        [
          {
            id: 'c',
            kind: 'condition',
            label: 'Recent',
            position: pos,
            data: { when: when(events('page_view', { withinDays: 7 }), 'gte', 1) },
          },
        ],
        [edge('c', 'true', 'to_mql'), edge('c', 'false', 'to_nurture')],
        'c',
      ),
    );
    const l = lead({}, [{ type: 'page_view', at: '2026-01-10T00:00:00Z' }]);
    expect(evaluate(l, '2026-01-12').stage).toBe('mql');
    expect(evaluate(l, new Date('2026-01-30')).stage).toBe('nurture');
    expect(evaluate(l, Date.UTC(2026, 0, 9)).stage).toBe('nurture');
    const compiled = compile(workflowOf([], [], 'to_nurture'), defaultCatalog);
    if (!compiled.ok) throw new Error('expected to compile');
    expect(() => compiled.evaluate(l, { asOf: 'soon' })).toThrow(RangeError);
  });

  it('evaluates garbage leads without throwing', () => {
    const compiled = compile(workflowOf([], [], 'to_nurture'), defaultCatalog);
    if (!compiled.ok) throw new Error('expected to compile');
    const evaluate = evaluator(
      workflowOf(
        [
          {
            id: 'c',
            kind: 'condition',
            label: 'x',
            position: pos,
            data: {
              when: when(
                events('page_view', { where: [where('path', 'contains', 'a')] }),
                'gte',
                1,
              ),
            },
          },
        ],
        [edge('c', 'true', 'to_mql'), edge('c', 'false', 'to_nurture')],
        'c',
      ),
    );
    for (const garbage of [
      null,
      42,
      'lead',
      [],
      { attributes: 5, events: 'x' },
      {
        events: [
          null,
          5,
          { type: 'page_view', at: 'x' },
          { type: 'page_view', at: AS_OF, props: 'str' },
        ],
      },
    ])
      expect(evaluate(garbage as never).stage).toBe('nurture');
  });

  it('with tally, counts steps and rows and answers only the stage and scores', () => {
    const workflow = defaultWorkflow();
    const explained = compile(workflow, defaultCatalog);
    const counted = compile(workflow, defaultCatalog, { tally: true });
    if (!explained.ok || !counted.ok) throw new Error('expected to compile');
    const hits = new Uint32Array(counted.tallyKeys.length);
    // Rows are counted for scorecards and tables (rule coverage), not checklist criteria.
    const withRows = new Set(
      workflow.nodes.filter((n) => n.kind === 'scorecard' || n.kind === 'table').map((n) => n.id),
    );
    const expected = new Map<string, number>();
    for (const l of generateLeads({ count: 300, seed: 5, asOf: AS_OF })) {
      const full = explained.evaluate(l, { asOf: AS_OF });
      expect(counted.evaluate(l, { asOf: AS_OF, hits })).toEqual({
        stage: full.stage,
        scores: full.scores,
      });
      for (const nodeId of full.path) expected.set(nodeId, (expected.get(nodeId) ?? 0) + 1);
      for (const r of full.reasons)
        if (r.rowId !== undefined && withRows.has(r.nodeId)) {
          const key = `${r.nodeId}/${r.rowId}`;
          expected.set(key, (expected.get(key) ?? 0) + 1);
        }
    }
    const counts = new Map(
      counted.tallyKeys.map((key, i) => [
        key.rowId === undefined ? key.nodeId : `${key.nodeId}/${key.rowId}`,
        hits[i]!,
      ]),
    );
    for (const [key, n] of expected) expect(counts.get(key), key).toBe(n);
    expect([...counts.values()].reduce((a, b) => a + b)).toBe(
      [...expected.values()].reduce((a, b) => a + b),
    );
  });

  it('compiles a 1,000-node workflow', () => {
    const nodes: WorkflowNode[] = [];
    const edges = [];
    for (let i = 0; i < 1000; i++) {
      nodes.push({
        id: `n${i}`,
        kind: 'condition',
        label: `Rule ${i}`,
        position: pos,
        data: { when: when(field('company_size'), 'gte', i) },
      });
      edges.push(
        edge(`n${i}`, 'true', i === 999 ? 'to_sql' : `n${i + 1}`),
        edge(`n${i}`, 'false', 'to_nurture'),
      );
    }
    const evaluate = evaluator(workflowOf(nodes, edges, 'n0'));
    expect(evaluate(lead({ company_size: 5000 })).stage).toBe('sql');
    expect(evaluate(lead({ company_size: 500 })).path).toHaveLength(504);
  });
});

describe('text rules', () => {
  it('answer each lead by its own value while titles repeat and after thousands of new ones', () => {
    const w = workflowOf(
      [
        {
          id: 'senior',
          kind: 'condition',
          label: 'Director or head?',
          position: pos,
          data: {
            when: {
              any: [
                when(field('job_title'), 'contains', 'director'),
                when(field('job_title'), 'startsWith', 'head of'),
              ],
            },
          },
        },
      ],
      [edge('senior', 'true', 'to_mql'), edge('senior', 'false', 'to_nurture')],
      'senior',
    );
    const evaluate = evaluator(w);
    // Distinct titles fill and switch off the memo; repeats are answered from it.
    for (let i = 0; i < 12_000; i++) {
      const title =
        i % 3 === 0 ? `Director ${i}` : i % 3 === 1 ? ` HEAD of Sales` : `Analyst ${i % 7}`;
      const want = i % 3 === 2 ? 'nurture' : 'mql';
      expect(evaluate(lead({ job_title: title })).stage).toBe(want);
    }
    expect(evaluate(lead({ job_title: 'Engineering Director' })).stage).toBe('mql');
    expect(evaluate(lead({ job_title: 'head' })).stage).toBe('nurture');
  });
});
