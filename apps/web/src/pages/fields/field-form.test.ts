import { describe, expect, it } from 'vitest';
import {
  emptyFieldForm,
  fieldIdFromLabel,
  fieldMatches,
  fieldToForm,
  fieldUseText,
  formProblem,
  formToField,
  usesByWorkflow,
  type FieldUse,
} from './field-form';

describe('the field dialog form (#17)', () => {
  it('derives an id from a label as rules write ids', () => {
    expect(fieldIdFromLabel('Time on site (s)')).toBe('time_on_site_s');
    expect(fieldIdFromLabel('  Spécialisation / Métier ')).toBe('specialisation_metier');
    expect(fieldIdFromLabel('2nd contact')).toBe('f_2nd_contact');
    expect(fieldIdFromLabel('--')).toBe('');
    expect(fieldIdFromLabel('a '.repeat(100))).toHaveLength(63);
    expect(fieldIdFromLabel('a '.repeat(100))).toMatch(/^[a-z][a-z0-9_]*[a-z0-9]$/);
  });

  it('turns a form into a field: blank option rows dropped, labels default to values, options only for enum and list', () => {
    const form = {
      ...emptyFieldForm('channel'),
      id: 'origin',
      label: ' Origin ',
      type: 'enum' as const,
      description: '  ',
      options: [
        { value: 'web', label: 'Website' },
        { value: ' ads ', label: '' },
        { value: '', label: 'orphan label' },
      ],
      missing: ['Select'],
    };
    expect(formToField(form)).toEqual({
      id: 'origin',
      label: 'Origin',
      type: 'enum',
      category: 'channel',
      values: [
        { value: 'web', label: 'Website' },
        { value: 'ads', label: 'ads' },
      ],
      missing: ['Select'],
    });
    expect(formToField({ ...form, type: 'string' })).not.toHaveProperty('values');
    expect(formToField(fieldToForm(formToField(form)))).toEqual(formToField(form));
  });

  it('names what a form lacks before asking the server', () => {
    const base = { ...emptyFieldForm(), id: 'plan', label: 'Plan' };
    expect(formProblem({ ...base, label: ' ' }, new Set())).toBe('Give the field a label.');
    expect(formProblem({ ...base, id: '' }, new Set())).toBe('Give the field an id.');
    expect(formProblem(base, new Set(['plan']))).toBe("There is already a field 'plan'.");
    expect(formProblem({ ...base, type: 'enum' }, new Set())).toBe(
      'Give the enum at least one option.',
    );
    const twice = [
      { value: 'a', label: 'A' },
      { value: 'a', label: 'A again' },
    ];
    expect(formProblem({ ...base, type: 'enum', options: twice }, new Set())).toBe(
      'The option "a" is given twice.',
    );
    expect(formProblem(base, new Set())).toBeUndefined();
  });

  it('searches labels, ids, descriptions and options, ignoring case', () => {
    const field = {
      id: 'lead_source',
      label: 'Lead source',
      type: 'enum' as const,
      category: 'channel' as const,
      values: [{ value: 'paid_search', label: 'Paid search' }],
    };
    expect(fieldMatches(field, 'SOURCE')).toBe(true);
    expect(fieldMatches(field, 'paid s')).toBe(true);
    expect(fieldMatches(field, 'lead_so')).toBe(true);
    expect(fieldMatches(field, '  ')).toBe(true);
    expect(fieldMatches(field, 'budget')).toBe(false);
  });

  it('groups uses by workflow: "draft, version 3 (published)"', () => {
    const uses: FieldUse[] = [
      { workflowId: 'w1', workflowName: 'Inbound', kind: 'draft', number: 7, status: 'draft' },
      { workflowId: 'w2', workflowName: 'Partners', kind: 'draft', number: 2, status: 'draft' },
      {
        workflowId: 'w1',
        workflowName: 'Inbound',
        kind: 'version',
        number: 3,
        status: 'published',
        versionId: 'v3',
      },
    ];
    expect(
      usesByWorkflow(uses).map((g) => `${g.workflowName} — ${g.uses.map(fieldUseText).join(', ')}`),
    ).toEqual(['Inbound — draft, version 3 (published)', 'Partners — draft']);
  });
});
