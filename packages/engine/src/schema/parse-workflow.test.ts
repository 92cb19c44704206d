import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPath, parseLead, parseWorkflow } from './parse-workflow';
import { defaultWorkflow } from '../defaults/default-workflow';

describe('parseWorkflow', () => {
  it('accepts the default workflow and returns an equal copy', () => {
    const w = defaultWorkflow();
    const parsed = parseWorkflow(JSON.parse(JSON.stringify(w)));
    expect(parsed.ok && parsed.workflow).toEqual(w);
  });

  it('names the path of every problem, picking the branch a predicate meant', () => {
    const doc = JSON.parse(JSON.stringify(defaultWorkflow()));
    doc.nodes[2].data.rows[2].points = '20';
    doc.nodes[5].data.when.all[1].op = 'roughly';
    doc.nodes[1].kind = 'decision';
    delete doc.edges[3].target;
    const parsed = parseWorkflow(doc);
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.errors).toEqual(
      expect.arrayContaining([
        { path: 'nodes[2].data.rows[2].points', message: 'must be a number' },
        {
          path: 'nodes[5].data.when.all[1].op',
          message: expect.stringContaining('must be one of "eq"'),
        },
        { path: 'nodes[1].kind', message: 'is not a known node kind' },
        { path: 'edges[3].target', message: 'is required' },
      ]),
    );
  });

  it('never throws', () => {
    fc.assert(
      fc.property(fc.anything(), (x) => {
        const parsed = parseWorkflow(x);
        expect(parsed.ok).toBe(false);
      }),
      { numRuns: 300 },
    );
    const getter = Object.defineProperty({}, 'nodes', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(parseWorkflow(getter)).toMatchObject({ ok: false });
  });
});

describe('parseLead', () => {
  it('accepts ISO or epoch event times and defaults events', () => {
    const parsed = parseLead({ id: 'l', attributes: { email: 'a@b.c', size: 5, tags: ['x'] } });
    expect(parsed.ok && parsed.lead.events).toEqual([]);
    expect(
      parseLead({
        id: 'l',
        attributes: {},
        events: [
          { type: 'page_view', at: '2026-01-01' },
          { type: 'x', at: 1 },
        ],
      }).ok,
    ).toBe(true);
    const bad = parseLead({
      id: 'l',
      attributes: { x: { nested: true } },
      events: [{ type: 'page_view' }],
    });
    expect(bad.ok ? [] : bad.errors.map((e) => e.path)).toEqual(['attributes.x', 'events[0].at']);
  });
});

describe('formatPath', () => {
  it('reads like JavaScript', () => {
    expect(formatPath(['nodes', 3, 'data', 'rows', 2, 'points'])).toBe(
      'nodes[3].data.rows[2].points',
    );
    expect(formatPath(['attributes', 'job title'])).toBe('attributes["job title"]');
    expect(formatPath([])).toBe('');
  });
});
