import { Readable } from 'node:stream';
import type { AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../env';
import { DEMO_PASSWORD, seedDemo } from '../seed';
import { buildServer, type AccordServer } from '../server';

describe.each(testBackends())('lead set upload on $kind', ({ open }) => {
  let database: AccordDatabase;
  let app: AccordServer;
  const cookies: Record<string, string> = {};
  beforeAll(async () => {
    database = await open();
    await seedDemo(database.db);
    app = await buildServer({ database, env: parseEnv({ LOG_LEVEL: 'silent' }) });
    for (const role of ['ops', 'sales']) {
      const res = await app.inject({
        method: 'POST',
        url: '/trpc/auth.signIn',
        headers: { 'content-type': 'application/json' },
        payload: { email: `${role}@acme.test`, password: DEMO_PASSWORD },
      });
      const header = res.headers['set-cookie'];
      cookies[role] = String(Array.isArray(header) ? header[0] : header).split(';')[0]!;
    }
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

  it('streams a big CSV body into a lead set with the same mapping and per-row errors', async () => {
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
    expect(body).toMatchObject({ rows, imported: rows - 1, rejected: 1 });
    expect(body.errors).toEqual([
      { line: 9, column: 'email', columnIndex: 2, message: '"broken" is not an email address' },
      { line: 9, column: 'size', columnIndex: 3, message: '"many" is not a number' },
    ]);
    expect(body.leadSet).toMatchObject({
      lead_count: rows - 1,
      has_outcomes: true,
      status: 'ready',
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
    const cell = await upload(`id,email,size,won\nL-1,${'a@'.repeat(40_000)}@,,\n`);
    expect(cell.statusCode).toBe(400);
    expect(cell.json().error.message).toBe(
      'Line 2, column 2: The cell has 80,001 characters; a cell holds at most 65,536.',
    );
  });
});
