import { auditChanges, defaultWorkflow, type Workflow, defaultCatalog } from '@accord/engine';
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { AuditChange } from './audit-change';
import { auditSummary, auditSummaryText } from './audit-summary';

afterEach(cleanup);

/** The default workflow with the first row of the "fit" scorecard worth `delta` more points. */
function withFitRowChanged(delta: number): Workflow {
  const doc = defaultWorkflow();
  return {
    ...doc,
    nodes: doc.nodes.map((n) =>
      n.kind === 'scorecard' && n.id === 'fit'
        ? {
            ...n,
            data: {
              ...n.data,
              rows: n.data.rows.map((r, i) => (i === 0 ? { ...r, points: r.points + delta } : r)),
            },
          }
        : n,
    ),
  };
}

describe('#15: audit events in words', () => {
  it('says what a draft save changed, value by value (the shape saves record now)', () => {
    const before = defaultWorkflow();
    const after = {
      revision: 5,
      nodes: 12,
      edges: 14,
      ...auditChanges(before, withFitRowChanged(5), { catalog: defaultCatalog }),
    };
    const summary = auditSummary({ action: 'draft.save', before: { revision: 4 }, after });
    const fitRow = before.nodes.find((n) => n.id === 'fit');
    if (fitRow?.kind !== 'scorecard') throw new Error('the default workflow has a fit scorecard');
    const points = fitRow.data.rows[0]!.points;
    expect(summary.headline).toMatch(/^Saved the draft as revision 5: .*points: /);
    expect(summary.headline).toContain(`${points} → ${points + 5}`);
    expect(summary.headline).not.toContain('{');
  });

  it('lists several changes and counts the ones the event left out', () => {
    const summary = auditSummary({
      action: 'draft.save',
      before: { revision: 1 },
      after: {
        revision: 2,
        changes: [
          { step: 'Fit', row: 'Title is VP', field: 'points', before: 10, after: 15 },
          { step: 'MQL threshold', field: 'condition', before: 'Fit ≥ 40', after: 'Fit ≥ 45' },
          { step: 'Nurture', field: 'step added (stage)' },
        ],
        more: 2,
      },
    });
    expect(summary.headline).toBe('Saved the draft as revision 2: 5 changes');
    expect(summary.items).toEqual([
      'Fit › Title is VP › points: 10 → 15',
      'MQL threshold › condition: Fit ≥ 40 → Fit ≥ 45',
      'Nurture › step added (stage)',
    ]);
    expect(summary.more).toBe(2);
    expect(auditSummaryText(summary)).toContain('; and 2 more');
  });

  it('reads older draft saves, which recorded only the size of the draft', () => {
    expect(
      auditSummary({
        action: 'draft.save',
        before: { revision: 3 },
        after: { revision: 4, nodes: 12, edges: 1 },
      }).headline,
    ).toBe('Saved the draft as revision 4 (12 steps, 1 connection)');
  });

  it('says which version went live, what it replaced and why', () => {
    expect(
      auditSummary({
        action: 'version.publish',
        before: { published: 2 },
        after: { published: 3, reason: 'Q3 thresholds agreed at the pipeline review' },
      }).headline,
    ).toBe(
      'Published version 3 (version 2 was live). Reason: “Q3 thresholds agreed at the pipeline review”',
    );
    expect(
      auditSummary({
        action: 'version.rollback',
        before: { published: 3 },
        after: { published: 2 },
      }).headline,
    ).toBe('Rolled back to version 2 (version 3 was live)');
    expect(
      auditSummary({
        action: 'version.publish',
        before: null,
        after: { published: 1, note: 'seeded as signed off' },
      }).headline,
    ).toBe('Published version 1 (nothing was live before). Note: “seeded as signed off”');
  });

  it('words sign-offs, proposals, renames, keys and users', () => {
    const approve = auditSummary({
      action: 'version.approve',
      before: { status: 'proposed' },
      after: { status: 'approved', number: 3, comment: 'Fine for sales', ownVersion: false },
    });
    expect(approve.headline).toBe('Approved version 3: “Fine for sales”');
    expect(approve.items).toEqual(['status: proposed → approved']);
    expect(
      auditSummary({
        action: 'version.propose',
        before: null,
        after: { number: 4, changeNote: 'Raise MQL', hash: 'ab12', draftRevision: 9 },
      }).headline,
    ).toBe('Proposed version 4 for sign-off: “Raise MQL”');
    expect(
      auditSummary({ action: 'workflow.rename', before: { name: 'A' }, after: { name: 'B' } })
        .headline,
    ).toBe('Renamed the workflow “A” → “B”');
    expect(
      auditSummary({
        action: 'apiKey.create',
        before: null,
        after: { name: 'HubSpot', prefix: 'acc_1a2b' },
      }).headline,
    ).toBe('Created the API key “HubSpot” (acc_1a2b…)');
    expect(
      auditSummary({
        action: 'user.update',
        before: { name: 'Sam', role: 'sales', disabled: false },
        after: { name: 'Sam', role: 'ops', disabled: false },
      }).headline,
    ).toBe("Changed the user's role: sales → ops");
  });

  it('falls back to the changed values for actions it does not know, and never throws', () => {
    expect(
      auditSummary({ action: 'future.thing', before: { on: false }, after: { on: true } }).headline,
    ).toBe('on: no → yes');
    for (const odd of [null, undefined, 'text', 42, [1, 2], { changes: 'not a list' }])
      for (const action of ['draft.save', 'version.publish', 'simulation.start', 'x.y'])
        expect(() => auditSummary({ action, before: odd, after: odd })).not.toThrow();
    expect(auditSummary({ action: 'draft.save', before: null, after: 'text' }).headline).toBe(
      'Saved the draft',
    );
  });

  it('#17: says what a field catalog change did, change by change, and why', () => {
    const summary = auditSummary({
      action: 'fields.update',
      before: { revision: 4 },
      after: {
        revision: 5,
        changes: ['Plan options: added team', 'Plan was called Tier'],
        more: 0,
        field: 'plan',
        reason: 'Sales sells a team plan now',
      },
    });
    expect(summary.headline).toBe(
      'Changed a field of the catalog (catalog revision 4 → 5). Why: “Sales sells a team plan now”',
    );
    expect(summary.items).toEqual(['Plan options: added team', 'Plan was called Tier']);
    expect(
      auditSummary({
        action: 'fields.applyTemplate',
        before: { revision: 0 },
        after: { revision: 1, template: 'b2b', fields: 35 },
      }).headline,
    ).toBe('Started the field catalog from the b2b template (35 fields)');
    expect(
      auditSummary({ action: 'fields.addMany', before: {}, after: { changes: ['A'], more: 3 } })
        .more,
    ).toBe(3);
  });

  it('shows the words in the table and keeps the raw JSON one click away', () => {
    const event = {
      action: 'version.publish',
      before: { published: 2 },
      after: { published: 3, reason: 'Q3' },
    };
    render(<AuditChange event={event} />);
    const headline = screen.getByText('Published version 3 (version 2 was live). Reason: “Q3”');
    expect(headline.getAttribute('title')).toBe(headline.textContent);
    const raw = screen.getByTestId('audit-raw-json');
    expect(raw.closest('details')?.open).toBe(false);
    expect(JSON.parse(raw.textContent!)).toEqual({ before: event.before, after: event.after });
  });
});
