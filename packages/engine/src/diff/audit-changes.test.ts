import { defaultCatalog } from '../catalog/default-catalog';
import { describe, expect, it } from 'vitest';
import { defaultWorkflow } from '../defaults/default-workflow';
import type { NodeOf } from '../schema/node';
import { auditChanges, describeAuditChange, isAuditChangeSummary } from './audit-changes';

describe('auditChanges', () => {
  it('#15: names the step, row and field of each changed value', () => {
    const before = defaultWorkflow();
    const after = defaultWorkflow();
    const fit = after.nodes.find((n) => n.id === 'fit') as NodeOf<'scorecard'>;
    fit.data.rows.find((r) => r.id === 'title_executive')!.points = 25;
    fit.data.rows.splice(0, 1);
    after.stages[1] = { ...after.stages[1]!, label: 'Marketing qualified' };
    after.name = 'Inbound';
    const summary = auditChanges(before, after, { catalog: defaultCatalog });
    expect(summary.more).toBe(0);
    expect(summary.changes).toEqual(
      expect.arrayContaining([
        {
          step: 'Fit: who the lead is',
          row: 'Title is VP or C-level',
          field: 'points',
          before: 20,
          after: 25,
        },
        { step: 'Fit: who the lead is', row: 'First and last name given', field: 'row removed' },
        {
          step: 'Stages',
          row: 'Marketing qualified',
          field: 'label',
          before: 'MQL',
          after: 'Marketing qualified',
        },
        expect.objectContaining({ step: 'Workflow', field: 'name', after: 'Inbound' }),
      ]),
    );
    expect(summary.changes.map(describeAuditChange)).toContain(
      'Fit: who the lead is › Title is VP or C-level › points: 20 → 25',
    );
    expect(isAuditChangeSummary(JSON.parse(JSON.stringify(summary)))).toBe(true);
    expect(isAuditChangeSummary({ nodes: 3 })).toBe(false);
  });

  it('caps the summary and says how many changes were left out', () => {
    const before = defaultWorkflow();
    const after = defaultWorkflow();
    for (const node of after.nodes) node.label = `${node.label} (renamed, ${'x'.repeat(300)})`;
    const summary = auditChanges(before, after, { limit: 3, catalog: defaultCatalog });
    expect(summary.changes).toHaveLength(3);
    expect(summary.more).toBe(after.nodes.length - 3);
    expect(String(summary.changes[0]!.after).length).toBeLessThanOrEqual(200);
  });

  it('describes conditions in words', () => {
    const before = defaultWorkflow();
    const after = defaultWorkflow();
    const fit = after.nodes.find((n) => n.id === 'fit') as NodeOf<'scorecard'>;
    fit.data.rows[1]!.when = {
      operand: { kind: 'field', field: 'job_title' },
      op: 'contains',
      value: 'head',
    };
    const [change] = auditChanges(before, after, { catalog: defaultCatalog }).changes;
    expect(change).toMatchObject({ row: 'Job title given', field: 'condition' });
    expect(String(change!.after)).toMatch(/contains 'head'/i);
  });
});
