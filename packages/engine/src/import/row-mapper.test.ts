import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../catalog/default-catalog';
import { importColumns, importMappingSchema, type ImportMappingInput } from './mapping';
import { checkMapping, createRowMapper, mapLeadDocument } from './row-mapper';
import { suggestMapping } from './suggest-mapping';

const mapping = (input: ImportMappingInput) => importMappingSchema.parse(input);

describe('importColumns', () => {
  it('names blank and repeated headers', () => {
    expect(importColumns([' Email ', 'email', '', 'Name'])).toEqual([
      'Email',
      'email (2)',
      'column_3',
      'Name',
    ]);
  });
});

describe('suggestMapping', () => {
  it('maps export headers to catalog fields, the id and the outcome by name', () => {
    const columns = [
      'Lead ID',
      'First Name',
      'Surname',
      'E-Mail',
      'Job Title',
      'No. of Employees',
      'Company',
      'Converted',
      'Favourite colour',
    ];
    const suggested = suggestMapping(columns, defaultCatalog);
    expect(suggested.map((s) => s.target)).toEqual([
      { kind: 'id' },
      { kind: 'field', field: 'first_name' },
      { kind: 'field', field: 'last_name' },
      { kind: 'field', field: 'email' },
      { kind: 'field', field: 'job_title' },
      { kind: 'field', field: 'company_size' },
      { kind: 'field', field: 'company' },
      { kind: 'outcome', as: 'converted' },
      { kind: 'ignore' },
    ]);
  });
  it('gives each field to one column only', () => {
    const suggested = suggestMapping(['email', 'Email (2)'], defaultCatalog);
    expect(suggested.filter((s) => s.target.kind === 'field')).toHaveLength(1);
  });
});

describe('checkMapping', () => {
  it('names unknown columns and fields and double mappings', () => {
    const issues = checkMapping(
      ['A', 'B', 'C'],
      mapping({
        columns: {
          A: { kind: 'field', field: 'email' },
          B: { kind: 'field', field: 'email' },
          C: { kind: 'field', field: 'nope' },
          D: { kind: 'id' },
        },
      }),
      defaultCatalog,
    );
    expect(issues.map((i) => i.path)).toEqual([
      'mapping.columns.B',
      'mapping.columns.C.field',
      'mapping.columns.D',
    ]);
  });
});

describe('createRowMapper', () => {
  const columns = ['id', 'Email', 'Employees', 'Student', 'Stage reached', 'Events', 'Note'];
  const map = createRowMapper(
    columns,
    mapping({
      columns: {
        id: { kind: 'id' },
        Email: { kind: 'field', field: 'email' },
        Employees: { kind: 'field', field: 'company_size' },
        Student: { kind: 'field', field: 'is_student' },
        'Stage reached': { kind: 'outcome', as: 'stage' },
        Events: { kind: 'events' },
      },
    }),
    defaultCatalog,
  );

  it('builds a lead with typed attributes, events and the outcome', () => {
    const events = JSON.stringify([{ type: 'page_view', at: '2026-01-01', props: { path: '/' } }]);
    expect(map(['L-1', 'ann@acme.com', '1,200', 'No', 'Closed Won', events, 'x'], 2)).toEqual({
      ok: true,
      lead: {
        id: 'L-1',
        attributes: { email: 'ann@acme.com', company_size: 1200, is_student: false },
        events: [{ type: 'page_view', at: '2026-01-01', props: { path: '/' } }],
        outcome: { converted: true, stage: 'Closed Won' },
      },
    });
  });

  it('leaves placeholders out and names a lead without an id after its row', () => {
    expect(map(['', 'N/A', '-', 'Select', 'Open', '', ''], 7)).toEqual({
      ok: true,
      lead: {
        id: 'row-7',
        attributes: {},
        events: [],
        outcome: { converted: false, stage: 'Open' },
      },
    });
  });

  it('#15: refuses a row whose mapped cells are all blank (garbage is not a lead)', () => {
    expect(map(['', 'N/A', '-', 'Select', '', '', 'a note'], 7)).toEqual({
      ok: false,
      errors: [{ column: '', columnIndex: 0, message: 'Every mapped cell of the row is blank.' }],
    });
    expect(map(['L-9', '', '', '', '', '', ''], 8)).toEqual({
      ok: false,
      errors: [
        {
          column: '',
          columnIndex: 0,
          message: 'The row has an id but every other mapped cell is blank.',
        },
      ],
    });
  });

  it('accepts empty extra cells (a trailing comma) but not missing ones', () => {
    expect(map(['L', 'ann@acme.com', '', '', '', '', '', ''], 3).ok).toBe(true);
    expect(map(['L', '', ''], 3)).toEqual({
      ok: false,
      errors: [{ column: '', columnIndex: 0, message: 'The row has 3 cells; the header has 7.' }],
    });
  });

  it('#17: a bad cell costs the cell, not the row: the lead keeps the rest, each bad cell is reported', () => {
    expect(map(['L', 'ann', 'lots', 'maybe', 'Won', '[{"type":1}]', ''], 4)).toEqual({
      ok: true,
      lead: { id: 'L', attributes: {}, events: [], outcome: { converted: true, stage: 'Won' } },
      issues: [
        { column: 'Email', columnIndex: 2, message: '"ann" is not an email address', value: 'ann' },
        { column: 'Employees', columnIndex: 3, message: '"lots" is not a number', value: 'lots' },
        { column: 'Student', columnIndex: 4, message: '"maybe" is not yes or no', value: 'maybe' },
        {
          column: 'Events',
          columnIndex: 6,
          message: expect.stringMatching(/^Event \[0\]/),
          value: '[{"type":1}]',
        },
      ],
    });
  });

  it('#17: a row with nothing left but bad cells is refused with those cells', () => {
    expect(map(['L', 'ann', '', '', '', '', ''], 4)).toEqual({
      ok: false,
      errors: [
        { column: 'Email', columnIndex: 2, message: '"ann" is not an email address', value: 'ann' },
      ],
    });
  });

  it('refuses the whole row for a bad cell when asked to (refuse-row)', () => {
    const strict = createRowMapper(
      ['Email', 'Employees'],
      mapping({
        columns: {
          Email: { kind: 'field', field: 'email' },
          Employees: { kind: 'field', field: 'company_size' },
        },
      }),
      defaultCatalog,
      { badCells: 'refuse-row' },
    );
    expect(strict(['ann@acme.com', 'lots'], 2)).toEqual({
      ok: false,
      errors: [
        { column: 'Employees', columnIndex: 2, message: '"lots" is not a number', value: 'lots' },
      ],
    });
  });

  it('#17: a cell longer than the cell limit costs the cell, with its value clipped in the report', () => {
    const long = 'x'.repeat(70_000);
    const row = map([long, 'ann@acme.com', '12', '', '', '', ''], 2);
    expect(row).toMatchObject({
      ok: true,
      lead: { id: 'row-2', attributes: { email: 'ann@acme.com', company_size: 12 } },
      issues: [
        { column: 'id', columnIndex: 1, message: expect.stringMatching(/70,000 characters/) },
      ],
    });
    expect(row.ok && row.issues?.[0]?.value).toHaveLength(200);
  });

  it("#17: a field's own missing texts count as blanks", () => {
    const catalog = {
      ...defaultCatalog,
      fields: defaultCatalog.fields.map((f) =>
        f.id === 'company_size' ? { ...f, missing: ['Unknown size', '??'] } : f,
      ),
    };
    const withMissing = createRowMapper(
      ['Employees', 'Email'],
      mapping({
        columns: {
          Employees: { kind: 'field', field: 'company_size' },
          Email: { kind: 'field', field: 'email' },
        },
      }),
      catalog,
    );
    expect(withMissing([' unknown SIZE ', 'a@b.co'], 2)).toEqual({
      ok: true,
      lead: { id: 'row-2', attributes: { email: 'a@b.co' }, events: [] },
    });
    expect(withMissing(['??', 'a@b.co'], 3)).toMatchObject({
      ok: true,
      lead: { attributes: { email: 'a@b.co' } },
    });
    expect(mapLeadDocument({ id: 'L', attributes: { company_size: '??' } }, catalog)).toEqual({
      ok: true,
      lead: { id: 'L', attributes: {}, events: [] },
    });
  });

  it('maps flat JSON objects by key, keeping typed values', () => {
    expect(map({ id: 7, Email: 'b@c.de', Employees: 40, Student: true }, 1)).toEqual({
      ok: true,
      lead: {
        id: '7',
        attributes: { email: 'b@c.de', company_size: 40, is_student: true },
        events: [],
      },
    });
  });
});

describe('mapLeadDocument', () => {
  it('checks whole lead documents and names the path of a problem', () => {
    expect(mapLeadDocument({ id: 'L', attributes: { a: 1 } }).ok).toBe(true);
    const bad = mapLeadDocument({ id: 'L', attributes: { a: {} } });
    expect(bad).toMatchObject({ ok: false, errors: [{ column: 'attributes.a' }] });
  });
});

describe('mapLeadDocument with a catalog', () => {
  it('coerces text values of catalog fields and reports the ones it cannot read', () => {
    expect(
      mapLeadDocument(
        {
          id: 'L',
          attributes: { company_size: '1,200', is_student: 'No', job_title: 'N/A', x: 'y' },
        },
        defaultCatalog,
      ),
    ).toEqual({
      ok: true,
      lead: {
        id: 'L',
        attributes: { company_size: 1200, is_student: false, x: 'y' },
        events: [],
      },
    });
    const issue = {
      column: 'attributes.company_size',
      columnIndex: 0,
      message: '"lots" is not a number',
      value: 'lots',
    };
    expect(
      mapLeadDocument({ id: 'L', attributes: { company_size: 'lots', x: 1 } }, defaultCatalog),
    ).toEqual({ ok: true, lead: { id: 'L', attributes: { x: 1 }, events: [] }, issues: [issue] });
    const long = mapLeadDocument(
      { id: 'L', attributes: { tags: ['ok', 'x'.repeat(70_000)], a: 1 } },
      defaultCatalog,
    );
    expect(long).toMatchObject({
      ok: true,
      lead: { attributes: { a: 1 } },
      issues: [{ column: 'attributes.tags', message: expect.stringMatching(/70,000 characters/) }],
    });
    expect(
      mapLeadDocument({ id: 'L', attributes: { company_size: 'lots' } }, defaultCatalog, {
        badCells: 'refuse-row',
      }),
    ).toEqual({ ok: false, errors: [issue] });
  });
});
