import { randomBytes } from 'node:crypto';
import { sql, storeCatalogSnapshot, type AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import {
  blankWorkflow,
  CATALOG_TEMPLATES,
  defaultWorkflow,
  parseWorkflow,
  type Workflow,
} from '@accord/engine';

import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../env';
import { buildServer, type AccordServer } from '../server';
import { hashToken } from '../auth/session';
import {
  MAX_BATCH,
  MAX_WARNINGS_PER_LEAD,
  registerEvaluateRoute,
  UNKNOWN_KEY_REQUESTS_PER_MINUTE,
} from './evaluate-route';

const asOf = '2026-11-01T00:00:00Z';
const lead = (id: string, attributes: Record<string, unknown> = {}) => ({
  id,
  attributes,
  events: [],
});

describe.each(testBackends())('REST evaluation API on $kind', ({ open }) => {
  let database: AccordDatabase;
  let app: AccordServer;
  let ids: { workspace: string; other: string; user: string; workflow: string };
  const key = `acc_${randomBytes(12).toString('hex')}`;
  const otherKey = `acc_${randomBytes(12).toString('hex')}`;

  const post = (slug: string, body: unknown, bearer: string | null = key) =>
    app.inject({
      method: 'POST',
      url: `/v1/workflows/${slug}/evaluate`,
      headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
      payload: body as object,
    });
  const loggedLeadIds = async () =>
    (
      await database.db
        .selectFrom('decisions')
        .select('lead_id')
        .where('workflow_id', '=', ids.workflow)
        .execute()
    ).map((r) => r.lead_id);
  async function setDecisionLog(on: boolean) {
    await database.db
      .updateTable('workflows')
      .set({ decision_log: on })
      .where('id', '=', ids.workflow)
      .execute();
    app.caches.evaluators.invalidateWorkflow(ids.workflow);
  }

  async function addVersion(
    number: number,
    document: Workflow,
    status: 'published' | 'approved' | 'superseded',
  ) {
    const row = await database.db
      .insertInto('versions')
      .values({
        workflow_id: ids.workflow,
        number,
        status,
        document: sql`${JSON.stringify(document)}::jsonb` as never,
        compiled_hash: 'h',
        catalog_hash: await storeCatalogSnapshot(database.db, CATALOG_TEMPLATES.b2b.catalog),
        change_note: `v${number}`,
        based_on_revision: null,
        author_id: ids.user,
        published_at: null,
        published_by: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return row.id;
  }

  beforeAll(async () => {
    database = await open();
    const { db } = database;
    const [ws, other] = await db
      .insertInto('workspaces')
      .values([
        { slug: 'acme', name: 'Acme' },
        { slug: 'globex', name: 'Globex' },
      ])
      .returning('id')
      .execute();
    const user = await db
      .insertInto('users')
      .values({
        workspace_id: ws!.id,
        email: 'o@x.io',
        name: 'O',
        role: 'ops',
        password_hash: 'x',
        disabled_at: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const wf = await db
      .insertInto('workflows')
      .values({
        workspace_id: ws!.id,
        slug: 'inbound',
        name: 'Inbound',
        archived_at: null,
        created_by: user.id,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('workflows')
      .values({
        workspace_id: other!.id,
        slug: 'theirs',
        name: 'Theirs',
        archived_at: null,
        created_by: null,
      })
      .execute();
    await db
      .insertInto('workflows')
      .values({
        workspace_id: ws!.id,
        slug: 'unpublished',
        name: 'Unpublished',
        archived_at: null,
        created_by: user.id,
      })
      .execute();
    await db
      .insertInto('api_keys')
      .values([
        {
          workspace_id: ws!.id,
          name: 'crm',
          prefix: key.slice(0, 8),
          key_hash: hashToken(key),
          created_by: user.id,
          revoked_at: null,
          last_used_at: null,
        },
        {
          workspace_id: other!.id,
          name: 'x',
          prefix: otherKey.slice(0, 8),
          key_hash: hashToken(otherKey),
          created_by: null,
          revoked_at: null,
          last_used_at: null,
        },
      ])
      .execute();
    ids = { workspace: ws!.id, other: other!.id, user: user.id, workflow: wf.id };
    await addVersion(1, defaultWorkflow(), 'published');
    app = await buildServer({ database, env: parseEnv({ LOG_LEVEL: 'silent' }) });
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('evaluates one lead with the published version and names it', async () => {
    const res = await post('inbound', {
      lead: lead('L1', { first_name: 'Ann', job_title: 'VP Marketing', email: 'ann@acme.com' }),
      asOf,
    });
    expect(res.statusCode).toBe(200);
    const [result] = res.json().results;
    expect(result).toMatchObject({ leadId: 'L1', workflow: 'inbound', version: 1 });
    expect(typeof result.stage).toBe('string');
    expect(result.reasons.length).toBeGreaterThan(0);
    expect(Object.keys(result.scores)).toEqual(expect.arrayContaining(['fit', 'engagement']));
  });

  it('answers each bad lead of a batch with its own error and evaluates the good ones', async () => {
    const res = await post('inbound', {
      leads: [lead('A'), { id: 'B', attributes: 'nope' }, { attributes: {} }, lead('D')],
      asOf,
    });
    expect(res.statusCode).toBe(200);
    const results = res.json().results;
    expect(results).toHaveLength(4);
    expect(results[0].leadId).toBe('A');
    expect(results[0].stage).toBeDefined();
    expect(results[1]).toMatchObject({
      leadId: 'B',
      error: { code: 'BAD_REQUEST', path: 'leads[1].attributes' },
    });
    expect(results[2]).toMatchObject({
      leadId: null,
      error: { code: 'BAD_REQUEST', path: 'leads[2].id' },
    });
    expect(results[3].leadId).toBe('D');
  });

  it('rejects a malformed single lead with 400 and the path of the bad field', async () => {
    const res = await post('inbound', {
      lead: { id: 'X', attributes: { email: { nested: true } } },
    });
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({ code: 'BAD_REQUEST', path: 'lead.attributes.email' });
    const both = await post('inbound', { lead: lead('a'), leads: [] });
    expect(both.statusCode).toBe(400);
    expect(both.json().error.message).toMatch(/exactly one/);
    const badAsOf = await post('inbound', { lead: lead('a'), asOf: 'yesterday' });
    expect(badAsOf.json().error.path).toBe('asOf');
  });

  it('answers 401 without a key or with an unknown one', async () => {
    const none = await post('inbound', { lead: lead('a') }, null);
    expect(none.statusCode).toBe(401);
    expect(none.json().error.code).toBe('UNAUTHORIZED');
    expect((await post('inbound', { lead: lead('a') }, 'acc_wrong')).statusCode).toBe(401);
  });

  it('#18: answers 404 for a workflow of another workspace, the same as for one that does not exist', async () => {
    const foreign = await post('theirs', { lead: lead('a') });
    const missing = await post('nothing-here', { lead: lead('a') });
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json()).toEqual({
      error: {
        code: 'NOT_FOUND',
        message: 'No workflow "theirs".',
        path: 'params.slug',
        requestId: foreign.headers['x-request-id'],
      },
    });
    expect(missing.json().error.message).toBe('No workflow "nothing-here".');
    // The other workspace's key is refused this workspace's workflow the same way.
    expect((await post('inbound', { lead: lead('a') }, otherKey)).statusCode).toBe(404);
  });

  it('answers 404 for unknown workflows and versions, 409 when nothing is published', async () => {
    expect((await post('nope', { lead: lead('a') })).statusCode).toBe(404);
    const version = await post('inbound', { lead: lead('a'), version: 99 });
    expect(version.statusCode).toBe(404);
    expect(version.json().error.path).toBe('body.version');
    const unpublished = await post('unpublished', { lead: lead('a') });
    expect(unpublished.statusCode).toBe(409);
    expect(unpublished.json().error.code).toBe('CONFLICT');
  });

  it(`refuses batches over ${MAX_BATCH} leads and bodies over the size limit`, async () => {
    const many = await post('inbound', {
      leads: Array.from({ length: MAX_BATCH + 1 }, (_, i) => lead(`L${i}`)),
    });
    expect(many.statusCode).toBe(400);
    expect(many.json().error.path).toBe('leads');
    const huge = await post('inbound', { lead: lead('a', { note: 'x'.repeat(11 * 1024 * 1024) }) });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('#18: refuses version numbers past PostgreSQL integer and asOf outside years 1-9999 with 400 naming the field', async () => {
    for (const version of [2_147_483_648, 1e300]) {
      const res = await post('inbound', { lead: lead('a'), version });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toMatchObject({ code: 'BAD_REQUEST', path: 'version' });
    }
    expect((await post('inbound', { lead: lead('a'), version: 2_147_483_647 })).statusCode).toBe(
      404,
    );
    const year0 = await post('inbound', { lead: lead('a'), asOf: '0000-06-01T00:00:00Z' });
    expect(year0.statusCode).toBe(400);
    expect(year0.json().error.path).toBe('asOf');
  });

  it('#15: refuses wrongly typed values, unknown event types and unreadable event times, naming the path', async () => {
    const single = await post('inbound', { lead: lead('a', { company_size: 'lots' }), asOf });
    expect(single.statusCode).toBe(400);
    expect(single.json().error).toEqual({
      code: 'BAD_REQUEST',
      message: 'expected a number, got "lots"',
      path: 'lead.attributes.company_size',
      requestId: single.headers['x-request-id'],
    });
    const batch = await post('inbound', {
      leads: [
        lead('A', { company_size: '250', email: 'ann@acme.com', unknown_field: 1 }),
        lead('B'),
        { id: 'C', attributes: {}, events: [{ type: 'nope', at: 'yesterday' }] },
        lead('D', { email: 42 }),
      ],
      asOf,
    });
    expect(batch.statusCode).toBe(200);
    const results = batch.json().results;
    expect(results[0].stage).toBeDefined();
    expect(results[1].stage).toBeDefined();
    expect(results[2]).toMatchObject({
      leadId: 'C',
      error: {
        code: 'BAD_REQUEST',
        path: 'leads[2].events[0].type',
        message: '"nope" is not an event type of the catalog (and 1 more problem)',
      },
    });
    expect(results[3]).toMatchObject({
      leadId: 'D',
      error: { code: 'BAD_REQUEST', path: 'leads[3].attributes.email' },
    });
  });

  it("#17: ignores attributes the version's catalog does not know and lists them as warnings of that lead", async () => {
    const single = await post('inbound', {
      lead: lead('W', { shoe_size: 44, job_title: 'VP Marketing', seniority: 'Overlord' }),
      asOf,
    });
    expect(single.statusCode).toBe(200);
    const [result] = single.json().results;
    expect(result.warnings).toEqual([
      {
        path: 'attributes.shoe_size',
        message: '"shoe_size" is not a field of the catalog; it is ignored',
      },
      {
        path: 'attributes.seniority',
        message: '"Overlord" is not one of the catalog\'s values; it matches none',
      },
    ]);
    // The ignored attribute changes nothing: the same lead without it gets the same answer.
    const without = (
      await post('inbound', {
        lead: lead('W', { job_title: 'VP Marketing', seniority: 'Overlord' }),
        asOf,
      })
    ).json().results[0];
    expect({ ...without, warnings: null }).toEqual({ ...result, warnings: null });

    const batch = (
      await post('inbound', {
        leads: [
          lead('A', { email: 'a@acme.com' }),
          lead('B', { 'shoe size': 1 }),
          lead('C', { email: 42 }),
        ],
        asOf,
      })
    ).json().results;
    expect(batch[0].warnings).toEqual([]);
    expect(batch[1].warnings.map((w: { path: string }) => w.path)).toEqual([
      'attributes["shoe size"]',
    ]);
    expect(batch[2].error.path).toBe('leads[2].attributes.email');
  });

  it(`#17: lists at most ${MAX_WARNINGS_PER_LEAD} warnings per lead, then how many more`, async () => {
    const attributes = Object.fromEntries(
      Array.from({ length: MAX_WARNINGS_PER_LEAD + 5 }, (_, i) => [`extra_${i}`, i]),
    );
    const [result] = (await post('inbound', { lead: lead('many', attributes), asOf })).json()
      .results;
    expect(result.warnings).toHaveLength(MAX_WARNINGS_PER_LEAD + 1);
    expect(result.warnings[0].path).toBe('attributes.extra_0');
    expect(result.warnings.at(-1)).toEqual({ path: '', message: 'and 5 more warnings' });
  });

  it('#17: answers the JSON Schema of the lead the published version reads, which accepts a valid lead and refuses a wrong type', async () => {
    const get = (url: string, bearer: string | null = key) =>
      app.inject({
        method: 'GET',
        url,
        headers: bearer ? { authorization: `Bearer ${bearer}` } : {},
      });
    const res = await get('/v1/workflows/inbound/schema');
    expect(res.statusCode).toBe(200);
    const schema = res.json();
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.title).toBe('Lead read by inbound version 1');
    const attributes = schema.properties.attributes.properties;
    expect(Object.keys(attributes)).toEqual([
      'asked_for_follow_up',
      'budget_confirmed',
      'business_plausible',
      'buying_cycle',
      'company_size',
      'email',
      'first_name',
      'follow_up_permission',
      'industry',
      'influencer_engaged',
      'is_competitor',
      'is_student',
      'job_title',
      'last_name',
      'opportunity_size',
      'phone',
      'reachable',
      'sales_status',
      'seniority',
      'timeframe_known',
    ]);
    const b2b = CATALOG_TEMPLATES.b2b.catalog;
    expect(attributes.company_size.title).toBe(
      b2b.fields.find((f) => f.id === 'company_size')!.label,
    );
    expect(attributes.seniority.anyOf[0].enum).toEqual(
      b2b.fields.find((f) => f.id === 'seniority')!.values!.map((o) => o.value),
    );
    expect(attributes.email.anyOf[0]).toEqual({ type: 'string', format: 'email' });
    expect(schema.properties.events.items.properties.type.enum).toContain('page_view');

    const ajv = new Ajv2020({ allErrors: true, allowUnionTypes: true });
    addFormats(ajv);
    const check = ajv.compile(schema);
    const valid = {
      id: 'L-1',
      attributes: {
        company_size: '250',
        opportunity_size: 1200.5,
        is_student: 'No',
        reachable: true,
        seniority: 'vp',
        email: 'ann@acme.com',
        phone: '0301234',
        job_title: null,
        industry: '',
        shoe_size: 44,
      },
      events: [{ type: 'page_view', at: '2026-11-01T10:00:00Z', props: { seconds: 40 } }],
    };
    expect(check(valid), JSON.stringify(check.errors)).toBe(true);
    // What the schema accepts, the evaluate endpoint accepts.
    const accepted = await post('inbound', { lead: valid, asOf });
    expect(accepted.statusCode).toBe(200);
    for (const [path, wrong] of [
      ['company_size', true],
      ['company_size', 'lots'],
      ['is_student', 'perhaps'],
      ['email', 42],
    ] as const) {
      const lead = { ...valid, attributes: { ...valid.attributes, [path]: wrong } };
      expect(check(lead)).toBe(false);
      expect(check.errors!.some((e) => e.instancePath === `/attributes/${path}`)).toBe(true);
      // ...and the API refuses the same value, naming the same path.
      const refused = await post('inbound', { lead, asOf });
      expect(refused.statusCode).toBe(400);
      expect(refused.json().error.path).toBe(`lead.attributes.${path}`);
    }
    expect(
      check({
        ...valid,
        events: [{ type: 'page_view', at: '2026-11-01T10:00:00Z', props: { seconds: 'long' } }],
      }),
    ).toBe(false);
    expect(check({ ...valid, events: [{ type: 'page_view', at: true }] })).toBe(false);
    expect(check({ attributes: {} })).toBe(false);

    expect((await get('/v1/workflows/inbound/schema?version=1')).json()).toEqual(schema);
    const missing = await get('/v1/workflows/inbound/schema?version=99');
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.path).toBe('query.version');
    const bad = await get('/v1/workflows/inbound/schema?version=two');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error.path).toBe('query.version');
    const unknownParam = await get('/v1/workflows/inbound/schema?versoin=1');
    expect(unknownParam.statusCode).toBe(400);
    expect(unknownParam.json().error.path).toBe('query');
    expect((await get('/v1/workflows/inbound/schema', null)).statusCode).toBe(401);
    expect((await get('/v1/workflows/theirs/schema')).statusCode).toBe(404);
    expect((await get('/v1/workflows/unpublished/schema')).statusCode).toBe(409);
  });

  it('#18: logs all answered leads of a request or none; unstorable values are per-lead errors found before any write', async () => {
    await setDecisionLog(true);
    try {
      // A NUL in one lead id of 2,001: that lead is answered with its own error, the 2,000 others
      // are answered and logged once.
      const leads = Array.from({ length: 2_001 }, (_, i) => lead(`nul-${i}`));
      leads[2_000] = lead('nul-\u0000');
      const res = await post('inbound', { leads, asOf });
      expect(res.statusCode).toBe(200);
      const results = res.json().results;
      expect(results[2_000]).toMatchObject({
        leadId: 'nul-\u0000',
        error: { code: 'BAD_REQUEST', path: 'leads[2000].id' },
      });
      expect(results.filter((r: { stage?: string }) => r.stage).length).toBe(2_000);
      const logged = (await loggedLeadIds()).filter((id) => id.startsWith('nul-'));
      expect(logged).toHaveLength(2_000);
      expect(new Set(logged).size).toBe(2_000);
      // Half of a surrogate pair in a single lead's id: 400 naming it, nothing logged.
      const surrogate = await post('inbound', { lead: lead('s-\ud800'), asOf });
      expect(surrogate.statusCode).toBe(400);
      expect(surrogate.json().error.path).toBe('lead.id');
      expect((await loggedLeadIds()).filter((id) => id.startsWith('s-'))).toEqual([]);

      // An asOf of year 0 is refused before anything is written.
      const year0 = await post('inbound', {
        leads: [lead('y0-1'), lead('y0-2')],
        asOf: '0000-01-01T00:00:00Z',
      });
      expect(year0.statusCode).toBe(400);
      expect((await loggedLeadIds()).filter((id) => id.startsWith('y0-'))).toEqual([]);

      // A write failing after the first chunk leaves nothing of the request behind.
      await sql`CREATE FUNCTION refuse_boom() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN IF NEW.lead_id = 'boom' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$`.execute(
        database.db,
      );
      await sql`CREATE TRIGGER refuse_boom BEFORE INSERT ON decisions
        FOR EACH ROW EXECUTE FUNCTION refuse_boom()`.execute(database.db);
      try {
        const failing = Array.from({ length: 2_001 }, (_, i) => lead(`tx-${i}`));
        failing[2_000] = lead('boom');
        expect((await post('inbound', { leads: failing, asOf })).statusCode).toBe(500);
        expect((await loggedLeadIds()).filter((id) => id.startsWith('tx-'))).toEqual([]);
      } finally {
        await sql`DROP TRIGGER refuse_boom ON decisions`.execute(database.db);
        await sql`DROP FUNCTION refuse_boom()`.execute(database.db);
      }
    } finally {
      await setDecisionLog(false);
    }
  });

  it(`#18: rate limits requests without a known key per address (${UNKNOWN_KEY_REQUESTS_PER_MINUTE} a minute), not per made-up key`, async () => {
    const statuses: number[] = [];
    for (let i = 0; i <= UNKNOWN_KEY_REQUESTS_PER_MINUTE; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/v1/workflows/inbound/evaluate',
        remoteAddress: '10.9.9.9',
        headers: { authorization: `Bearer acc_made_up_${i}` },
        payload: { lead: lead('a') },
      });
      statuses.push(res.statusCode);
      if (res.statusCode === 429) expect(res.json().error.code).toBe('TOO_MANY_REQUESTS');
    }
    expect(statuses.slice(0, -1).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    // A real key from the same address has its own bucket.
    const known = await app.inject({
      method: 'POST',
      url: '/v1/workflows/inbound/evaluate',
      remoteAddress: '10.9.9.9',
      headers: { authorization: `Bearer ${key}` },
      payload: { lead: lead('a') },
    });
    expect(known.statusCode).toBe(200);
  });

  it('#18: rate limits per API key id, however the Authorization header spells the key', async () => {
    const limited = Fastify();
    await registerEvaluateRoute(limited, {
      db: database.db,
      evaluators: app.caches.evaluators,
      apiKeys: app.caches.apiKeys,
      rateLimits: { perKey: 3, perAddress: 100 },
    });
    try {
      const send = (authorization: string) =>
        limited.inject({
          method: 'POST',
          url: '/v1/workflows/inbound/evaluate',
          headers: { authorization },
          payload: { lead: lead('a') },
        });
      const spellings = [`Bearer ${key}`, `bearer ${key}`, `BEARER   ${key}`, `Bearer\t${key}`];
      const statuses = [];
      for (const spelling of spellings) statuses.push((await send(spelling)).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
      // Another workspace's key has a bucket of its own.
      expect((await send(`Bearer ${otherKey}`)).statusCode).toBe(404);
    } finally {
      await limited.close();
    }
  });

  it('uses the newly published version on the very next request, and a named version on request', async () => {
    const blank = parseWorkflow(blankWorkflow());
    if (!blank.ok) throw new Error('blank workflow does not parse');
    const v2 = await addVersion(2, blank.workflow, 'approved');
    expect((await post('inbound', { lead: lead('a') })).json().results[0].version).toBe(1);
    await database.db.transaction().execute(async (trx) => {
      await trx
        .updateTable('versions')
        .set({ status: 'superseded' })
        .where('workflow_id', '=', ids.workflow)
        .where('status', '=', 'published')
        .execute();
      await trx.updateTable('versions').set({ status: 'published' }).where('id', '=', v2).execute();
    });
    app.caches.evaluators.invalidateWorkflow(ids.workflow);
    const next = (await post('inbound', { lead: lead('a') })).json().results[0];
    expect(next).toMatchObject({ version: 2, stage: 'nurture' });
    expect((await post('inbound', { lead: lead('a'), version: 1 })).json().results[0].version).toBe(
      1,
    );
  });

  it('stops a revoked key on the very next request', async () => {
    expect((await post('inbound', { lead: lead('a') })).statusCode).toBe(200);
    await database.db
      .updateTable('api_keys')
      .set({ revoked_at: new Date() })
      .where('key_hash', '=', hashToken(key))
      .execute();
    app.caches.apiKeys.invalidate();
    expect((await post('inbound', { lead: lead('a') })).statusCode).toBe(401);
  });

  it('publishes an OpenAPI 3.1 document generated from the schemas', async () => {
    const res = await app.inject({ url: '/v1/openapi.json' });
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual([
      '/v1/workflows/{slug}/schema',
      '/v1/workflows/{slug}/evaluate',
    ]);
    const schemaRoute = doc.paths['/v1/workflows/{slug}/schema'].get;
    expect(
      schemaRoute.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`),
    ).toEqual(['path:slug', 'query:version']);
    expect(schemaRoute.responses).toHaveProperty('404');
    const item =
      doc.paths['/v1/workflows/{slug}/evaluate'].post.responses['200'].content['application/json']
        .schema.properties.results.items.oneOf[0].allOf[1];
    expect(item.properties.warnings.items).toEqual({ $ref: '#/components/schemas/Warning' });
    expect(doc.components.schemas.Warning.required).toEqual(['path', 'message']);
    expect(doc.components.schemas.Lead.properties).toHaveProperty('attributes');
    const responses = doc.paths['/v1/workflows/{slug}/evaluate'].post.responses;
    expect(responses).toHaveProperty('409');
    expect(responses).not.toHaveProperty('403');
    expect(doc.components.schemas.EvaluateRequest.properties.version.maximum).toBe(2_147_483_647);
  });
});
