import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../catalog/default-catalog';
import type { FieldCatalog } from '../schema/field-catalog';
import { ColumnProfiler } from './column-profile';
import { suggestMapping } from './suggest-mapping';

/** Profiles of columns given as lists of cells. */
function profiles(columns: Record<string, readonly string[]>) {
  const headers = Object.keys(columns);
  const profiler = new ColumnProfiler(headers);
  const rows = Math.max(...Object.values(columns).map((c) => c.length));
  for (let r = 0; r < rows; r++) profiler.push(headers.map((h) => columns[h]![r] ?? ''));
  return { headers, profiles: profiler.profiles() };
}

const repeat = (n: number, ...values: string[]) =>
  Array.from({ length: n }, (_, i) => values[i % values.length]!);

describe('suggestMapping with column values (#17)', () => {
  it('does not suggest an origin column whose values are not lead sources', () => {
    const { headers, profiles: p } = profiles({
      'Lead Origin': repeat(60, 'API', 'Landing Page Submission', 'Lead Add Form'),
    });
    expect(suggestMapping(headers, defaultCatalog)[0]!.target).toEqual({
      kind: 'field',
      field: 'lead_source',
    });
    expect(suggestMapping(headers, defaultCatalog, p)[0]!.target).toEqual({ kind: 'ignore' });
  });

  it('suggests an origin column whose values are lead sources, in any spelling', () => {
    const { headers, profiles: p } = profiles({
      'Lead Origin': repeat(60, 'Website', 'paid search', 'WEBINAR', 'Select'),
    });
    expect(suggestMapping(headers, defaultCatalog, p)[0]!.target).toEqual({
      kind: 'field',
      field: 'lead_source',
    });
  });

  it('does not map a "last activity" column of activity names to a date field', () => {
    const { headers, profiles: p } = profiles({
      'Last Activity': repeat(60, 'Email Opened', 'Page Visited on Website', 'SMS Sent'),
      'Last activity date': repeat(60, '2026-03-04', '2026-02-01'),
    });
    expect(suggestMapping(headers, defaultCatalog, p).map((s) => s.target)).toEqual([
      { kind: 'ignore' },
      { kind: 'field', field: 'last_activity_at' },
    ]);
  });

  it('does not suggest a number field for text, nor a converted outcome for free text', () => {
    const { headers, profiles: p } = profiles({
      'No. of employees': repeat(300, 'many', 'few', '12'),
      Converted: Array.from({ length: 300 }, (_, i) => `reason ${i}`),
    });
    expect(suggestMapping(headers, defaultCatalog).map((s) => s.target.kind)).toEqual([
      'field',
      'outcome',
    ]);
    expect(suggestMapping(headers, defaultCatalog, p).map((s) => s.target.kind)).toEqual([
      'ignore',
      'ignore',
    ]);
  });

  it("an exact name beats a synonym: a column named like a workspace's own field goes to it", () => {
    const catalog: FieldCatalog = {
      ...defaultCatalog,
      fields: [
        ...defaultCatalog.fields,
        { id: 'source', label: 'Source', type: 'string', category: 'channel' },
      ],
    };
    const suggested = suggestMapping(['Source', 'Lead Source'], catalog);
    expect(suggested.map((s) => s.target)).toEqual([
      { kind: 'field', field: 'source' },
      { kind: 'field', field: 'lead_source' },
    ]);
    expect(suggestMapping(['Source'], catalog)[0]!.confidence).toBe(1);
  });

  it('never suggests a retired field', () => {
    const catalog: FieldCatalog = {
      ...defaultCatalog,
      fields: defaultCatalog.fields.map((f) => (f.id === 'email' ? { ...f, retired: true } : f)),
    };
    expect(suggestMapping(['Email'], catalog)[0]!.target).toEqual({ kind: 'ignore' });
  });
});
