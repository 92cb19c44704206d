import { request as httpRequest, type IncomingMessage } from 'node:http';
import { createInterface } from 'node:readline';
import { sql, type AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { blankWorkflow, generateLeads } from '@accord/engine';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { servedDemo } from '../testing';
import type { AccordServer } from '../server';
import { MAX_NDJSON_LINE_BYTES, NDJSON_TYPE, registerEvaluateRoute } from './evaluate-route';

const asOf = '2026-11-01T00:00:00.000Z';
const ndjson = (items: readonly unknown[]) => items.map((x) => JSON.stringify(x)).join('\n') + '\n';
const lines = (body: string) =>
  body
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown> & { line: number });
const withoutLine = ({ line: _line, ...rest }: { line: number }) => rest;

/**
 * A request over a real socket whose body is written piece by piece while its answer is read line
 * by line: what a streaming client does.
 */
function duplex(url: string, headers: Record<string, string>) {
  const req = httpRequest(url, {
    method: 'POST',
    headers: { 'content-type': NDJSON_TYPE, ...headers },
  });
  req.on('error', () => {});
  const response = new Promise<IncomingMessage>((resolve, reject) => {
    req.on('response', resolve);
    req.on('error', reject);
  });
  req.flushHeaders();
  let reader: AsyncIterator<string> | undefined;
  const next = async () => {
    reader ??= createInterface({ input: await response })[Symbol.asyncIterator]();
    const { value, done } = await reader.next();
    if (done) throw new Error('the answer ended');
    return JSON.parse(value) as Record<string, unknown> & { line: number };
  };
  const rest = async () => {
    reader ??= createInterface({ input: await response })[Symbol.asyncIterator]();
    const out = [];
    for (;;) {
      const { value, done } = await reader.next();
      if (done) return out;
      out.push(JSON.parse(value) as Record<string, unknown> & { line: number });
    }
  };
  return { req, response, next, rest, write: (text: string) => req.write(text) };
}

describe.each(testBackends())('NDJSON evaluation API on $kind', ({ open }) => {
  let database: AccordDatabase;
  let app: AccordServer;
  let url: string;
  let key: string;
  let slug: string;
  let workflowId: string;
  const leads = generateLeads({ count: 10_000, seed: 22, asOf: Date.parse(asOf) });

  const send = (body: string, query = `?asOf=${asOf}`, bearer: string | null = key) =>
    app.inject({
      method: 'POST',
      url: `/v1/workflows/${slug}/evaluate${query}`,
      headers: {
        'content-type': NDJSON_TYPE,
        ...(bearer ? { authorization: `Bearer ${bearer}` } : {}),
      },
      payload: body,
    });

  beforeAll(async () => {
    database = await open();
    ({ app, key, slug, workflowId } = await servedDemo(database));
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  }, 120_000); // seeding the demo is slow on a busy machine
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('answers a 10,000-line stream with 10,000 lines in order, naming the version once in headers', async () => {
    const res = await send(ndjson(leads));
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe(`${NDJSON_TYPE}; charset=utf-8`);
    expect(res.headers['x-accord-workflow']).toBe(slug);
    expect(res.headers['x-accord-version']).toBe('1');
    expect(res.headers['x-accord-version-id']).toMatch(/^[0-9a-f-]{36}$/);
    const live = await database.db
      .selectFrom('versions')
      .select(['id', 'compiled_hash'])
      .where('workflow_id', '=', workflowId)
      .where('status', '=', 'published')
      .executeTakeFirstOrThrow();
    expect(res.headers['x-accord-version-id']).toBe(live.id);
    expect(res.headers['x-accord-version-hash']).toBe(live.compiled_hash);
    expect(res.headers['x-accord-as-of']).toBe(asOf);
    const answer = lines(res.body);
    expect(answer).toHaveLength(10_000);
    expect(answer.map((r) => r.line)).toEqual(leads.map((_, i) => i + 1));
    expect(answer.map((r) => r.leadId)).toEqual(leads.map((l) => l.id));
    expect(answer.every((r) => typeof r.stage === 'string' && r.version === 1)).toBe(true);
    expect(new Set(answer.map((r) => r.stage)).size).toBeGreaterThan(1);
  });

  it('answers exactly what the JSON form answers for the same leads, with and without explain', async () => {
    const some = leads.slice(0, 500);
    for (const explain of ['true', 'false']) {
      const json = await app.inject({
        method: 'POST',
        url: `/v1/workflows/${slug}/evaluate?explain=${explain}`,
        headers: { authorization: `Bearer ${key}` },
        payload: { leads: some, asOf },
      });
      expect(json.statusCode).toBe(200);
      const stream = await send(ndjson(some), `?asOf=${asOf}&explain=${explain}`);
      expect(lines(stream.body).map(withoutLine)).toEqual(json.json().results);
    }
  });

  it('with explain=false answers only the line, lead id, stage and scores (and warnings when there are any)', async () => {
    const res = await send(
      ndjson([leads[0], { ...leads[1], attributes: { ...leads[1]!.attributes, shoe_size: 44 } }]),
      `?asOf=${asOf}&explain=false`,
    );
    const [plain, warned] = lines(res.body);
    expect(Object.keys(plain!)).toEqual(['line', 'leadId', 'stage', 'scores']);
    expect(Object.keys(plain!.scores as object).sort()).toEqual(['engagement', 'fit']);
    expect(Object.keys(warned!)).toEqual(['line', 'leadId', 'stage', 'scores', 'warnings']);
    expect(warned!.warnings).toEqual([expect.objectContaining({ path: 'attributes.shoe_size' })]);
    const json = await app.inject({
      method: 'POST',
      url: `/v1/workflows/${slug}/evaluate?explain=false`,
      headers: { authorization: `Bearer ${key}` },
      payload: { lead: leads[0], asOf },
    });
    expect(Object.keys(json.json().results[0])).toEqual(['leadId', 'stage', 'scores']);
    expect(json.headers['x-accord-version']).toBe('1');
  });

  it('answers each bad line with an error line naming its number and scores the others', async () => {
    const good = (i: number) => JSON.stringify(leads[i]);
    const tooLong = JSON.stringify({
      id: 'long',
      attributes: { note: 'x'.repeat(MAX_NDJSON_LINE_BYTES) },
    });
    const body = [
      good(0), // 1
      '{"id": "broken", ', // 2: not JSON
      good(1), // 3
      '', // 4: blank lines are skipped
      tooLong, // 5
      '['.repeat(100) + ']'.repeat(100), // 6: too deep
      `{"id":"deep","attributes":{},"x":${'['.repeat(70)}${']'.repeat(70)}}`, // 7: too deep
      JSON.stringify({ id: 'typed', attributes: { company_size: 'lots' } }), // 8: wrong type
      JSON.stringify({ attributes: {} }), // 9: no id
      `${good(2)}\r`, // 10: CRLF
      '   ', // 11: blank
      good(3), // 12: the last line has no newline
    ].join('\n');
    const res = await send(body);
    expect(res.statusCode).toBe(200);
    const answer = lines(res.body);
    expect(answer.map((r) => r.line)).toEqual([1, 2, 3, 5, 6, 7, 8, 9, 10, 12]);
    const byLine = new Map(answer.map((r) => [r.line, r]));
    for (const n of [1, 3, 10, 12]) expect(typeof byLine.get(n)!.stage).toBe('string');
    expect(byLine.get(12)!.leadId).toBe(leads[3]!.id);
    expect(byLine.get(2)).toMatchObject({
      line: 2,
      leadId: null,
      error: {
        code: 'BAD_REQUEST',
        message: expect.stringMatching(/^Line 2 is not JSON/),
        path: '',
      },
    });
    expect(byLine.get(5)).toMatchObject({
      line: 5,
      leadId: null,
      error: {
        code: 'PAYLOAD_TOO_LARGE',
        message: `Line 5 is longer than the limit of ${MAX_NDJSON_LINE_BYTES} bytes.`,
        path: '',
      },
    });
    for (const n of [6, 7])
      expect(byLine.get(n)!.error).toMatchObject({
        code: 'BAD_REQUEST',
        message: `Line ${n} is nested deeper than 64 levels.`,
      });
    expect(byLine.get(8)).toMatchObject({
      leadId: 'typed',
      error: { code: 'BAD_REQUEST', path: 'attributes.company_size' },
    });
    expect(byLine.get(9)).toMatchObject({ leadId: null, error: { path: 'id' } });
  });

  it('measures the line cap in bytes, however the line is split across chunks', async () => {
    // 400,000 three-byte characters: fewer characters than the cap, more bytes.
    const wide = JSON.stringify({ id: 'wide', attributes: { note: '€'.repeat(400_000) } });
    const client = duplex(`${url}/v1/workflows/${slug}/evaluate?asOf=${asOf}`, {
      authorization: `Bearer ${key}`,
    });
    const bytes = Buffer.from(`${wide}\n${JSON.stringify(leads[0])}\n`);
    for (let at = 0; at < bytes.length; at += 9_999)
      client.req.write(bytes.subarray(at, at + 9_999));
    client.req.end();
    expect((await client.response).statusCode).toBe(200);
    const [first, second] = await client.rest();
    expect(first).toMatchObject({ line: 1, error: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(second).toMatchObject({ line: 2, leadId: leads[0]!.id });
  });

  it('streams both ways: a line is answered while the body is still being sent', async () => {
    const client = duplex(`${url}/v1/workflows/${slug}/evaluate?asOf=${asOf}&explain=false`, {
      authorization: `Bearer ${key}`,
    });
    client.write(`${JSON.stringify(leads[0])}\n`);
    expect((await client.response).statusCode).toBe(200);
    expect(await client.next()).toMatchObject({ line: 1, leadId: leads[0]!.id });
    client.write(`${JSON.stringify(leads[1])}\n`);
    expect(await client.next()).toMatchObject({ line: 2, leadId: leads[1]!.id });
    client.req.end(JSON.stringify(leads[2]));
    expect(await client.rest()).toEqual([expect.objectContaining({ line: 3 })]);
  });

  it('refuses a request without a known key, or for an unknown workflow, before reading its body', async () => {
    for (const [headers, path, status] of [
      [{}, slug, 401],
      [{ authorization: 'Bearer acc_made_up' }, slug, 401],
      [{ authorization: `Bearer ${key}` }, 'no-such-workflow', 404],
    ] as const) {
      const client = duplex(`${url}/v1/workflows/${path}/evaluate`, headers);
      // The body never ends: only an answer given before it is read can arrive.
      client.write(`${JSON.stringify(leads[0])}\n`);
      const res = await client.response;
      expect(res.statusCode).toBe(status);
      expect(res.headers.connection).toBe('close');
      const text = await new Promise<string>((resolve) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d));
        res.on('end', () => resolve(body));
      });
      expect(JSON.parse(text).error.path).toBe(
        status === 401 ? 'headers.authorization' : 'params.slug',
      );
      client.req.destroy();
    }
  });

  it('answers an empty body with an empty answer', async () => {
    for (const payload of ['', '\n\n', ' \r\n']) {
      const res = await send(payload);
      expect(res.statusCode).toBe(200);
      expect(res.body).toBe('');
    }
  });

  it('rate limits NDJSON requests like JSON ones, before reading the body', async () => {
    const limited = Fastify();
    await registerEvaluateRoute(limited, {
      db: database.db,
      ...app.caches,
      rateLimits: { perKey: 1, perAddress: 1 },
    });
    try {
      const post = () =>
        limited.inject({
          method: 'POST',
          url: `/v1/workflows/${slug}/evaluate`,
          headers: { 'content-type': NDJSON_TYPE, authorization: `Bearer ${key}` },
          payload: ndjson([leads[0]]),
        });
      expect((await post()).statusCode).toBe(200);
      const refused = await post();
      expect(refused.statusCode).toBe(429);
      expect(refused.json().error.code).toBe('TOO_MANY_REQUESTS');
    } finally {
      await limited.close();
    }
  });

  it('refuses a bad query with 400 naming the parameter', async () => {
    for (const [query, path] of [
      ['?version=two', 'query.version'],
      ['?version=99', 'query.version'],
      ['?asOf=yesterday', 'query.asOf'],
      ['?explain=maybe', 'query.explain'],
      ['?leads=1', 'query'],
    ] as const) {
      const res = await send(ndjson([leads[0]]), query);
      expect(res.statusCode).toBe(query === '?version=99' ? 404 : 400);
      expect(res.json().error.path).toBe(path);
    }
    const json = await app.inject({
      method: 'POST',
      url: `/v1/workflows/${slug}/evaluate?explain=no`,
      headers: { authorization: `Bearer ${key}` },
      payload: { lead: leads[0] },
    });
    expect(json.statusCode).toBe(400);
    expect(json.json().error.path).toBe('query.explain');
  });

  it('takes any number of leads: the JSON body limit does not apply to NDJSON', async () => {
    const small = Fastify({ bodyLimit: 1_000 });
    await registerEvaluateRoute(small, { db: database.db, ...app.caches });
    try {
      const body = ndjson(leads.slice(0, 50));
      expect(body.length).toBeGreaterThan(10_000);
      const res = await small.inject({
        method: 'POST',
        url: `/v1/workflows/${slug}/evaluate`,
        headers: { 'content-type': NDJSON_TYPE, authorization: `Bearer ${key}` },
        payload: body,
      });
      expect(res.statusCode).toBe(200);
      expect(lines(res.body)).toHaveLength(50);
    } finally {
      await small.close();
    }
  });

  it('logs the decisions of every answered line, in batches; an unstorable lead gets its own error line', async () => {
    await database.db
      .updateTable('workflows')
      .set({ decision_log: true })
      .where('id', '=', workflowId)
      .execute();
    app.caches.evaluators.invalidateWorkflow(workflowId);
    const loggedIds = async (prefix: string) =>
      (
        await database.db
          .selectFrom('decisions')
          .select('lead_id')
          .where('workflow_id', '=', workflowId)
          .where('lead_id', 'like', `${prefix}%`)
          .execute()
      ).map((r) => r.lead_id);
    try {
      const batch = leads.slice(0, 4_500).map((l, i) => ({ ...l, id: `log-${i}` }));
      batch[4_000] = { ...batch[4_000]!, id: 'log-\u0000' };
      const answer = lines((await send(ndjson(batch))).body);
      expect(answer).toHaveLength(4_500);
      expect(answer[4_000]).toMatchObject({ line: 4_001, error: { path: 'id' } });
      const logged = await loggedIds('log-');
      expect(logged).toHaveLength(4_499);
      expect(new Set(logged).size).toBe(4_499);

      // A write that fails mid-stream ends the answer with a line naming the first line not
      // answered; every line answered before it is logged.
      await sql`CREATE FUNCTION refuse_ndjson() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.lead_id = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$`.execute(
        database.db,
      );
      await sql`CREATE TRIGGER refuse_ndjson BEFORE INSERT ON decisions
        FOR EACH ROW EXECUTE FUNCTION refuse_ndjson()`.execute(database.db);
      try {
        const failing = leads.slice(0, 6_000).map((l, i) => ({ ...l, id: `tx-${i}` }));
        failing[5_000] = { ...failing[5_000]!, id: 'boom' };
        const res = await send(ndjson(failing), `?asOf=${asOf}&explain=false`);
        expect(res.statusCode).toBe(200);
        const out = res.body.trimEnd().split('\n');
        const last = JSON.parse(out.at(-1)!);
        expect(last.error.code).toBe('INTERNAL_SERVER_ERROR');
        const answered = out.slice(0, -1).map((l) => JSON.parse(l) as { leadId: string });
        expect(last.error.message).toContain(`lines from ${answered.length + 1} on`);
        expect(answered.length).toBeGreaterThan(0);
        expect(answered.length).toBeLessThanOrEqual(5_000);
        expect((await loggedIds('tx-')).sort()).toEqual(answered.map((r) => r.leadId).sort());
      } finally {
        await sql`DROP TRIGGER refuse_ndjson ON decisions`.execute(database.db);
        await sql`DROP FUNCTION refuse_ndjson()`.execute(database.db);
      }
    } finally {
      await database.db
        .updateTable('workflows')
        .set({ decision_log: false })
        .where('id', '=', workflowId)
        .execute();
      app.caches.evaluators.invalidateWorkflow(workflowId);
    }
  });

  it('describes the NDJSON form in the OpenAPI document', async () => {
    const doc = (await app.inject({ url: '/v1/openapi.json' })).json();
    const post = doc.paths['/v1/workflows/{slug}/evaluate'].post;
    expect(Object.keys(post.requestBody.content)).toEqual(['application/json', NDJSON_TYPE]);
    expect(post.requestBody.content[NDJSON_TYPE].schema).toEqual({
      $ref: '#/components/schemas/Lead',
    });
    expect(post.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`)).toEqual([
      'path:slug',
      'query:explain',
      'query:version',
      'query:asOf',
    ]);
    const answer = post.responses['200'].content[NDJSON_TYPE];
    expect(answer.schema.oneOf).toHaveLength(3);
    expect(post.responses['200'].headers).toHaveProperty('x-accord-version');
  });

  it('keeps the version it started with for the whole stream, even across a publish', async () => {
    const client = duplex(`${url}/v1/workflows/${slug}/evaluate?asOf=${asOf}`, {
      authorization: `Bearer ${key}`,
    });
    client.write(`${JSON.stringify(leads[0])}\n`);
    expect((await client.response).headers['x-accord-version']).toBe('1');
    expect(await client.next()).toMatchObject({ line: 1, version: 1 });

    const live = await database.db
      .selectFrom('versions')
      .selectAll()
      .where('workflow_id', '=', workflowId)
      .where('status', '=', 'published')
      .executeTakeFirstOrThrow();
    await database.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('versions')
        .set({ status: 'superseded' })
        .where('id', '=', live.id)
        .execute();
      await trx
        .insertInto('versions')
        .values({
          workflow_id: workflowId,
          number: 2,
          status: 'published',
          document: sql`${JSON.stringify(blankWorkflow())}::jsonb` as never,
          compiled_hash: 'h',
          catalog_hash: live.catalog_hash,
          change_note: 'v2',
          based_on_revision: null,
          author_id: live.author_id,
          published_at: new Date(),
          published_by: live.author_id,
        })
        .execute();
    });
    app.caches.evaluators.invalidateWorkflow(workflowId);
    expect((await send(ndjson([leads[0]]))).headers['x-accord-version']).toBe('2');

    client.write(`${JSON.stringify(leads[1])}\n`);
    client.req.end(`${JSON.stringify(leads[2])}\n`);
    expect(await client.next()).toMatchObject({ line: 2, version: 1 });
    expect(await client.rest()).toEqual([expect.objectContaining({ line: 3, version: 1 })]);
  });
});
