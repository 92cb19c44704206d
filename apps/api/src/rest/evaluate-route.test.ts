import { randomBytes } from 'node:crypto';
import { sql, type AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { blankWorkflow, defaultWorkflow, parseWorkflow, type Workflow } from '@accord/engine';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../env';
import { buildServer, type AccordServer } from '../server';
import { hashToken } from '../trpc';
import { MAX_BATCH } from './evaluate-route';

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

  it('answers 403 for a key of another workspace, 404 for unknown workflows and versions, 409 when nothing is published', async () => {
    const foreign = await post('theirs', { lead: lead('a') });
    expect(foreign.statusCode).toBe(403);
    expect(foreign.json().error.code).toBe('FORBIDDEN');
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
    expect(Object.keys(doc.paths)).toEqual(['/v1/workflows/{slug}/evaluate']);
    expect(doc.components.schemas.Lead.properties).toHaveProperty('attributes');
    expect(doc.paths['/v1/workflows/{slug}/evaluate'].post.responses).toHaveProperty('409');
  });
});
