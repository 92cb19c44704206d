import { Readable } from 'node:stream';
import { appendLeadSetIssues, createLeadSet, finishLeadSet, type AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../env';
import { seedDemo } from '../seed';
import { demoSessionCookies } from '../testing';
import { buildServer, type AccordServer } from '../server';

describe.each(testBackends())('lead set upload on $kind', ({ open }) => {
  let database: AccordDatabase;
  let app: AccordServer;
  const cookies: Record<string, string> = {};
  beforeAll(async () => {
    database = await open();
    await seedDemo(database.db);
    app = await buildServer({ database, env: parseEnv({ LOG_LEVEL: 'silent' }) });
    Object.assign(cookies, await demoSessionCookies(app, ['ops', 'sales']));
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  const mapping = JSON.stringify({
    columns: {
      id: { kind: 'id' },
      email: { kind: 'field', field: 'email' },
      size: { kind: 'field', field: 'company_size' },
      won: { kind: 'outcome', as: 'won' },
    },
  });
  const url = (query: Record<string, string>) =>
    `/api/lead-sets/import?${new URLSearchParams(query).toString()}`;

  it('streams a big CSV body into a lead set with the same mapping; a bad cell costs the cell (#17)', async () => {
    const rows = 20_000;
    function* lines() {
      yield 'id,email,size,won\n';
      for (let i = 0; i < rows; i++)
        yield i === 7
          ? `L-${i},broken,many,won\n`
          : `L-${i},p${i}@acme.com,"${i},000",${i % 3 ? 'lost' : 'won'}\n`;
    }
    const res = await app.inject({
      method: 'POST',
      url: url({ name: 'Upload', mapping, fileName: 'big.csv' }),
      headers: { cookie: cookies.ops!, 'content-type': 'text/csv' },
      payload: Readable.from(lines()),
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({ rows, imported: rows, rejected: 0, keptWithIssues: 1 });
    expect(body.errors).toEqual([]);
    expect(body.issues.byColumn).toEqual([
      {
        column: 'email',
        columnIndex: 2,
        count: 1,
        examples: [{ line: 9, value: 'broken', message: '"broken" is not an email address' }],
      },
      {
        column: 'size',
        columnIndex: 3,
        count: 1,
        examples: [{ line: 9, value: 'many', message: '"many" is not a number' }],
      },
    ]);
    expect(body.leadSet).toMatchObject({
      lead_count: rows,
      has_outcomes: true,
      status: 'ready',
      issue_count: 2,
    });
    const kept = await database.db
      .selectFrom('leads')
      .select('data')
      .where('lead_set_id', '=', body.leadSet.id)
      .where('seq', '=', 7)
      .executeTakeFirstOrThrow();
    expect(kept.data).toEqual({
      id: 'L-7',
      attributes: {},
      events: [],
      outcome: { converted: true, won: true },
    });
    const lead = await database.db
      .selectFrom('leads')
      .select('data')
      .where('lead_set_id', '=', body.leadSet.id)
      .where('seq', '=', 3)
      .executeTakeFirstOrThrow();
    expect(lead.data).toEqual({
      id: 'L-3',
      attributes: { email: 'p3@acme.com', company_size: 3000 },
      events: [],
      outcome: { converted: true, won: true },
    });
  });

  it('answers JSON errors: signed out, wrong role, bad mapping', async () => {
    const post = (headers: Record<string, string>, query: Record<string, string>) =>
      app.inject({ method: 'POST', url: url(query), headers, payload: 'id\n1\n' });
    const anonymous = await post({ 'content-type': 'text/csv' }, { name: 'x' });
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.json().error.code).toBe('UNAUTHORIZED');
    const sales = await post({ cookie: cookies.sales!, 'content-type': 'text/csv' }, { name: 'x' });
    expect(sales.statusCode).toBe(403);
    const bad = await post(
      { cookie: cookies.ops!, 'content-type': 'text/csv' },
      { name: 'x', mapping: JSON.stringify({ columns: { nope: { kind: 'id' } } }) },
    );
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error).toMatchObject({ code: 'BAD_REQUEST', path: 'mapping.columns.nope' });
    const notJson = await post(
      { cookie: cookies.ops!, 'content-type': 'text/csv' },
      { name: 'x', mapping: '{' },
    );
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json().error.path).toBe('mapping');
  });

  const upload = (payload: string | Buffer, query: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: url({ name: 'Garbage', mapping, ...query }),
      headers: { cookie: cookies.ops!, 'content-type': 'text/csv' },
      payload,
    });
  const setCount = async () =>
    (await database.db.selectFrom('lead_sets').select('id').execute()).length;

  it('#15: refuses a binary file at the line and column where it starts, storing nothing', async () => {
    const before = await setCount();
    const nul = Buffer.concat([
      Buffer.from('id,email\nL-1,ann@acme.com\nL-2,bo'),
      Buffer.from([0x00, 0x01]),
      Buffer.from('b@x.com\n'),
    ]);
    const res = await upload(nul);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toEqual({
      code: 'BAD_REQUEST',
      message:
        'Line 3, column 7: the file is not text: it has a NUL byte here. Upload a CSV or JSON file saved as UTF-8.',
      path: 'body',
      requestId: res.headers['x-request-id'],
    });
    // Bytes that are not UTF-8 (0xFF), the way an .xlsx or a UTF-16 file starts.
    const latin = Buffer.concat([
      Buffer.from('id,email\nL-1,J'),
      Buffer.from([0xff]),
      Buffer.from('rg@x.com\n'),
    ]);
    const invalid = await upload(latin);
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.message).toMatch(
      /^Line 2, column 6: the file is not text: it has bytes that are not UTF-8/,
    );
    expect(await setCount()).toBe(before);
  });

  it('#15: refuses an empty file and one whose rows give no lead, storing nothing', async () => {
    const before = await setCount();
    const empty = await upload('');
    expect(empty.statusCode).toBe(400);
    expect(empty.json().error).toMatchObject({ message: 'The file is empty.', path: 'body' });
    const bad = await upload('id,email,size,won\nL-1,nope,,\n');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.message).toMatch(
      /^None of the 1 row gave a lead; no lead set was made\. Line 2, column "email"/,
    );
    expect(await setCount()).toBe(before);
  });

  it('#18: refuses a header of 100,000 columns and an 80 KB cell, naming the cap', async () => {
    const wide = await upload(
      `${Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',')}\n1\n`,
    );
    expect(wide.statusCode).toBe(400);
    expect(wide.json().error.message).toBe(
      'Line 1: The file has more than 2,000 columns; an import takes at most 2,000.',
    );
    // #17: a cell too long costs the cell; a row with nothing else is refused, naming the cell.
    const cell = await upload(`id,email,size,won\nL-1,${'a@'.repeat(40_000)}@,,\n`);
    expect(cell.statusCode).toBe(400);
    expect(cell.json().error.message).toBe(
      'None of the 1 row gave a lead; no lead set was made. Line 2, column "email": The cell has 80,001 characters; a cell holds at most 65,536.',
    );
    const kept = await upload(`id,email,size,won\nL-1,${'a@'.repeat(40_000)}@,12,\n`);
    expect(kept.statusCode).toBe(200);
    expect(kept.json()).toMatchObject({ imported: 1, issues: { count: 1 } });
  });

  it('#17: refuses rows for a bad cell with badCells=refuse-row', async () => {
    const res = await upload('id,email,size,won\nL-1,a@b.co,many,won\nL-2,c@d.co,3,lost\n', {
      badCells: 'refuse-row',
    });
    expect(res.json()).toMatchObject({ rows: 2, imported: 1, rejected: 1 });
    const wrong = await upload('id\n1\n', { badCells: 'skip' });
    expect(wrong.statusCode).toBe(400);
    expect(wrong.json().error.path).toBe('badCells');
  });

  it('#17: downloads every problem of an import as CSV, signed in, never cut without saying so', async () => {
    const lines = ['id,email,size,won'];
    for (let i = 0; i < 1_500; i++) lines.push(`L-${i},p${i}@x.co,${i % 2 ? 'lots' : i},won`);
    lines.push('L-x,"=HYPERLINK(""http://evil"")",1,won');
    const res = await upload(`${lines.join('\n')}\n`);
    const body = res.json();
    expect(body).toMatchObject({ imported: 1_501, errorsTruncated: false });
    expect(body.issues).toMatchObject({ count: 751, stored: 751, capped: false });
    expect(body.issues.byColumn.map((c: { count: number }) => c.count)).toEqual([1, 750]);
    const csv = await app.inject({
      method: 'GET',
      url: body.issues.downloadPath,
      headers: { cookie: cookies.sales! },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="Garbage-issues.csv"');
    expect(csv.headers['x-accord-issue-count']).toBe('751');
    const rows = csv.body.trimEnd().split('\r\n');
    expect(rows).toHaveLength(752);
    expect(rows[0]).toBe('line,column,column_index,value,reason,row_kept');
    expect(rows[1]).toBe('3,"size",3,"lots","""lots"" is not a number",yes');
    expect(rows.at(-1)).toBe(
      `1502,"email",2,"'=HYPERLINK(""http://evil"")","""=HYPERLINK(""http://evil"")"" is not an email address",yes`,
    );
    const anonymous = await app.inject({ method: 'GET', url: body.issues.downloadPath });
    expect(anonymous.statusCode).toBe(401);
    const unknown = await app.inject({
      method: 'GET',
      url: '/api/lead-sets/00000000-0000-4000-8000-000000000000/issues.csv',
      headers: { cookie: cookies.ops! },
    });
    expect(unknown.statusCode).toBe(404);
    const notId = await app.inject({
      method: 'GET',
      url: '/api/lead-sets/nope/issues.csv',
      headers: { cookie: cookies.ops! },
    });
    expect(notId.json().error).toMatchObject({ code: 'BAD_REQUEST', path: 'leadSetId' });
  });

  it('#17: the report says when more problems were found than a set keeps', async () => {
    const ws = await database.db.selectFrom('workspaces').select('id').executeTakeFirstOrThrow();
    const set = await createLeadSet(database.db, {
      workspaceId: ws.id,
      name: 'Capped',
      source: { kind: 'import' },
      createdBy: null,
    });
    await appendLeadSetIssues(database.db, set.id, 0, [
      { line: 2, columnIndex: 1, column: 'a', value: 'x', reason: 'bad', rowKept: true },
    ]);
    await finishLeadSet(database.db, set.id, {
      leadCount: 0,
      hasOutcomes: false,
      issues: { count: 1_000_005, stored: 1 },
    });
    const csv = await app.inject({
      method: 'GET',
      url: `/api/lead-sets/${set.id}/issues.csv`,
      headers: { cookie: cookies.ops! },
    });
    expect(csv.body.trimEnd().split('\r\n')).toEqual([
      'line,column,column_index,value,reason,row_kept',
      '2,"a",1,"x","bad",yes',
      ',,,,"1,000,004 more problems were found but not kept: a lead set keeps at most 1,000,000.",',
    ]);
  });

  it('loads at most ACCORD_MAX_CONCURRENT_LOADS sets at once; one more is refused unread, the rest finish', async () => {
    // Two uploads that send their header and a row, then wait.
    const gates: (() => void)[] = [];
    let reading = 0;
    const stalled = (name: string) =>
      app.inject({
        method: 'POST',
        url: url({ name, mapping }),
        headers: { cookie: cookies.ops!, 'content-type': 'text/csv' },
        payload: Readable.from(
          (async function* () {
            yield 'id,email,size,won\nL-1,a@acme.com,10,won\n';
            reading++;
            await new Promise<void>((resolve) => gates.push(resolve));
            yield 'L-2,b@acme.com,20,lost\n';
          })(),
        ),
      });
    const held = [stalled('First'), stalled('Second')];
    while (reading < 2) await new Promise((r) => setTimeout(r, 10));
    const before = await setCount();
    const third = await upload('id,email,size,won\nL-9,c@acme.com,5,lost\n', { name: 'Third' });
    expect(third.statusCode).toBe(429);
    expect(third.json().error).toMatchObject({
      code: 'TOO_MANY_REQUESTS',
      message:
        '2 lead sets are loading on this server, as many as it loads at once; try again when one has finished.',
    });
    const generated = await app.inject({
      method: 'POST',
      url: '/trpc/leadSets.generate',
      headers: { cookie: cookies.ops!, 'content-type': 'application/json' },
      payload: { name: 'Generated', count: 10, seed: 1 },
    });
    expect(generated.json().error.data.code).toBe('TOO_MANY_REQUESTS');
    expect(await setCount()).toBe(before);
    for (const open of gates) open();
    for (const res of await Promise.all(held)) {
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ imported: 2, leadSet: { status: 'ready' } });
    }
    // The slots are free again, whether a load succeeded or was refused.
    const after = await upload('id,email,size,won\nL-9,c@acme.com,5,lost\n', { name: 'Fourth' });
    expect(after.statusCode).toBe(200);
    for (let i = 0; i < 3; i++)
      expect((await upload('id,email,size,won\n', { name: 'Empty' })).statusCode).toBe(400);
    const fifth = await upload('id,email,size,won\nL-5,e@acme.com,7,won\n', { name: 'Fifth' });
    expect(fifth.statusCode).toBe(200);
  });
});
