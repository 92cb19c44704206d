import { ColumnProfiler, type FieldCatalog } from '@accord/engine';
import { describe, expect, it } from 'vitest';
import {
  fieldsToCreate,
  fieldsToExtend,
  learnPlan,
  lossWarnings,
  mappingWithNewFields,
  missingText,
  planProblems,
} from './learn-plan';
import type { FileProfile } from './profile-file';

const CATALOG: FieldCatalog = {
  fields: [
    { id: 'email', label: 'Email', type: 'email', category: 'profile' },
    {
      id: 'lead_source',
      label: 'Lead source',
      type: 'enum',
      category: 'channel',
      values: [
        { value: 'web', label: 'Website' },
        { value: 'event', label: 'Event' },
      ],
    },
    { id: 'company_size', label: 'Company size', type: 'number', category: 'profile' },
  ],
  events: [],
};

function profileOf(headers: string[], rows: string[][]): FileProfile {
  const profiler = new ColumnProfiler(headers);
  for (const row of rows) profiler.push(row);
  return { rows: profiler.rows, columns: headers, profiles: profiler.profiles() };
}

/** 100 rows: an email, a source with a value the enum lacks, a size mostly not numbers, and three new columns. */
const FILE = profileOf(
  ['Email', 'Source', 'Size', 'Origin', 'Visits', 'Do Not Email'],
  Array.from({ length: 100 }, (_, i) => [
    `p${i}@x.test`,
    ['website', 'Event', 'Partner'][i % 3]!,
    i < 10 ? String(i) : 'lots',
    i % 10 === 0 ? 'Select' : i % 10 === 1 ? '' : ['Google', 'google', 'Bing'][i % 3]!,
    String(i * 3),
    i % 2 ? 'Yes' : 'No',
  ]),
);
const MAPPING = {
  columns: {
    Email: { kind: 'field', field: 'email' },
    Source: { kind: 'field', field: 'lead_source' },
    Size: { kind: 'field', field: 'company_size' },
  },
  dateOrder: 'mdy',
} as const;

describe('learning fields from a whole-file profile (#17)', () => {
  it('proposes a field per unmapped column and options an enum field lacks', () => {
    const plan = learnPlan(FILE, CATALOG, structuredClone(MAPPING) as never);
    expect(plan.fields.map((f) => [f.column, f.id, f.type, f.create])).toEqual([
      ['Origin', 'origin', 'enum', true],
      ['Visits', 'visits', 'number', true],
      ['Do Not Email', 'do_not_email', 'boolean', true],
    ]);
    const origin = plan.fields[0]!;
    expect(origin.options.map((o) => [o.value, o.label, o.spellings.map((s) => s.text)])).toEqual([
      ['google', 'Google', ['Google', 'google']],
      ['bing', 'Bing', ['Bing']],
    ]);
    expect(missingText(origin.profile)).toBe("10 blank, 10 'Select'");
    expect(origin.missing).toEqual([{ text: 'Select', count: 10, use: true }]);
    expect(plan.newOptions).toHaveLength(1);
    expect(plan.newOptions[0]!.options.map((o) => o.label)).toEqual(['Partner']);

    // A category is the person's choice: nothing is created until each ticked field has one.
    expect(planProblems(plan)).toEqual(['Choose a category for Origin, Visits, Do Not Email.']);
    expect(fieldsToCreate(plan)).toEqual([]);
    const chosen = {
      ...plan,
      fields: plan.fields.map((f) => ({
        ...f,
        category: 'behaviour' as const,
        create: f.column !== 'Visits',
      })),
    };
    expect(planProblems(chosen)).toEqual([]);
    const created = fieldsToCreate(chosen);
    expect(created.map((f) => f.id)).toEqual(['origin', 'do_not_email']);
    expect(created[0]).toMatchObject({
      type: 'enum',
      category: 'behaviour',
      values: [
        { value: 'google', label: 'Google' },
        { value: 'bing', label: 'Bing' },
      ],
      missing: ['Select'],
    });
    expect(mappingWithNewFields(MAPPING as never, chosen).columns).toMatchObject({
      Origin: { kind: 'field', field: 'origin' },
      'Do Not Email': { kind: 'field', field: 'do_not_email' },
    });
    expect(mappingWithNewFields(MAPPING as never, chosen).columns).not.toHaveProperty('Visits');
    expect(fieldsToExtend(plan)).toEqual([
      {
        ...CATALOG.fields[1],
        values: [...CATALOG.fields[1]!.values!, { value: 'partner', label: 'Partner' }],
      },
    ]);
  });

  it('warns when most rows of the whole file would lose a mapped value', () => {
    expect(lossWarnings(FILE, CATALOG, MAPPING as never)).toEqual([
      'Company size: 90 of 100 rows would have no value (0 blank, 90 filled cells that do not fit a number).',
    ]);
  });
});
