import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { compile } from './compile';
import { interpret } from '../reference/interpret';
import { defaultCatalog } from '../catalog/default-catalog';
import { extendCatalog } from '../catalog/catalog-index';
import { defaultWorkflow } from '../defaults/default-workflow';
import type { FieldCatalog } from '../schema/field-catalog';
import type { Workflow } from '../schema/workflow';
import { AS_OF, DAY } from '../testing/fixtures';

declare global {
  var __accordPwned: unknown;
}

const PAYLOADS = [
  '"); process.exit(1); ("',
  "'); globalThis.__accordPwned = 1; ('",
  '`); globalThis.__accordPwned = 1; (`',
  '${globalThis.__accordPwned = 1}',
  '\u2028globalThis.__accordPwned = 1;\u2029//',
  '</script><script>globalThis.__accordPwned = 1</script>',
  'k[0]',
  'rt.toText',
  '*/ globalThis.__accordPwned = 1; /*',
  '\\',
  '__proto__',
  'constructor',
  'toString',
  'c0',
];

/** A workflow in which every id, label, value, tag and template comes from the payload. */
function hostileWorkflow(p: string): { workflow: Workflow; catalog: FieldCatalog } {
  const id = (s: string) => `${p}${s}`;
  const catalog = extendCatalog(defaultCatalog, {
    fields: [
      { id: p, label: id(' label'), type: 'string', category: 'profile' },
      { id: id('#n'), label: id(' number'), type: 'number', category: 'profile' },
      { id: id('#mail'), label: id(' mail'), type: 'email', category: 'profile' },
    ],
    events: [
      {
        id: id('#ev'),
        label: id(' event'),
        category: 'behaviour',
        props: [{ id: p, label: id(' prop'), type: 'string' }],
      },
    ],
  });
  const pos = { x: 0, y: 0 };
  const field = (f: string) => ({ kind: 'field' as const, field: f });
  const template = /[{}]/.test(p)
    ? `${p} stage`
    : `${p} {score.${p}} {tag.${p}} {field.${p}} {stage}`;
  const workflow: Workflow = {
    schemaVersion: 1,
    stages: [{ id: id('#stage'), label: id(' Stage'), order: 0 }],
    scores: [{ id: p, label: id(' Score'), max: 1000 }],
    nodes: [
      { id: id('#start'), kind: 'start', label: p, position: pos, data: {} },
      {
        id: id('#switch'),
        kind: 'switch',
        label: p,
        position: pos,
        data: {
          cases: [
            {
              id: p,
              label: id(' case'),
              when: { operand: field(p), op: 'eq', value: id('#nomatch') },
            },
          ],
        },
      },
      {
        id: id('#score'),
        kind: 'scorecard',
        label: p,
        position: pos,
        data: {
          score: p,
          rows: [
            {
              id: p,
              label: id(' row'),
              category: 'profile',
              points: 7,
              when: { operand: field(p), op: 'contains', value: p },
            },
            {
              id: id('#per'),
              label: id(' per event'),
              category: 'behaviour',
              points: 2,
              perEvent: { event: id('#ev'), where: [{ prop: p, op: 'eq', value: p }] },
            },
            {
              id: id('#dom'),
              label: id(' domain'),
              category: 'undesirable',
              points: -1,
              when: { operand: field(id('#mail')), op: 'emailDomainIn', value: [`${p}.com`] },
            },
          ],
        },
      },
      {
        id: id('#table'),
        kind: 'table',
        label: p,
        position: pos,
        data: {
          hitPolicy: 'first',
          inputs: [{ id: p, label: p, operand: field(id('#n')) }],
          rows: [
            {
              id: p,
              label: id(' row'),
              cells: [{ op: 'gte', value: 1 }],
              tags: [{ tag: p, value: id(' value') }],
            },
          ],
        },
      },
      {
        id: id('#assign'),
        kind: 'assign',
        label: p,
        position: pos,
        data: { tags: [{ tag: id('#t2'), value: p }] },
      },
      {
        id: id('#check'),
        kind: 'checklist',
        label: p,
        position: pos,
        data: {
          mode: 'all',
          criteria: [
            {
              id: p,
              label: id(' criterion'),
              when: { operand: { kind: 'tag', tag: p }, op: 'eq', value: id(' value') },
            },
          ],
        },
      },
      {
        id: id('#end'),
        kind: 'stage',
        label: p,
        position: pos,
        data: { stage: id('#stage'), reason: template },
      },
    ],
    edges: [
      [id('#start'), 'next', id('#switch')],
      [id('#switch'), p, id('#end')],
      [id('#switch'), 'default', id('#score')],
      [id('#score'), 'next', id('#table')],
      [id('#table'), p, id('#assign')],
      [id('#table'), 'default', id('#assign')],
      [id('#assign'), 'next', id('#check')],
      [id('#check'), 'pass', id('#end')],
      [id('#check'), 'fail', id('#end')],
    ].map(([source, sourceHandle, target], i) => ({
      id: `${p}#e${i}`,
      source: source!,
      sourceHandle: sourceHandle!,
      target: target!,
    })),
  };
  return { workflow, catalog };
}

afterEach(() => {
  vi.restoreAllMocks();
  delete globalThis.__accordPwned;
});

describe('workflow strings are data, never code', () => {
  it.each(PAYLOADS)('payload %j', (p) => {
    const proc = (globalThis as unknown as { process: { exit: (code?: number) => never } }).process;
    const exit = vi.spyOn(proc, 'exit').mockImplementation((() => {
      throw new Error('process.exit called');
    }) as never);
    globalThis.__accordPwned = 'untouched';
    const { workflow, catalog } = hostileWorkflow(p);
    const compiled = compile(workflow, catalog);
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
    // Only generated identifiers and checked numbers reach the source.
    if (p.length > 2 && p !== 'c0' && p !== 'k[0]') expect(compiled.source).not.toContain(p);
    const lead = JSON.parse(
      JSON.stringify({
        id: p,
        attributes: { [p]: `xx ${p} xx`, [`${p}#n`]: 3, [`${p}#mail`]: `someone@${p}.com` },
        events: [
          { type: `${p}#ev`, at: AS_OF - DAY, props: { [p]: p } },
          { type: `${p}#ev`, at: AS_OF - DAY, props: { [p]: 'other' } },
        ],
      }),
    );
    const result = compiled.evaluate(lead, { asOf: AS_OF });
    expect(result).toEqual(interpret(workflow, lead, { asOf: AS_OF }, catalog));
    expect(result.stage).toBe(`${p}#stage`);
    // Text compares trimmed: a payload with edge whitespace no longer matches as a mail domain.
    const domainMatches = p.trim() === p;
    expect(Object.getOwnPropertyDescriptor(result.scores, p)?.value).toBe(domainMatches ? 8 : 9);
    expect(Object.getOwnPropertyDescriptor(result.tags, p)?.value).toBe(`${p} value`);
    expect(Object.getOwnPropertyDescriptor(result.tags, `${p}#t2`)?.value).toBe(p);
    const texts = result.reasons.map((r) => r.text);
    expect(texts).toContain(`+7 ${p} Score: ${p} row`);
    expect(texts).toContain(`+2 ${p} Score: ${p} per event (1 event)`);
    if (domainMatches)
      expect(texts).toContain(`-1 ${p} Score: ${p} domain (${p.toLowerCase()}.com)`);
    expect(texts).toContain(`${p}: 1 of 1 criteria met (${p} criterion)`);
    const last = texts[texts.length - 1];
    if (!/[{}]/.test(p))
      expect(last).toBe(`${p} ${domainMatches ? 8 : 9} ${p} value xx ${p} xx ${p} Stage`);
    expect(result.path[0]).toBe(`${p}#start`);
    expect(globalThis.__accordPwned).toBe('untouched');
    expect(exit).not.toHaveBeenCalled();
    expect(Object.getPrototypeOf(result.tags)).toBe(Object.prototype);
  });
});

describe('compile never throws', () => {
  it('on arbitrary input', () => {
    fc.assert(
      fc.property(fc.anything({ withBoxedValues: true, withMap: true, withSet: true }), (x) => {
        const result = compile(x, defaultCatalog);
        expect(result.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  }, 60_000);

  it('on mutated default workflows; what compiles also evaluates', () => {
    const base = JSON.stringify(defaultWorkflow());
    const lead = {
      id: 'x',
      attributes: { job_title: 'VP', company_size: 500 },
      events: [{ type: 'page_view', at: AS_OF, props: { path: '/pricing' } }],
    };
    let compiledCount = 0;
    fc.assert(
      fc.property(
        fc.nat(40),
        fc.constantFrom(
          'label',
          'id',
          'value',
          'points',
          'op',
          'stage',
          'score',
          'target',
          'field',
          'event',
          'when',
          'data',
          'kind',
        ),
        fc.anything(),
        (skip, key, value) => {
          const doc = JSON.parse(base) as unknown;
          let seen = 0;
          const visit = (v: unknown): void => {
            if (Array.isArray(v)) v.forEach(visit);
            else if (v && typeof v === 'object') {
              const record = v as Record<string, unknown>;
              if (key in record && seen++ === skip) record[key] = value;
              Object.values(record).forEach(visit);
            }
          };
          visit(doc);
          const result = compile(doc, defaultCatalog);
          if (result.ok) {
            compiledCount++;
            expect(typeof result.evaluate(lead, { asOf: AS_OF }).stage).toBe('string');
          } else expect(result.diagnostics.length).toBeGreaterThan(0);
        },
      ),
      { numRuns: 250 },
    );
    expect(compiledCount).toBeGreaterThan(0);
  }, 60_000);
});
