import { appendLeads, createLeadSet, type AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { generateLeads } from '@accord/engine';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repairAbandonedWork } from '../services/repairs';
import { runManagerFor } from '../simulation/run-manager';
import { codeOf, demoCallers, MESSY_CSV } from '../testing';
import type { ImportMappingInput } from '@accord/engine';

type Callers = Awaited<ReturnType<typeof demoCallers>>;

const EMAIL = { kind: 'field' as const, field: 'email' };

const MAPPING = {
  columns: {
    'Lead ID': { kind: 'id' as const },
    'First Name': { kind: 'field' as const, field: 'first_name' },
    'Last Name': { kind: 'field' as const, field: 'last_name' },
    'E-Mail': { kind: 'field' as const, field: 'email' },
    'Job Title': { kind: 'field' as const, field: 'job_title' },
    Employees: { kind: 'field' as const, field: 'company_size' },
    Student: { kind: 'field' as const, field: 'is_student' },
    Converted: { kind: 'outcome' as const, as: 'converted' as const },
  },
};

describe.each(testBackends())('lead sets on $kind', ({ open }) => {
  let database: AccordDatabase;
  let as: Callers;
  beforeAll(async () => {
    database = await open();
    as = await demoCallers(database);
  });
  afterAll(async () => {
    if (database) await runManagerFor(database.db).shutdown();
    await database?.close();
  });

  it('previews a messy CSV: columns, a mapping suggested by name, coerced rows and their errors', async () => {
    const preview = await as.ops.leadSets.previewImport({ format: 'csv', text: MESSY_CSV });
    expect(preview.delimiter).toBe(',');
    expect(preview.columns.map((c) => c.name)).toEqual([
      'Lead ID',
      'First Name',
      'Last Name',
      'E-Mail',
      'Job Title',
      'Employees',
      'Student',
      'Converted',
      'column_9',
    ]);
    expect(preview.columns.find((c) => c.name === 'Student')!.inferredType).toBe('text');
    expect(preview.columns.find((c) => c.name === 'column_9')!.inferredType).toBe('empty');
    expect(preview.mapping.columns).toEqual(MAPPING.columns);
    expect(preview.mappingIssues).toEqual([]);
    expect(preview.sampledRows).toBe(6);
    expect(preview.sampledErrors).toBe(1);
    expect(preview.sampledKeptWithIssues).toBe(1);
    expect(preview.issues.byColumn.map((c) => [c.column, c.count])).toEqual([
      ['', 1],
      ['E-Mail', 1],
      ['Employees', 1],
      ['Student', 1],
    ]);
    expect(preview.warnings).toEqual([]);
    expect(preview.profiles.find((p) => p.header === 'Job Title')).toMatchObject({
      filled: 4,
      blank: 1,
      placeholders: [{ text: 'Select', count: 1 }],
    });
    expect(preview.rows[2]).toMatchObject({
      line: 4,
      errors: [],
      lead: { id: 'L-3', attributes: { first_name: 'Cy', job_title: 'CTO' } },
      issues: [
        { line: 4, column: 'E-Mail', value: 'not-an-email' },
        { line: 4, column: 'Employees', value: 'many' },
        { line: 4, column: 'Student', value: 'maybe' },
      ],
    });
    expect(preview.rows[0]).toEqual({
      line: 2,
      errors: [],
      issues: [],
      lead: {
        id: 'L-1',
        attributes: {
          first_name: 'Ann',
          last_name: 'Lee',
          email: 'ann@acme.com',
          job_title: 'VP Marketing',
          company_size: 1200,
          is_student: false,
        },
        events: [],
        outcome: { converted: true },
      },
    });
  });

  it('imports the good rows and reports the others per row with line and column', async () => {
    const imported = await as.ops.leadSets.import({
      name: 'CRM export',
      format: 'csv',
      text: MESSY_CSV,
      mapping: MAPPING,
      fileName: 'export.csv',
    });
    // #17: a bad cell costs the cell; the row of L-3 is kept without its bad cells.
    expect(imported).toMatchObject({
      rows: 6,
      imported: 5,
      rejected: 1,
      keptWithIssues: 1,
      errorsTruncated: false,
    });
    expect(imported.errors).toEqual([
      { line: 6, column: '', columnIndex: 0, message: 'The row has 5 cells; the header has 9.' },
    ]);
    expect(imported.issues).toEqual({
      count: 4,
      cellsLeftOut: 3,
      rowsKeptWithIssues: 1,
      stored: 4,
      capped: false,
      downloadPath: `/api/lead-sets/${imported.leadSet.id}/issues.csv`,
      byColumn: [
        {
          column: '',
          columnIndex: 0,
          count: 1,
          examples: [{ line: 6, value: '', message: 'The row has 5 cells; the header has 9.' }],
        },
        {
          column: 'E-Mail',
          columnIndex: 4,
          count: 1,
          examples: [
            { line: 4, value: 'not-an-email', message: '"not-an-email" is not an email address' },
          ],
        },
        {
          column: 'Employees',
          columnIndex: 6,
          count: 1,
          examples: [{ line: 4, value: 'many', message: '"many" is not a number' }],
        },
        {
          column: 'Student',
          columnIndex: 7,
          count: 1,
          examples: [{ line: 4, value: 'maybe', message: '"maybe" is not yes or no' }],
        },
      ],
    });
    expect(imported.leadSet).toMatchObject({
      name: 'CRM export',
      status: 'ready',
      lead_count: 5,
      has_outcomes: true,
      issue_count: 4,
      issues_stored: 4,
    });
    const page = await as.auditor.leadSets.leads({
      leadSetId: imported.leadSet.id,
      offset: 0,
      limit: 10,
    });
    expect(page.total).toBe(5);
    expect(page.leads.map((l) => [l.index, l.leadId])).toEqual([
      [0, 'L-1'],
      [1, 'L-2'],
      [2, 'L-3'],
      [3, 'L-4'],
      [4, 'L-6'],
    ]);
    expect(page.leads[2]!.lead).toEqual({
      id: 'L-3',
      attributes: { first_name: 'Cy', last_name: 'Ng', job_title: 'CTO' },
      events: [],
      outcome: { converted: true },
    });
    // Quoted commas and quotes kept; placeholders and blanks left out.
    expect(page.leads[1]!.lead).toEqual({
      id: 'L-2',
      attributes: {
        first_name: 'Bob',
        last_name: 'Smith, Jr.',
        email: 'bob@globex.com',
      },
      events: [],
    });
    expect(page.leads[3]!.lead).toMatchObject({
      attributes: { first_name: 'Dee "DJ"', job_title: 'Director, Sales', company_size: 250 },
      outcome: { converted: false },
    });
    expect(page.leads[4]!.lead).toMatchObject({
      attributes: { job_title: 'Head of Growth', company_size: 40, is_student: true },
    });
    expect(page.leads[4]!.lead).not.toHaveProperty('outcome');
    const set = await as.auditor.leadSets.get({ leadSetId: imported.leadSet.id });
    expect(set.source).toMatchObject({
      kind: 'import',
      fileName: 'export.csv',
      rows: 6,
      imported: 5,
      rejected: 1,
      badCells: 'skip-cell',
    });
  });

  it('#17: refuses whole rows for a bad cell when asked to (refuse-row)', async () => {
    const imported = await as.ops.leadSets.import({
      name: 'Strict',
      format: 'csv',
      text: MESSY_CSV,
      mapping: MAPPING,
      badCells: 'refuse-row',
    });
    expect(imported).toMatchObject({ rows: 6, imported: 4, rejected: 2, keptWithIssues: 0 });
    expect(imported.errors.map((e) => [e.line, e.column])).toEqual([
      [4, 'E-Mail'],
      [4, 'Employees'],
      [4, 'Student'],
      [6, ''],
    ]);
    const preview = await as.ops.leadSets.previewImport({
      format: 'csv',
      text: MESSY_CSV,
      mapping: MAPPING,
      badCells: 'refuse-row',
    });
    expect([preview.sampledErrors, preview.sampledKeptWithIssues]).toEqual([2, 0]);
  });

  it('#17: the preview warns when most rows would lose a mapped value, and when none would give a lead', async () => {
    const text = [
      'Email,Employees',
      ...Array.from({ length: 9 }, (_, i) => `p${i}@acme.com,abc`),
      'q@acme.com,12',
    ].join('\n');
    const mapping = {
      columns: { Email: EMAIL, Employees: { kind: 'field' as const, field: 'company_size' } },
    };
    const preview = await as.ops.leadSets.previewImport({ format: 'csv', text, mapping });
    expect(preview.warnings).toEqual([
      'Company size (employees) (column "Employees"): 9 of 10 sampled rows would have no value — "abc" is not a number (9 cells do not fit).',
    ]);
    const nothing = await as.ops.leadSets.previewImport({
      format: 'csv',
      text: 'Employees\nabc\nmany\n',
      mapping: { columns: { Employees: { kind: 'field', field: 'company_size' } } },
    });
    expect(nothing.warnings.at(-1)).toBe(
      'None of the 2 sampled rows would give a lead: the import would be refused. Map at least one column whose values fit its field.',
    );
  });

  it('reads semicolon CSV, day-first dates and an outcome given as the stage reached', async () => {
    const text = 'id;Created;Size;Stage reached\nA;31.01.2026;1.500;SQL\nB;02/03/2026;12;Nurture\n';
    const imported = await as.admin.leadSets.import({
      name: 'Semicolons',
      format: 'csv',
      text,
      delimiter: 'auto',
      mapping: {
        dateOrder: 'dmy',
        columns: {
          id: { kind: 'id' },
          Created: { kind: 'field', field: 'created_at' },
          Size: { kind: 'field', field: 'company_size' },
          'Stage reached': { kind: 'outcome', as: 'stage' },
        },
      },
    });
    expect(imported.errors).toEqual([]);
    const { leads } = await as.ops.leadSets.leads({ leadSetId: imported.leadSet.id });
    expect(leads.map((l) => l.lead)).toEqual([
      {
        id: 'A',
        attributes: { created_at: '2026-01-31T00:00:00.000Z', company_size: 1.5 },
        events: [],
        outcome: { converted: true, stage: 'SQL' },
      },
      {
        id: 'B',
        attributes: { created_at: '2026-03-02T00:00:00.000Z', company_size: 12 },
        events: [],
        outcome: { converted: false, stage: 'Nurture' },
      },
    ]);
  });

  it('imports JSON lead documents and flat records, keeping the good ones', async () => {
    const docs = `[
      {"id": "J-1", "attributes": {"email": "a@b.co", "company_size": "2,000"}, "events": [{"type": "page_view", "at": 1767225600000}]},
      {"id": "J-2", "attributes": {"company_size": "lots"}},
      {"id": "J-3", "attributes": {"job_title": "CTO"}, "outcome": {"converted": true}},
      {"id": "J-4", "attributes": {oops}}
    ]`;
    const preview = await as.ops.leadSets.previewImport({ format: 'json', text: docs });
    expect(preview.documents).toBe(true);
    const imported = await as.ops.leadSets.import({
      name: 'JSON docs',
      format: 'json',
      text: docs,
      mapping: { columns: {} },
    });
    expect(imported).toMatchObject({ rows: 4, imported: 3, rejected: 1, keptWithIssues: 1 });
    expect(imported.errors).toEqual([
      { line: 5, column: '', columnIndex: 0, message: expect.stringMatching(/^Not valid JSON/) },
    ]);
    expect(imported.issues.byColumn[0]).toEqual({
      column: 'attributes.company_size',
      columnIndex: 0,
      count: 1,
      examples: [{ line: 3, value: 'lots', message: '"lots" is not a number' }],
    });
    const { leads } = await as.ops.leadSets.leads({ leadSetId: imported.leadSet.id });
    expect(leads[0]!.lead).toMatchObject({ attributes: { company_size: 2000 } });

    const flat = '{"Email": "x@y.de", "Employees": 12}\n{"Email": "bad", "Employees": 3}\n';
    const flatPreview = await as.ops.leadSets.previewImport({ format: 'json', text: flat });
    expect(flatPreview.documents).toBe(false);
    expect(flatPreview.mapping.columns).toEqual({
      Email: { kind: 'field', field: 'email' },
      Employees: { kind: 'field', field: 'company_size' },
    });
    const flatImported = await as.ops.leadSets.import({
      name: 'JSON lines',
      format: 'json',
      text: flat,
      mapping: flatPreview.mapping,
    });
    expect(flatImported).toMatchObject({ imported: 2, rejected: 0, keptWithIssues: 1 });
    expect(flatImported.issues.byColumn).toEqual([
      {
        column: 'Email',
        columnIndex: 1,
        count: 1,
        examples: [{ line: 2, value: 'bad', message: '"bad" is not an email address' }],
      },
    ]);
  });

  it('refuses a mapping that does not fit before writing anything', async () => {
    const before = (await as.ops.leadSets.list()).length;
    const error = await as.ops.leadSets
      .import({
        name: 'Bad mapping',
        format: 'csv',
        text: 'a,b\n1,2\n',
        mapping: { columns: { c: { kind: 'field', field: 'email' } } },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
    expect((error as TRPCError).message).toMatch(/mapping\.columns\.c: The file has no column "c"/);
    expect((await as.ops.leadSets.list()).length).toBe(before);
  });

  it('generates sample leads (same seed, same leads) and copies a set inside the database', async () => {
    const set = await as.ops.leadSets.generate({ name: 'Gen', count: 2_500, seed: 'demo' });
    expect(set).toMatchObject({ lead_count: 2_500, status: 'ready', has_outcomes: true });
    const want = generateLeads({ count: 2_500, seed: 'demo' });
    const tail = await as.ops.leadSets.leads({ leadSetId: set.id, offset: 2_490, limit: 50 });
    expect(tail.leads.map((l) => l.index)).toEqual([...Array(10).keys()].map((i) => 2_490 + i));
    expect(tail.leads.map((l) => l.lead)).toEqual(
      want.slice(2_490).map((l) => JSON.parse(JSON.stringify(l))),
    );
    const copy = await as.admin.leadSets.copy({ leadSetId: set.id, name: 'Gen (copy)' });
    expect(copy).toMatchObject({ lead_count: 2_500, status: 'ready', has_outcomes: true });
    expect((copy.source as { kind: string }).kind).toBe('copy');
    const copied = await as.ops.leadSets.leads({ leadSetId: copy.id, offset: 2_490, limit: 50 });
    expect(copied.leads).toEqual(tail.leads);
    const actions = await database.db
      .selectFrom('audit_events')
      .select(['action'])
      .where('entity_id', 'in', [set.id, copy.id])
      .orderBy('id')
      .execute();
    expect(actions.map((a) => a.action)).toEqual([
      'leadSet.create',
      'leadSet.load',
      'leadSet.copy',
    ]);
    await as.ops.leadSets.delete({ leadSetId: copy.id });
    expect(await codeOf(as.ops.leadSets.get({ leadSetId: copy.id }))).toBe('NOT_FOUND');
  });

  it('#16: the repair job empties a set left loading by a process that died, but not one being loaded now', async () => {
    const workspaceId = as.users.ops.workspace_id;
    const orphan = await createLeadSet(database.db, {
      workspaceId,
      name: 'Crashed import',
      source: { kind: 'import' },
      createdBy: null,
    });
    await appendLeads(database.db, orphan.id, 0, generateLeads({ count: 300, seed: 1 }));
    const loading = as.ops.leadSets.generate({ name: 'Loading now', count: 20_000, seed: 2 });
    let sawLoading = false;
    for (let i = 0; i < 400 && !sawLoading; i++) {
      const sets = await as.auditor.leadSets.list();
      sawLoading = sets.some((s) => s.name === 'Loading now' && s.status === 'loading');
      if (!sawLoading) await new Promise((r) => setTimeout(r, 10));
    }
    expect(sawLoading).toBe(true);
    // #16: a read repairs nothing; the repair runs at start-up and every minute.
    expect(await as.auditor.leadSets.get({ leadSetId: orphan.id })).toMatchObject({
      status: 'loading',
    });
    await repairAbandonedWork(database);
    const repaired = await as.auditor.leadSets.get({ leadSetId: orphan.id });
    expect(repaired).toMatchObject({ status: 'failed', lead_count: 0 });
    expect(repaired.error).toMatch(/stopped before it finished/);
    const left = await database.db
      .selectFrom('leads')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('lead_set_id', '=', orphan.id)
      .executeTakeFirstOrThrow();
    expect(Number(left.n)).toBe(0);
    expect(await loading).toMatchObject({ status: 'ready', lead_count: 20_000 });
  });

  it('lets ops and admin write, everyone read, and keeps sets of other workspaces out of reach', async () => {
    for (const who of [as.marketing, as.sales, as.auditor]) {
      expect(await codeOf(who.leadSets.generate({ name: 'x', count: 1, seed: 1 }))).toBe(
        'FORBIDDEN',
      );
      expect(await codeOf(who.leadSets.list())).toBe('OK');
    }
    expect(await codeOf(as.ops.leadSets.generate({ name: 'x', count: 1_000_001, seed: 1 }))).toBe(
      'BAD_REQUEST',
    );
    const other = await database.db
      .insertInto('workspaces')
      .values({ slug: 'other', name: 'Other' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const stranger = { ...as.users.ops, workspace_id: other.id };
    const mine = (await as.ops.leadSets.list())[0]!;
    expect(await as.caller(stranger).leadSets.list()).toEqual([]);
    expect(await codeOf(as.caller(stranger).leadSets.get({ leadSetId: mine.id }))).toBe(
      'NOT_FOUND',
    );
  });

  /** The error of a call that must fail with BAD_REQUEST, and proof that no set was stored. */
  const refused = async (call: () => Promise<unknown>) => {
    const before = (await database.db.selectFrom('lead_sets').select('id').execute()).length;
    const error = await call().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
    const after = (await database.db.selectFrom('lead_sets').select('id').execute()).length;
    expect(after).toBe(before);
    return (error as TRPCError).message;
  };
  const csv = (text: string, mapping: ImportMappingInput = { columns: { email: EMAIL } }) =>
    as.ops.leadSets.import({ name: 'Garbage', format: 'csv', text, mapping });

  it('#15: a text file with no mappable column is refused, not three empty leads', async () => {
    const text = 'Dear team,\nplease find attached\nthe notes\nof our meeting\n';
    const preview = await as.ops.leadSets.previewImport({ format: 'csv', text });
    expect(preview.mapping.columns).toEqual({});
    expect(preview.mappingIssues).toEqual([
      { path: 'mapping.columns', message: expect.stringMatching(/^No column is mapped/) },
    ]);
    expect(await refused(() => csv(text, preview.mapping))).toMatch(
      /mapping\.columns: No column is mapped to a lead field/,
    );
  });

  it('#15: an empty file, a header without rows and a file of blank rows are refused', async () => {
    for (const text of ['', '\uFEFF', ' \r\n\n  \n'])
      expect(await refused(() => csv(text))).toBe('The file is empty.');
    expect(await refused(() => as.ops.leadSets.previewImport({ format: 'csv', text: '' }))).toBe(
      'The file is empty.',
    );
    expect(await refused(() => csv('email\n'))).toBe(
      'The file has no rows under its header; no lead set was made.',
    );
    expect(await refused(() => csv('email,note\n,hello\nN/A,\n'))).toBe(
      'None of the 2 rows gave a lead; no lead set was made. Line 2: Every mapped cell of the row is blank.',
    );
    expect(
      await refused(() =>
        as.ops.leadSets.import({ name: 'J', format: 'json', text: '[]', mapping: { columns: {} } }),
      ),
    ).toBe('The file holds no leads; no lead set was made.');
  });

  it('#15: a file whose every row is refused makes no set and names the first problem', async () => {
    expect(await refused(() => csv('email\nnot-an-email\nalso bad\n'))).toBe(
      'None of the 2 rows gave a lead; no lead set was made. Line 2, column "email": "not-an-email" is not an email address',
    );
  });

  it('#15: a binary file is refused at the line and column where it starts', async () => {
    // What a browser's file.text() makes of bytes that are not UTF-8 (an .xlsx, a UTF-16 file).
    const undecodable = 'email\nann@acme.com\nbob@\uFFFDglobex.com\n';
    const message =
      'Line 3, column 5: the file is not text: it has bytes that are not UTF-8 text (shown as \uFFFD) here. Upload a CSV or JSON file saved as UTF-8.';
    expect(await refused(() => csv(undecodable))).toBe(message);
    expect(
      await refused(() => as.ops.leadSets.previewImport({ format: 'csv', text: undecodable })),
    ).toBe(message);
    expect(
      await refused(() =>
        as.ops.leadSets.import({
          name: 'J',
          format: 'json',
          text: '[{"id":"a","attributes":{"x":1}},\n{"id":"b\uFFFD"}]',
          mapping: { columns: {} },
        }),
      ),
    ).toMatch(/^Line 2, column 9: /);
    // A NUL byte is refused by the tRPC input check before the import reads it (the upload
    // route, which reads bytes, names its line: see lead-set-upload.test.ts).
    await refused(() => csv('email\nann@\u0000acme.com\n'));
  });

  it('#18, #17: a header past the caps is refused before it is read; a cell past them costs the cell', async () => {
    const longCell = `email\n${'a@'.repeat(40_000)}@\n`;
    const cellMessage = 'The cell has 80,001 characters; a cell holds at most 65,536.';
    const preview = await as.ops.leadSets.previewImport({
      format: 'csv',
      text: longCell,
      mapping: { columns: { email: EMAIL } },
    });
    expect(preview.issues.byColumn[0]!.examples[0]).toEqual({
      line: 2,
      value: 'a@'.repeat(100),
      message: cellMessage,
    });
    expect(await refused(() => csv(longCell))).toBe(
      `None of the 1 row gave a lead; no lead set was made. Line 2, column "email": ${cellMessage}`,
    );
    const kept = await as.ops.leadSets.import({
      name: 'Long cell',
      format: 'csv',
      text: `email,size\n${'a@'.repeat(40_000)}@,12\n`,
      mapping: { columns: { email: EMAIL, size: { kind: 'field', field: 'company_size' } } },
    });
    expect(kept).toMatchObject({ imported: 1, rejected: 0, issues: { count: 1 } });
    const wide = `${Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',')}\n1\n`;
    const wideMessage =
      'Line 1: The file has more than 2,000 columns; an import takes at most 2,000.';
    expect(await refused(() => as.ops.leadSets.previewImport({ format: 'csv', text: wide }))).toBe(
      wideMessage,
    );
    expect(await refused(() => csv(wide))).toBe(wideMessage);
    const wideJson = JSON.stringify([
      Object.fromEntries(Array.from({ length: 2_001 }, (_, i) => [`k${i}`, i])),
    ]);
    expect(
      await refused(() => as.ops.leadSets.previewImport({ format: 'json', text: wideJson })),
    ).toBe('Line 1: The record has 2,001 keys; an import takes at most 2,000.');
    const longJson = JSON.stringify([{ id: 'L', attributes: { note: 'x'.repeat(70_000) } }]);
    const longImported = await as.ops.leadSets.import({
      name: 'J',
      format: 'json',
      text: longJson,
      mapping: { columns: {} },
    });
    expect(longImported).toMatchObject({ imported: 1, keptWithIssues: 1 });
    expect(longImported.issues.byColumn[0]).toMatchObject({
      column: 'attributes.note',
      examples: [
        { line: 1, message: 'The cell has 70,000 characters; a cell holds at most 65,536.' },
      ],
    });
  });

  it('#18: the preview answer stays smaller than the text it reads', async () => {
    const columns = Array.from({ length: 2_000 }, (_, i) => `Property ${i}`);
    const cell = 'x'.repeat(250);
    const text = [
      columns.join(','),
      ...Array.from({ length: 3 }, () => columns.map(() => cell).join(',')),
    ].join('\n');
    expect(text.length).toBeGreaterThan(1_500_000);
    const preview = await as.ops.leadSets.previewImport({ format: 'csv', text });
    expect(preview.columns).toHaveLength(2_000);
    expect(preview.columns[0]!.samples[0]).toBe(`${'x'.repeat(120)}…`);
    expect(JSON.stringify(preview).length).toBeLessThan(text.length);
  });

  it('#18: columns named like Object properties are plain columns', async () => {
    const text = 'constructor,__proto__,toString,email\n1,2,3,ann@acme.com\n';
    const preview = await as.ops.leadSets.previewImport({ format: 'csv', text });
    expect(preview.rows[0]!.lead).toEqual({
      id: 'row-2',
      attributes: { email: 'ann@acme.com' },
      events: [],
    });
    const flat = await as.ops.leadSets.previewImport({
      format: 'json',
      text: '[{"email":"ann@acme.com","toString":"x"}]',
    });
    expect(flat.rows[0]!.errors).toEqual([]);
  });
});
