import { describe, expect, it } from 'vitest';
import { defaultWorkflow } from '../defaults/default-workflow';
import type { FieldCatalog } from '../schema/field-catalog';
import { catalogChanges, fieldChangeText, usedCatalogIds } from './catalog-changes';

const before: FieldCatalog = {
  fields: [
    {
      id: 'plan',
      label: 'Plan',
      type: 'enum',
      category: 'profile',
      values: [{ value: 'pro', label: 'Pro' }],
    },
    { id: 'visits', label: 'Visits', type: 'string', category: 'behaviour' },
    { id: 'fax', label: 'Fax', type: 'string', category: 'profile' },
    { id: 'gone', label: 'Gone', type: 'string', category: 'profile' },
  ],
  events: [],
};
const after: FieldCatalog = {
  fields: [
    {
      id: 'plan',
      label: 'Plan',
      type: 'enum',
      category: 'profile',
      values: [
        { value: 'pro', label: 'Pro plan' },
        { value: 'team', label: 'Team' },
      ],
    },
    { id: 'visits', label: 'Visits', type: 'number', category: 'behaviour' },
    { id: 'fax', label: 'Fax', type: 'string', category: 'profile', retired: true },
    { id: 'source', label: 'Source', type: 'string', category: 'channel' },
  ],
  events: [],
};

describe('catalogChanges', () => {
  it('lists added, retyped, option, retired and removed fields in words', () => {
    expect(catalogChanges(before, after).map(fieldChangeText)).toEqual([
      'Plan options: added team; relabelled pro',
      'Visits changed type from string to number',
      'Fax was retired',
      'Source was added (string)',
      'Gone was removed',
    ]);
  });

  it('keeps to the fields asked about and finds nothing between equal catalogs', () => {
    expect(catalogChanges(before, after, new Set(['visits'])).map((c) => c.kind)).toEqual([
      'retyped',
    ]);
    expect(catalogChanges(after, structuredClone(after))).toEqual([]);
  });
});

describe('usedCatalogIds', () => {
  it('finds the fields and events of the default workflow, reason templates included', () => {
    const workflow = defaultWorkflow();
    const stage = workflow.nodes.find((n) => n.kind === 'stage');
    if (stage?.kind === 'stage') stage.data.reason = 'Owner {field.owner_note}';
    const used = usedCatalogIds(workflow);
    expect(used.fields.has('job_title')).toBe(true);
    expect(used.fields.has('owner_note')).toBe(true);
    expect(used.fields.has('no_such_field')).toBe(false);
    expect(used.events.size).toBeGreaterThan(0);
  });
});
