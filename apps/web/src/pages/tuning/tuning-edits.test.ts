import {
  defaultWorkflow,
  parseWorkflow,
  type Predicate,
  type ScorecardRow,
  type Workflow,
} from '@accord/engine';
import { describe, expect, it } from 'vitest';
import {
  freshRowId,
  withDraftedRows,
  withRowPoints,
  withScorecardRow,
  withThreshold,
} from './tuning-edits';

const doc = (): Workflow => defaultWorkflow();
const node = (d: Workflow, id: string) => d.nodes.find((n) => n.id === id)!;
const rowsOf = (d: Workflow, id: string) => {
  const n = node(d, id);
  if (n.kind !== 'scorecard') throw new Error('not a scorecard');
  return n.data.rows;
};

describe('tuning edits of the draft (issue #19)', () => {
  it('sets the points of chosen rows and leaves the rest (and other steps) as they were', () => {
    const before = doc();
    const [first, second] = rowsOf(before, 'fit');
    const after = withRowPoints(before, 'fit', { [first!.id]: 35, [second!.id]: -5 });
    const rows = rowsOf(after, 'fit');
    expect(rows[0]!.points).toBe(35);
    expect(rows[1]!.points).toBe(-5);
    expect(rows.slice(2)).toEqual(rowsOf(before, 'fit').slice(2));
    expect(node(after, 'engagement')).toBe(node(before, 'engagement'));
    expect(parseWorkflow(after).ok).toBe(true);
    // Nothing to change: the same document, so no save and no audit event.
    expect(withRowPoints(after, 'fit', { [first!.id]: 35 })).toBe(after);
  });

  it('names what is gone when a row or step was deleted meanwhile', () => {
    expect(() => withRowPoints(doc(), 'fit', { nope: 5 })).toThrow(/row nope is no longer/);
    expect(() => withRowPoints(doc(), 'gone', { a: 5 })).toThrow(/step gone is no longer/);
    expect(() => withRowPoints(doc(), 'mql_threshold', { a: 5 })).toThrow(/not a scorecard/);
  });

  it('adds a signal as a row with an id no sibling uses', () => {
    const when: Predicate = {
      operand: { kind: 'field', field: 'lead_source' },
      op: 'eq',
      value: 'webinar',
    };
    const row: ScorecardRow = {
      id: 'lead_source_v:webinar',
      label: 'Lead source: webinar',
      category: 'channel',
      points: 10,
      when,
    };
    const once = withScorecardRow(doc(), 'fit', row);
    const twice = withScorecardRow(once, 'fit', row);
    const ids = rowsOf(twice, 'fit').map((r) => r.id);
    expect(ids.slice(-2)).toEqual(['lead_source_v_webinar', 'lead_source_v_webinar_2']);
    expect(new Set(ids).size).toBe(ids.length);
    expect(parseWorkflow(twice).ok).toBe(true);
    expect(freshRowId('!!!', [])).toBe('row');
  });

  it('sets a threshold inside a condition’s predicate by its path, as “at least”', () => {
    const before = doc();
    const condition = node(before, 'mql_threshold');
    if (condition.kind !== 'condition' || !('all' in condition.data.when)) throw new Error('shape');
    const after = withThreshold(before, { nodeId: 'mql_threshold', rowId: null, path: [1] }, 42);
    const when = node(after, 'mql_threshold');
    if (when.kind !== 'condition' || !('all' in when.data.when)) throw new Error('shape');
    expect(when.data.when.all[1]).toMatchObject({ op: 'gte', value: 42 });
    expect(when.data.when.all[0]).toEqual(condition.data.when.all[0]);
    expect(() =>
      withThreshold(before, { nodeId: 'mql_threshold', rowId: null, path: [7] }, 1),
    ).toThrow(/no longer where it was/);
    // A comparison that is not "score at least / over" is never overwritten.
    expect(() =>
      withThreshold(before, { nodeId: 'name_and_title', rowId: null, path: [0] }, 1),
    ).toThrow(/no longer a “score at least”/);
  });

  it('puts drafted rows in place of a scorecard’s rows, keeping its score, name and connections', () => {
    const before = doc();
    const fit = node(before, 'fit');
    const rows = [
      {
        id: 'd1',
        label: 'Total time on site over 1,000 s',
        category: 'behaviour' as const,
        points: 15,
        when: {
          operand: { kind: 'field' as const, field: 'company_size' },
          op: 'gte' as const,
          value: 1000,
        },
      },
    ];
    const after = withDraftedRows(before, 'fit', { score: 'other', rows });
    const replaced = node(after, 'fit');
    expect(replaced.kind === 'scorecard' && replaced.data).toEqual({ score: 'fit', rows });
    expect(replaced.label).toBe(fit.label);
    expect(after.edges).toBe(before.edges);
  });
});
