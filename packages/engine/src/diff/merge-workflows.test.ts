import { defaultCatalog } from '../catalog/default-catalog';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultWorkflow } from '../defaults/default-workflow';
import { canonicalJson } from '../hash/canonical-json';
import type { NodeOf, WorkflowNode } from '../schema/node';
import { parseWorkflow } from '../schema/parse-workflow';
import type { Workflow } from '../schema/workflow';
import { workflowArb } from '../testing/arbitraries';
import { mergeWorkflows } from './merge-workflows';

const clone = <T>(x: T): T => structuredClone(x);
const fitRows = (w: Workflow) =>
  (w.nodes.find((n) => n.id === 'fit') as NodeOf<'scorecard'>).data.rows;
const row = (w: Workflow, id: string) => fitRows(w).find((r) => r.id === id)!;

describe('mergeWorkflows', () => {
  it('#15: keeps both people’s edits to different rows of one scorecard', () => {
    const base = defaultWorkflow();
    const theirs = clone(base);
    row(theirs, 'title_executive').points = 25; // marketing
    const mine = clone(base);
    row(mine, 'title_director').points = 12; // sales
    const { doc, conflicts } = mergeWorkflows(base, mine, theirs, defaultCatalog);
    expect(conflicts).toEqual([]);
    expect(row(doc, 'title_executive').points).toBe(25);
    expect(row(doc, 'title_director').points).toBe(12);
  });

  it('#15: reports both changing the same row’s points as a conflict, and applies the choice', () => {
    const base = defaultWorkflow();
    const theirs = clone(base);
    row(theirs, 'title_executive').points = 15;
    row(theirs, 'name').label = 'Full name given';
    const mine = clone(base);
    row(mine, 'title_executive').points = 30;
    const { conflicts } = mergeWorkflows(base, mine, theirs, defaultCatalog);
    expect(conflicts).toEqual([
      expect.objectContaining({
        where: ['Fit: who the lead is', 'Title is VP or C-level', 'points'],
        base: 20,
        mine: 30,
        theirs: 15,
        mineText: '30',
        theirsText: '15',
      }),
    ]);
    const id = conflicts[0]!.id;
    const theirsWins = mergeWorkflows(base, mine, theirs, defaultCatalog, { [id]: 'theirs' }).doc;
    expect(row(theirsWins, 'title_executive').points).toBe(15);
    expect(row(theirsWins, 'name').label).toBe('Full name given');
    const mineWins = mergeWorkflows(base, mine, theirs, defaultCatalog, { [id]: 'mine' }).doc;
    expect(row(mineWins, 'title_executive').points).toBe(30);
    expect(row(mineWins, 'name').label).toBe('Full name given');
  });

  it('merges rows added, removed and changed by id, keeping order sensibly', () => {
    const base = defaultWorkflow();
    const mine = clone(base);
    const rows = fitRows(mine);
    rows.splice(1, 0, { ...rows[0]!, id: 'mine_new', label: 'Mine new' });
    const theirs = clone(base);
    fitRows(theirs).push({ ...fitRows(theirs)[0]!, id: 'theirs_new', label: 'Theirs new' });
    fitRows(theirs).splice(
      fitRows(theirs).findIndex((r) => r.id === 'phone'),
      1,
    );
    const { doc, conflicts } = mergeWorkflows(base, mine, theirs, defaultCatalog);
    expect(conflicts).toEqual([]);
    const ids = fitRows(doc).map((r) => r.id);
    expect(ids.slice(0, 3)).toEqual(['name', 'mine_new', 'title_given']);
    expect(ids.at(-1)).toBe('theirs_new');
    expect(ids).not.toContain('phone');
  });

  it('asks when one side removed a row the other changed', () => {
    const base = defaultWorkflow();
    const mine = clone(base);
    fitRows(mine).splice(0, 1);
    const theirs = clone(base);
    row(theirs, 'name').points = 11;
    const { doc, conflicts } = mergeWorkflows(base, mine, theirs, defaultCatalog);
    expect(conflicts.map((c) => [c.where.join(' › '), c.mineText, c.theirsText])).toEqual([
      ['Fit: who the lead is › First and last name given', 'removed', 'kept, with changes'],
    ]);
    expect(fitRows(doc).some((r) => r.id === 'name')).toBe(false);
    const kept = mergeWorkflows(base, mine, theirs, defaultCatalog, {
      [conflicts[0]!.id]: 'theirs',
    }).doc;
    expect(row(kept, 'name').points).toBe(11);
  });

  it('merges stages, scores and connections instead of taking mine wholesale', () => {
    const base = defaultWorkflow();
    const theirs = clone(base);
    theirs.stages[1] = { ...theirs.stages[1]!, label: 'Marketing qualified' };
    theirs.scores[0] = { ...theirs.scores[0]!, max: 150 };
    theirs.edges = theirs.edges.slice(1);
    const mine = clone(base);
    mine.stages.push({ id: 'won', label: 'Won', order: 9 });
    mine.nodes[0] = { ...mine.nodes[0]!, label: 'Mine' };
    const { doc, conflicts } = mergeWorkflows(base, mine, theirs, defaultCatalog);
    expect(conflicts).toEqual([]);
    expect(doc.stages[1]!.label).toBe('Marketing qualified');
    expect(doc.stages.at(-1)!.id).toBe('won');
    expect(doc.scores[0]!.max).toBe(150);
    expect(doc.edges.map((e) => e.id)).toEqual(theirs.edges.map((e) => e.id));
    expect(doc.nodes[0]!.label).toBe('Mine');
  });

  it('names a condition conflict in words and keeps my position when both moved a step', () => {
    const base = defaultWorkflow();
    const mine = clone(base);
    const theirs = clone(base);
    row(mine, 'title_given').when = {
      operand: { kind: 'field', field: 'job_title' },
      op: 'isEmpty',
    };
    row(theirs, 'title_given').when = {
      operand: { kind: 'field', field: 'job_title' },
      op: 'contains',
      value: 'head',
    };
    mine.nodes[1]!.position = { x: 1, y: 1 };
    theirs.nodes[1]!.position = { x: 2, y: 2 };
    const { doc, conflicts } = mergeWorkflows(base, mine, theirs, defaultCatalog);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]!.where.at(-1)).toBe('condition');
    expect(conflicts[0]!.theirsText).toMatch(/head/);
    expect(doc.nodes[1]!.position).toEqual({ x: 1, y: 1 });
  });
});

/** Changes that touch one node each, so changes on different nodes never overlap. */
type Edit = { node: number; what: 'label' | 'row-points' | 'row-add' | 'row-remove' | 'remove' };
const editArb = fc.record({
  node: fc.nat(20),
  what: fc.constantFrom('label', 'row-points', 'row-add', 'row-remove', 'remove'),
}) as fc.Arbitrary<Edit>;

function applyEdit(doc: Workflow, edit: Edit, tag: string): Workflow {
  const next = clone(doc);
  const node = next.nodes[edit.node % next.nodes.length]!;
  const rows = node.kind === 'scorecard' ? node.data.rows : undefined;
  if (edit.what === 'remove') next.nodes = next.nodes.filter((n) => n !== node);
  else if (edit.what === 'label' || !rows) node.label = `${node.label} (${tag})`;
  else if (edit.what === 'row-points' && rows[0]) rows[0].points += 7;
  else if (edit.what === 'row-remove' && rows.length) rows.pop();
  else rows.push({ id: `new_${tag}`, label: tag, category: 'profile', points: 3 });
  return next;
}

const byId = (nodes: WorkflowNode[], id: string) => nodes.find((n) => n.id === id);

describe('mergeWorkflows properties', () => {
  it('merge(base, x, base) is x and merge(base, base, y) is y', () => {
    fc.assert(
      fc.property(workflowArb, workflowArb, (base, x) => {
        expect(canonicalJson(mergeWorkflows(base, x, base, defaultCatalog).doc)).toBe(
          canonicalJson(x),
        );
        expect(canonicalJson(mergeWorkflows(base, base, x, defaultCatalog).doc)).toBe(
          canonicalJson(x),
        );
      }),
      { numRuns: 60 },
    );
  });

  it('keeps every change only one side made, without conflicts, and the result parses', () => {
    fc.assert(
      fc.property(workflowArb, editArb, editArb, (base, e1, e2) => {
        const n = base.nodes.length;
        fc.pre(e1.node % n !== e2.node % n);
        const mine = applyEdit(base, e1, 'mine');
        const theirs = applyEdit(base, e2, 'theirs');
        const { doc, conflicts } = mergeWorkflows(base, mine, theirs, defaultCatalog);
        expect(conflicts).toEqual([]);
        expect(parseWorkflow(doc).ok).toBe(true);
        for (const [side, edit] of [
          [mine, e1],
          [theirs, e2],
        ] as const) {
          const id = base.nodes[edit.node % n]!.id;
          expect(canonicalJson(byId(doc.nodes, id))).toBe(canonicalJson(byId(side.nodes, id)));
        }
        // What neither touched is the base's.
        for (const node of base.nodes) {
          if ([e1, e2].some((e) => base.nodes[e.node % n]!.id === node.id)) continue;
          expect(canonicalJson(byId(doc.nodes, node.id))).toBe(canonicalJson(node));
        }
      }),
      { numRuns: 150 },
    );
  });

  it('edits of different rows of one scorecard both survive; the same row’s points conflict', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: 0, max: 10 }),
        fc.integer({ min: -50, max: 50 }),
        fc.integer({ min: -50, max: 50 }),
        (i, j, a, b) => {
          const base = defaultWorkflow();
          const mine = clone(base);
          const theirs = clone(base);
          const ri = fitRows(base)[i]!;
          const rj = fitRows(base)[j]!;
          fc.pre(a !== ri.points && b !== rj.points);
          row(mine, ri.id).points = a;
          row(theirs, rj.id).points = b;
          const { doc, conflicts } = mergeWorkflows(base, mine, theirs, defaultCatalog);
          expect(parseWorkflow(doc).ok).toBe(true);
          if (i !== j) {
            expect(conflicts).toEqual([]);
            expect(row(doc, ri.id).points).toBe(a);
            expect(row(doc, rj.id).points).toBe(b);
          } else if (a !== b) {
            expect(conflicts.map((c) => [c.mine, c.theirs])).toEqual([[a, b]]);
          } else expect(conflicts).toEqual([]);
        },
      ),
      { numRuns: 100 },
    );
  });
});
