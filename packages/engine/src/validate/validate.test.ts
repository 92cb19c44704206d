import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validate } from './validate';
import { defaultCatalog } from '../catalog/default-catalog';
import { hasErrors, type DiagnosticCode } from './diagnostic';
import { defaultWorkflow, blankWorkflow } from '../defaults/default-workflow';
import { all, events, eventFilter, field, score, tag, when, where } from '../defaults/builders';
import type { WorkflowNode } from '../schema/node';
import type { Predicate } from '../schema/predicate';
import type { Workflow } from '../schema/workflow';
import { conditionWorkflow, edge, workflowOf } from '../testing/fixtures';

const pos = { x: 0, y: 0 };
const codes = (w: unknown) => validate(w, defaultCatalog).map((d) => d.code);
const find = (w: unknown, code: DiagnosticCode) =>
  validate(w, defaultCatalog).filter((d) => d.code === code);
const onCondition = (when: Predicate) => validate(conditionWorkflow(when), defaultCatalog);

describe('validate: the default and blank workflows', () => {
  it('are clean', () => {
    expect(validate(defaultWorkflow(), defaultCatalog)).toEqual([]);
    expect(validate(blankWorkflow(), defaultCatalog)).toEqual([]);
  });
});

describe('validate: graph diagnostics', () => {
  it('missing-start', () => {
    const w = blankWorkflow();
    w.nodes = w.nodes.filter((n) => n.kind !== 'start');
    w.edges = [];
    expect(codes(w)).toContain('missing-start');
  });

  it('multiple-starts', () => {
    const w = blankWorkflow();
    w.nodes.push({ id: 'start2', kind: 'start', label: 'Again', position: pos, data: {} });
    w.edges.push(edge('start2', 'next', 'stage_nurture'));
    const [d] = find(w, 'multiple-starts');
    expect(d).toMatchObject({ severity: 'error', nodeId: 'start2' });
  });

  it('dangling-edge', () => {
    const w = blankWorkflow();
    w.edges.push({ id: 'e9', source: 'start', sourceHandle: 'next', target: 'ghost' });
    expect(find(w, 'dangling-edge')[0]).toMatchObject({ edgeId: 'e9', path: 'edges[1].target' });
  });

  it('unknown-handle, including edges out of a stage', () => {
    const w = blankWorkflow();
    w.edges.push({ id: 'bad', source: 'start', sourceHandle: 'maybe', target: 'stage_nurture' });
    w.edges.push({
      id: 'out',
      source: 'stage_nurture',
      sourceHandle: 'next',
      target: 'stage_nurture',
    });
    const found = find(w, 'unknown-handle');
    expect(found.map((d) => d.edgeId)).toEqual(['bad', 'out']);
    expect(found[1]?.message).toContain('final stage');
  });

  it('duplicate-edge and ambiguous-handle', () => {
    const w = blankWorkflow();
    w.nodes.push({ id: 'mql', kind: 'stage', label: 'MQL', position: pos, data: { stage: 'mql' } });
    w.edges.push({ id: 'again', source: 'start', sourceHandle: 'next', target: 'stage_nurture' });
    w.edges.push({ id: 'other', source: 'start', sourceHandle: 'next', target: 'mql' });
    expect(find(w, 'duplicate-edge')[0]?.edgeId).toBe('again');
    expect(find(w, 'ambiguous-handle')[0]?.edgeId).toBe('other');
  });

  it('edge-into-start', () => {
    const w = workflowOf(
      [
        {
          id: 'c',
          kind: 'condition',
          label: 'C',
          position: pos,
          data: { when: when(field('phone'), 'isSet') },
        },
      ],
      [edge('c', 'true', 'start'), edge('c', 'false', 'to_nurture')],
      'c',
    );
    expect(codes(w)).toContain('edge-into-start');
  });

  it('cycle, named by its steps', () => {
    const w = workflowOf(
      [
        {
          id: 'a',
          kind: 'condition',
          label: 'Step A',
          position: pos,
          data: { when: when(field('phone'), 'isSet') },
        },
        {
          id: 'b',
          kind: 'assign',
          label: 'Step B',
          position: pos,
          data: { tags: [{ tag: 'x', value: 'y' }] },
        },
      ],
      [edge('a', 'true', 'b'), edge('a', 'false', 'to_nurture'), edge('b', 'next', 'a')],
      'a',
    );
    const [d] = find(w, 'cycle');
    expect(d?.severity).toBe('error');
    expect(d?.message).toMatch(/'Step A' → 'Step B' → 'Step A'|'Step B' → 'Step A' → 'Step B'/);
    expect(codes(w)).not.toContain('path-without-stage');
  });

  it('unreachable-node is a warning; its open handles too', () => {
    const w = blankWorkflow();
    w.nodes.push({
      id: 'lost',
      kind: 'condition',
      label: 'Lost',
      position: pos,
      data: { when: when(field('phone'), 'isSet') },
    });
    const diagnostics = validate(w, defaultCatalog);
    expect(diagnostics.find((d) => d.code === 'unreachable-node')).toMatchObject({
      severity: 'warning',
      nodeId: 'lost',
    });
    expect(
      diagnostics
        .filter((d) => d.code === 'unconnected-handle')
        .every((d) => d.severity === 'warning'),
    ).toBe(true);
    expect(hasErrors(diagnostics)).toBe(false);
  });

  it('unconnected-handle on a reachable step is an error, and names the handle', () => {
    const w = workflowOf(
      [
        {
          id: 'c',
          kind: 'condition',
          label: 'Title?',
          position: pos,
          data: { when: when(field('job_title'), 'isSet') },
        },
      ],
      [edge('c', 'true', 'to_mql')],
      'c',
    );
    const [d] = find(w, 'unconnected-handle');
    expect(d).toMatchObject({ severity: 'error', nodeId: 'c' });
    expect(d?.message).toBe("'Title?' 'No' isn't connected to a next step");
  });

  it('path-without-stage when a reachable step can never reach a stage', () => {
    const w = workflowOf(
      [
        {
          id: 'a',
          kind: 'assign',
          label: 'Tag it',
          position: pos,
          data: { tags: [{ tag: 't', value: 'v' }] },
        },
      ],
      [],
      'a',
    );
    expect(find(w, 'path-without-stage').map((d) => d.nodeId)).toEqual(['start', 'a']);
  });

  it('duplicate ids of steps, connections, stages, scores and rows', () => {
    const w = defaultWorkflow();
    w.nodes.push({ ...w.nodes[1]! });
    w.edges.push({ ...w.edges[0]!, target: 'fit' });
    w.stages.push({ ...w.stages[0]! });
    w.scores.push({ ...w.scores[0]! });
    const fit = w.nodes.find((n) => n.id === 'fit')!;
    if (fit.kind === 'scorecard') fit.data.rows.push({ ...fit.data.rows[0]! });
    const messages = find(w, 'duplicate-id').map((d) => d.message);
    expect(messages).toEqual(
      expect.arrayContaining([
        "Two steps have the id 'disqualifiers'",
        expect.stringContaining('Two connections'),
        "Two stages have the id 'nurture'",
        "Two scores have the id 'fit'",
        "'Fit: who the lead is' has two rows with the id 'name'",
      ]),
    );
  });

  it("duplicate-handle: a case can't be called 'default'", () => {
    const w = workflowOf(
      [
        {
          id: 's',
          kind: 'switch',
          label: 'S',
          position: pos,
          data: { cases: [{ id: 'default', label: 'D', when: when(field('phone'), 'isSet') }] },
        },
      ],
      [edge('s', 'default', 'to_nurture')],
      's',
    );
    expect(codes(w)).toContain('duplicate-handle');
  });
});

describe('validate: rules and values', () => {
  it('unknown-field, unknown-event, unknown-event-prop, unknown-score', () => {
    expect(onCondition(when(field('shoe_size'), 'eq', 'x'))[0]).toMatchObject({
      code: 'unknown-field',
      path: 'nodes[1].data.when.operand.field',
      nodeId: 'c',
    });
    expect(onCondition(when(events('carrier_pigeon'), 'gte', 1))[0]?.code).toBe('unknown-event');
    expect(
      onCondition(when(events('page_view', { where: [where('colour', 'eq', 'red')] }), 'gte', 1))[0]
        ?.code,
    ).toBe('unknown-event-prop');
    expect(onCondition(when(score('karma'), 'gte', 1))[0]?.code).toBe('unknown-score');
  });

  it('#17: a retired field is a warning naming it, not an error', () => {
    const catalog = structuredClone(defaultCatalog);
    catalog.fields.find((f) => f.id === 'job_title')!.retired = true;
    const w = conditionWorkflow(when(field('job_title'), 'contains', 'VP'));
    expect(validate(w, catalog).filter((d) => d.code === 'retired-field')).toEqual([
      expect.objectContaining({
        severity: 'warning',
        message: expect.stringContaining('Job title'),
      }),
    ]);
    expect(validate(w, defaultCatalog).some((d) => d.code === 'retired-field')).toBe(false);
  });

  it('unknown-tag is a warning', () => {
    expect(onCondition(when(tag('segment'), 'eq', 'x'))[0]).toMatchObject({
      code: 'unknown-tag',
      severity: 'warning',
    });
  });

  it('operator-type-mismatch', () => {
    const [d] = onCondition(when(field('company_size'), 'contains', 'big'));
    expect(d?.code).toBe('operator-type-mismatch');
    expect(d?.message).toContain(
      "'Company size (employees)' is a number; 'contains' doesn't apply",
    );
  });

  it('value-type-mismatch reads like a sentence', () => {
    const pricing = events('page_view', {
      where: [where('path', 'startsWith', '/pricing')],
      label: 'Pricing page visits',
    });
    const [d] = onCondition(when(pricing, 'gte', 'often'));
    expect(d).toMatchObject({ code: 'value-type-mismatch', path: 'nodes[1].data.when.value' });
    expect(d?.message).toBe("'Pricing page visits' compares a number with text");
    expect(onCondition(when(field('reachable'), 'eq', 'yes'))[0]?.message).toBe(
      "'Reachable (conversation started)' compares yes/no with text",
    );
    expect(onCondition(when(field('job_title'), 'in', 'cto'))[0]?.code).toBe('value-type-mismatch');
    expect(onCondition(when(field('created_at'), 'before', 'tomorrow-ish'))[0]?.code).toBe(
      'value-type-mismatch',
    );
  });

  it('empty-value, ignored-value, unknown-enum-value', () => {
    expect(onCondition(when(field('job_title'), 'contains', '  '))[0]?.code).toBe('empty-value');
    expect(onCondition(when(field('job_title'), 'eq'))[0]?.code).toBe('empty-value');
    expect(onCondition(when(field('job_title'), 'isSet', 'x'))[0]).toMatchObject({
      code: 'ignored-value',
      severity: 'warning',
    });
    expect(onCondition(when(field('industry'), 'eq', 'mining'))[0]).toMatchObject({
      code: 'unknown-enum-value',
      severity: 'warning',
    });
  });

  it('empty-predicate', () => {
    expect(onCondition({ all: [] })[0]).toMatchObject({
      code: 'empty-predicate',
      path: 'nodes[1].data.when.all',
    });
    expect(onCondition({ not: { any: [] } })[0]?.path).toBe('nodes[1].data.when.not.any');
  });

  it('bad-threshold: ranges, negative days, caps, half-lives, checklists, score bounds', () => {
    expect(onCondition(when(field('company_size'), 'between', [200, 50]))[0]?.code).toBe(
      'bad-threshold',
    );
    expect(onCondition(when(field('created_at'), 'withinLastDays', -3))[0]?.code).toBe(
      'bad-threshold',
    );
    expect(onCondition(when(events('page_view', { withinDays: -1 }), 'gte', 1))[0]?.code).toBe(
      'bad-threshold',
    );
    const scorecard = (row: object, caps?: object): Workflow =>
      workflowOf(
        [
          {
            id: 's',
            kind: 'scorecard',
            label: 'S',
            position: pos,
            data: {
              score: 'fit',
              rows: [{ id: 'r', label: 'R', category: 'behaviour', points: 1, ...row }],
              ...(caps ? { categoryCaps: caps } : {}),
            },
          } as WorkflowNode,
        ],
        [edge('s', 'next', 'to_nurture')],
        's',
      );
    expect(codes(scorecard({ when: when(field('phone'), 'isSet'), cap: -1 }))).toContain(
      'bad-threshold',
    );
    // #18: a half-life under an hour is refused by the schema itself (it broke the arithmetic).
    expect(
      codes(scorecard({ perEvent: eventFilter('email_click'), decayHalfLifeDays: 0 })),
    ).toContain('invalid-document');
    expect(codes(scorecard({ when: when(field('phone'), 'isSet') }, { behaviour: -5 }))).toContain(
      'bad-threshold',
    );
    const checklist = workflowOf(
      [
        {
          id: 'k',
          kind: 'checklist',
          label: 'K',
          position: pos,
          data: {
            mode: 'atLeast',
            atLeast: 3,
            criteria: [{ id: 'a', label: 'A', when: when(field('phone'), 'isSet') }],
          },
        },
      ],
      [edge('k', 'pass', 'to_sql'), edge('k', 'fail', 'to_sal')],
      'k',
    );
    expect(find(checklist, 'bad-threshold')[0]?.path).toBe('nodes[1].data.atLeast');
    const bounds = blankWorkflow();
    bounds.scores[0] = { id: 'fit', label: 'Fit', min: 10, max: 5 };
    expect(codes(bounds)).toContain('bad-threshold');
  });

  it('decay-without-events, and rows without any condition', () => {
    const w = workflowOf(
      [
        {
          id: 's',
          kind: 'scorecard',
          label: 'S',
          position: pos,
          data: {
            score: 'fit',
            rows: [
              { id: 'r', label: 'R', category: 'behaviour', points: 1, decayHalfLifeDays: 30 },
            ],
          },
        },
      ],
      [edge('s', 'next', 'to_nurture')],
      's',
    );
    expect(codes(w)).toEqual(expect.arrayContaining(['decay-without-events', 'empty-predicate']));
  });

  it('missing-prop and bad-aggregate', () => {
    expect(onCondition(when(events('webinar_attended', { agg: 'sum' }), 'gte', 1))[0]?.code).toBe(
      'missing-prop',
    );
    expect(
      onCondition(when(events('page_view', { agg: 'max', prop: 'path' }), 'gte', 1))[0]?.code,
    ).toBe('bad-aggregate');
  });

  it('unknown-score on scorecards, missing-score on collect tables', () => {
    const w = workflowOf(
      [
        {
          id: 's',
          kind: 'scorecard',
          label: 'S',
          position: pos,
          data: { score: 'karma', rows: [] },
        },
        {
          id: 't',
          kind: 'table',
          label: 'T',
          position: pos,
          data: {
            hitPolicy: 'collect',
            inputs: [],
            rows: [{ id: 'r', label: 'R', cells: [], points: 3 }],
          },
        },
      ],
      [edge('s', 'next', 't'), edge('t', 'next', 'to_nurture')],
      's',
    );
    expect(codes(w)).toEqual(
      expect.arrayContaining(['unknown-score', 'missing-score', 'empty-node']),
    );
  });

  it('bad-table: more cells than columns; cells are typed by their column', () => {
    const w = workflowOf(
      [
        {
          id: 't',
          kind: 'table',
          label: 'T',
          position: pos,
          data: {
            hitPolicy: 'first',
            inputs: [{ id: 'size', label: 'Size', operand: field('company_size') }],
            rows: [
              { id: 'a', label: 'A', cells: [{ op: 'gte', value: 1 }, { op: 'any' }] },
              { id: 'b', label: 'B', cells: [{ op: 'contains', value: 'x' }] },
            ],
          },
        },
      ],
      [edge('t', 'a', 'to_sql'), edge('t', 'b', 'to_sql'), edge('t', 'default', 'to_nurture')],
      't',
    );
    expect(find(w, 'bad-table')[0]?.path).toBe('nodes[1].data.rows[0].cells');
    expect(find(w, 'operator-type-mismatch')[0]?.path).toBe('nodes[1].data.rows[1].cells[0].op');
  });

  it('unknown-stage, unknown-placeholder, empty-tag, missing-label', () => {
    const w = workflowOf(
      [
        {
          id: 'a',
          kind: 'assign',
          label: '',
          position: pos,
          data: { tags: [{ tag: '', value: 'x' }] },
        },
        {
          id: 'z',
          kind: 'stage',
          label: 'Z',
          position: pos,
          data: { stage: 'zombie', reason: 'fit {score.karma} {tag.nope}' },
        },
      ],
      [edge('a', 'next', 'z')],
      'a',
    );
    expect(codes(w)).toEqual(
      expect.arrayContaining([
        'unknown-stage',
        'unknown-placeholder',
        'empty-tag',
        'missing-label',
      ]),
    );
  });

  it('every message names things by their labels, not only ids', () => {
    const w = defaultWorkflow();
    const c = w.nodes.find((n) => n.id === 'mql_threshold')!;
    if (c.kind === 'condition') c.data.when = all(when(score('fit'), 'gte', 'forty'));
    expect(validate(w, defaultCatalog)[0]?.message).toBe("'Fit score' compares a number with text");
  });
});

describe('validate: documents', () => {
  it('reports schema problems with paths and the step id', () => {
    const w = defaultWorkflow() as unknown as {
      nodes: { data: { rows?: { points: unknown }[] } }[];
    };
    w.nodes[2]!.data.rows![1]!.points = 'ten';
    const [d] = validate(w, defaultCatalog);
    expect(d).toMatchObject({
      code: 'invalid-document',
      path: 'nodes[2].data.rows[1].points',
      nodeId: 'fit',
    });
  });

  it('never throws, whatever it is given', () => {
    fc.assert(
      fc.property(
        fc.anything({ withBoxedValues: true, withMap: true, withSet: true, withTypedArray: true }),
        (x) => {
          const diagnostics = validate(x, defaultCatalog);
          expect(hasErrors(diagnostics)).toBe(true);
        },
      ),
      { numRuns: 300 },
    );
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no');
        },
        ownKeys() {
          throw new Error('no');
        },
      },
    );
    expect(hasErrors(validate(hostile, defaultCatalog))).toBe(true);
    expect(hasErrors(validate(defaultWorkflow(), hostile as never))).toBe(true);
  }, 60_000);

  it('never throws on mutated versions of the default workflow', () => {
    const base = JSON.parse(JSON.stringify(defaultWorkflow())) as unknown;
    const paths: (string | number)[][] = [];
    const collect = (v: unknown, path: (string | number)[]) => {
      paths.push(path);
      if (Array.isArray(v)) v.forEach((x, i) => collect(x, [...path, i]));
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) collect(x, [...path, k]);
    };
    collect(base, []);
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(paths.length - 1), fc.anything()), { minLength: 1, maxLength: 4 }),
        (mutations) => {
          const doc = JSON.parse(JSON.stringify(base)) as Record<string, unknown>;
          for (const [i, value] of mutations) {
            const path = paths[i]!;
            if (path.length === 0) continue;
            let target: unknown = doc;
            for (const key of path.slice(0, -1))
              target = (target as Record<string, unknown>)?.[key];
            if (target && typeof target === 'object')
              (target as Record<string | number, unknown>)[path[path.length - 1]!] = value;
          }
          const diagnostics = validate(doc, defaultCatalog);
          for (const d of diagnostics) expect(typeof d.message).toBe('string');
        },
      ),
      { numRuns: 400 },
    );
  }, 60_000);
});
