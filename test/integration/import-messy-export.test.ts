/**
 * #17 "Must show": a messy CRM export (43 columns, BOM, CRLF, trailing comma, quoted commas,
 * `Select` placeholders, blanks, Yes/No columns, numbers with outliers, case variants, free text
 * with hundreds of different values, a 0/1 outcome column, a few bad cells). The fields inferred
 * from the whole file are what a person would choose, column by column; imported through the API
 * (fields.addMany, then leadSets.import with the mapping) no row is lost for a bad cell, and the
 * downloadable report lists each bad cell. On PGlite and, with TEST_DATABASE_URL, PostgreSQL.
 */
import { testBackends } from '@accord/db/testing';
import {
  ColumnProfiler,
  importColumns,
  proposeField,
  type ColumnTarget,
  type FieldDef,
  type ProposedField,
} from '@accord/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { messyExport } from '../fixtures/messy-export';
import { openAccord, type Accord } from './support/accord';

const file = messyExport({ rows: 600, seed: 17 });

/** Every column's proposal, from a profile of the whole file, ids unique against `taken`. */
function proposals(taken: ReadonlySet<string>): ProposedField[] {
  const profiler = new ColumnProfiler(importColumns(file.header));
  for (const row of file.cells) profiler.push(row);
  const used = new Set(taken);
  return profiler.profiles().map((profile) => {
    const field = proposeField(profile, profiler.rows, used);
    used.add(field.id);
    return field;
  });
}

describe('#17: fields learned from a messy export', () => {
  it('are what a person would choose, column by column (type, options, missing texts)', () => {
    const proposed = proposals(new Set());
    expect(proposed).toHaveLength(file.columns.length + 1);
    file.columns.forEach((expected, i) => {
      const field = proposed[i]!;
      expect({
        header: expected.header,
        type: field.type,
        options: field.values?.map((o) => o.label).sort(),
        missing: field.missing,
      }).toEqual({
        header: expected.header,
        type: expected.type,
        options: expected.options ? [...expected.options].sort() : undefined,
        missing: expected.missing,
      });
    });
    // The trailing comma's empty column is recognised as empty, not guessed at.
    expect(proposed.at(-1)).toMatchObject({
      id: `column_${file.header.length}`,
      type: 'string',
      confidence: 0,
    });
    const byLabel = new Map(proposed.map((f) => [f.label, f]));
    // Google, google and ' GOOGLE' are one option, labelled as most rows spell it.
    expect(byLabel.get('Lead Source')!.values).toHaveLength(6);
    expect(byLabel.get('Lead Source')!.values).toContainEqual({ value: 'google', label: 'Google' });
    expect(byLabel.get('Specialization')!.values).toContainEqual({
      value: 'banking_investment_and_insurance',
      label: 'Banking, Investment And Insurance',
    });
    expect(byLabel.get('Company size')!.why).toMatch(
      /^588 of 600 filled cells are numbers \(12 that are not will be reported\), from \d+ to 250,000\.$/,
    );
    expect(byLabel.get('Notes')!.why).toBe('Free text: more than 200 different values.');
  });

  it('keeps a placeholder apart from a blank and shows case variants together', () => {
    const profiler = new ColumnProfiler(importColumns(file.header));
    for (const row of file.cells) profiler.push(row);
    const profiles = profiler.profiles();
    const specialization = profiles.find((p) => p.header === 'Specialization')!;
    expect(specialization.placeholderCells).toBeGreaterThan(100);
    expect(specialization.blank).toBeGreaterThan(20);
    expect(specialization.placeholders.map((p) => p.text)).toEqual(['Select']);
    expect(specialization.filled + specialization.blank + specialization.placeholderCells).toBe(
      600,
    );
    expect(profiles.find((p) => p.header === 'Lead Source')!.variants).toEqual([
      { key: 'google', values: ['Google', 'google', ' GOOGLE'] },
    ]);
  });
});

describe.each(testBackends())('#17: importing the messy export on $kind', ({ open }) => {
  let accord: Accord;
  beforeAll(async () => {
    accord = await openAccord(open);
  }, 180_000);
  afterAll(async () => {
    await accord?.close();
  });

  it('creates its fields and imports every row; each bad cell costs the cell and is reported', async () => {
    const as = accord.as.ops;
    const preview = await as.leadSets.previewImport({ format: 'csv', text: file.csv });
    const suggested = new Map(preview.suggestions.map((s) => [s.column, s.target]));
    // The issue's traps: values that do not fit an existing field are not suggested for it.
    expect(suggested.get('Lead Source')).toEqual({ kind: 'ignore' });
    expect(suggested.get('Last Activity')).toEqual({ kind: 'ignore' });
    expect(suggested.get('Converted')).toEqual({ kind: 'outcome', as: 'converted' });
    expect(suggested.get('Email')).toEqual({ kind: 'field', field: 'email' });
    expect(suggested.get('Company size')).toEqual({ kind: 'field', field: 'company_size' });

    // One screen, one confirmation: every column that matches no field becomes one.
    const live = await as.fields.catalog();
    const proposed = proposals(new Set(live.catalog.fields.map((f) => f.id)));
    const mapping: Record<string, ColumnTarget> = {};
    const fields: FieldDef[] = [];
    preview.profiles.forEach((profile, i) => {
      const target = suggested.get(profile.header)!;
      if (target.kind !== 'ignore') mapping[profile.header] = target;
      else if (profile.filled > 0) {
        const { id, label, type, values, missing } = proposed[i]!;
        fields.push({
          id,
          label,
          type,
          category: 'behaviour',
          ...(values ? { values } : {}),
          ...(missing ? { missing } : {}),
        });
        mapping[profile.header] = { kind: 'field', field: id };
      }
    });
    expect(fields.length).toBeGreaterThanOrEqual(30);
    await as.fields.addMany({
      baseRevision: live.revision,
      fields,
      reason: 'Learned from the messy export',
    });

    const imported = await as.leadSets.import({
      name: 'Messy export',
      format: 'csv',
      text: file.csv,
      mapping: { columns: mapping },
      fileName: 'messy-export.csv',
    });
    expect(imported).toMatchObject({
      rows: 600,
      imported: 600,
      rejected: 0,
      keptWithIssues: file.badCells.length,
      errors: [],
    });
    expect(imported.leadSet).toMatchObject({ lead_count: 600, has_outcomes: true });
    expect(imported.issues).toMatchObject({
      count: file.badCells.length,
      stored: file.badCells.length,
      capped: false,
    });
    expect(
      imported.issues.byColumn.map((c) => [c.column, c.count, c.examples.map((e) => e.line)]),
    ).toEqual([
      ['Do Not Email', 1, [43]],
      ['Created On', 1, [79]],
      [
        'Company size',
        12,
        file.badCells
          .filter((b) => b.column === 'Company size')
          .map((b) => b.line)
          .slice(0, 3),
      ],
    ]);

    // The downloadable report lists each bad cell: line, column, value, why.
    const res = await accord.app.inject({
      method: 'GET',
      url: imported.issues.downloadPath,
      headers: { cookie: accord.cookie.auditor },
    });
    expect(res.statusCode).toBe(200);
    const [head, ...lines] = res.body.trimEnd().split('\r\n');
    expect(head).toBe('line,column,column_index,value,reason,row_kept');
    expect(
      lines.map((line) => {
        const [at, column, , value] = line.split(',');
        return { line: Number(at), column: JSON.parse(column!), value: JSON.parse(value!) };
      }),
    ).toEqual([...file.badCells].sort((a, b) => a.line - b.line));

    // The row with a bad company size keeps everything else.
    const badRow = file.badCells.find((b) => b.column === 'Company size')!;
    const { leads } = await as.leadSets.leads({
      leadSetId: imported.leadSet.id,
      offset: badRow.line - 2,
      limit: 1,
    });
    const lead = leads[0]!.lead as { attributes: Record<string, unknown> };
    expect(lead.attributes).not.toHaveProperty('company_size');
    expect(lead.attributes).toMatchObject({
      email: expect.stringMatching(/@/),
      total_time_spent_on_website: expect.any(Number),
    });
  });
});
