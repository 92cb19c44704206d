import { describe, expect, it } from 'vitest';
import { compile } from '../compile/compile';
import { defaultCatalog } from '../catalog/default-catalog';
import { AS_OF, DAY, edge, lead, workflowOf } from '../testing/fixtures';
import { validate } from '../validate/validate';
import type { WorkflowNode } from './node';
import { parseWorkflow } from './parse-workflow';

type Row = Extract<WorkflowNode, { kind: 'scorecard' }>['data']['rows'][number];

/** start → a scorecard of one per-event row adding to engagement → nurture. */
const workflowWith = (row: Partial<Row>, node: Record<string, unknown> = {}) =>
  workflowOf(
    [
      {
        id: 'sc',
        kind: 'scorecard',
        label: 'Engagement',
        position: { x: 0, y: 0 },
        data: {
          score: 'engagement',
          rows: [
            {
              id: 'clicks',
              label: 'Email clicks',
              category: 'behaviour',
              points: 8,
              perEvent: { event: 'email_click' },
              ...row,
            },
          ],
          ...node,
        },
      },
    ],
    [edge('sc', 'next', 'to_nurture')],
    'sc',
  );

const clicked = lead({}, [
  { type: 'email_click', at: AS_OF },
  { type: 'email_click', at: AS_OF - 3 * DAY },
]);

/** The extreme numbers JSON can carry: denormal, zero, negative, the largest double. */
const EXTREMES = [5e-324, 1e-320, 0, -0, -1, 1e-9, 1e308, -1e308, Number.MAX_VALUE];

describe('#18: numbers that break the math are refused by the schema', () => {
  it('refuses a decay half-life of 1e-320 days, naming its path', () => {
    const parsed = parseWorkflow(workflowWith({ decayHalfLifeDays: 1e-320 }));
    expect(parsed).toEqual({
      ok: false,
      errors: [
        {
          path: 'nodes[1].data.rows[0].decayHalfLifeDays',
          message: 'must be from 1/24 (an hour) to 36500 days',
        },
      ],
    });
    expect(parseWorkflow(workflowWith({ decayHalfLifeDays: 1 / 24 })).ok).toBe(true);
    expect(parseWorkflow(workflowWith({ decayHalfLifeDays: 36_500 })).ok).toBe(true);
  });

  it.each([
    ['decayHalfLifeDays', (n: number) => workflowWith({ decayHalfLifeDays: n })],
    ['points', (n: number) => workflowWith({ points: n })],
    ['cap', (n: number) => workflowWith({ cap: n })],
    [
      'withinDays',
      (n: number) => workflowWith({ perEvent: { event: 'email_click', withinDays: n } }),
    ],
    ['a category cap', (n: number) => workflowWith({}, { categoryCaps: { behaviour: n } })],
  ])('%s: a document that validates never scores NaN or Infinity', (_, build) => {
    for (const n of EXTREMES) {
      const document = build(n);
      if (!parseWorkflow(document).ok) continue;
      if (validate(document, defaultCatalog).some((d) => d.severity === 'error')) continue;
      const compiled = compile(document, defaultCatalog);
      if (!compiled.ok) continue;
      const result = compiled.evaluate(clicked, { asOf: AS_OF });
      expect(Number.isFinite(result.scores.engagement), `${n}`).toBe(true);
      for (const reason of result.reasons) expect(reason.text, `${n}`).not.toMatch(/NaN|Infinity/);
    }
  });
});
