import { findApiKey, type AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { fetchRequestHandler } from '@trpc/server/adapters/fetch';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { createCaller } from '../root';
import { publicProcedure, router } from '../trpc';
import { codeOf, demoCallers, tamperWithAuditEvent } from '../testing';

type Callers = Awaited<ReturnType<typeof demoCallers>>;

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

/** Edge cases found in review: each once answered INTERNAL_SERVER_ERROR or leaked across workspaces. */
describe.each(testBackends())('hardening on $kind', ({ open }) => {
  let database: AccordDatabase;
  let as: Callers;
  let globex: ReturnType<typeof createCaller>;
  const auditCount = async () =>
    Number(
      (
        await database.db
          .selectFrom('audit_events')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  beforeAll(async () => {
    database = await open();
    as = await demoCallers(database, { ACCORD_REQUIRE_SIMULATION_BEFORE_PUBLISH: 'false' });
    const workspace = await database.db
      .insertInto('workspaces')
      .values({ slug: 'globex', name: 'Globex' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const user = await database.db
      .insertInto('users')
      .values({
        workspace_id: workspace.id,
        email: 'marketing@globex.test',
        name: 'Gloria Globex',
        role: 'marketing',
        password_hash: 'scrypt$unused',
        disabled_at: null,
      })
      .returning(['id', 'email', 'name', 'role', 'workspace_id'])
      .executeTakeFirstOrThrow();
    globex = as.caller(user);
  });
  afterAll(() => database?.close());

  it('answers NOT_FOUND for a comment on an unknown version or a version of another workflow, and stores nothing', async () => {
    const a = await as.marketing.workflows.create({ name: 'Comment target', from: 'default' });
    const seeded = (await as.auditor.workflows.list({})).find(
      (w) => w.slug === 'inbound-b2b-qualification',
    );
    const other = (await as.auditor.versions.list({ workflowId: seeded!.id }))[0]!;
    const events = await auditCount();
    for (const versionId of [UNKNOWN_ID, other.id]) {
      expect(await codeOf(as.sales.comments.add({ workflowId: a.id, versionId, body: 'hi' }))).toBe(
        'NOT_FOUND',
      );
      expect(await codeOf(as.sales.comments.list({ workflowId: a.id, versionId }))).toBe(
        'NOT_FOUND',
      );
    }
    expect(await auditCount()).toBe(events);
    expect(await as.auditor.comments.list({ workflowId: a.id })).toEqual([]);
  });

  it('answers BAD_REQUEST for NUL characters in a comment or a draft, and keeps the draft', async () => {
    const wf = await as.marketing.workflows.create({ name: 'Nul', from: 'default' });
    const draft = await as.marketing.draft.get({ workflowId: wf.id });
    const document = structuredClone(draft.document) as { nodes: { label: string }[] };
    document.nodes[0]!.label = 'bad\u0000label';
    const events = await auditCount();
    expect(
      await codeOf(as.marketing.draft.save({ workflowId: wf.id, baseRevision: 1, document })),
    ).toBe('BAD_REQUEST');
    expect(await codeOf(as.marketing.comments.add({ workflowId: wf.id, body: 'a\u0000b' }))).toBe(
      'BAD_REQUEST',
    );
    expect(await auditCount()).toBe(events);
    const after = await as.marketing.draft.get({ workflowId: wf.id });
    expect(after.revision).toBe(1);
    expect(after.document).toEqual(draft.document);
  });

  it('measures the document limit in UTF-8 bytes, not characters', async () => {
    const wf = await as.marketing.workflows.create({ name: 'Wide text', from: 'default' });
    const draft = await as.marketing.draft.get({ workflowId: wf.id });
    const document = structuredClone(draft.document) as { nodes: { label: string }[] };
    // 1.1 million characters, 2.2 MB: over the 2 MB limit only when counted in bytes.
    document.nodes[0]!.label = 'é'.repeat(1_100_000);
    expect(
      await codeOf(as.marketing.draft.save({ workflowId: wf.id, baseRevision: 1, document })),
    ).toBe('PAYLOAD_TOO_LARGE');
    expect((await as.marketing.draft.get({ workflowId: wf.id })).revision).toBe(1);
  });

  it('gives concurrent creates of the same name distinct slugs instead of failing', async () => {
    const created = await Promise.all(
      Array.from({ length: 10 }, () =>
        as.marketing.workflows.create({ name: 'Same name', from: 'blank' }),
      ),
    );
    const slugs = created.map((w) => w.slug).sort();
    expect(new Set(slugs).size).toBe(10);
    expect(slugs).toContain('same-name');
  });

  it('answers CONFLICT to all but one of concurrent creates of the same email', async () => {
    const codes = await Promise.all(
      Array.from({ length: 4 }, () =>
        codeOf(
          as.admin.users.create({
            email: 'twin@acme.test',
            name: 'Twin',
            role: 'sales',
            password: 'long-enough-password',
          }),
        ),
      ),
    );
    expect(codes.filter((c) => c === 'OK')).toHaveLength(1);
    expect(codes.filter((c) => c === 'CONFLICT')).toHaveLength(3);
  });

  it('keeps workflows, drafts, versions and comments of one workspace out of reach of another', async () => {
    const wf = await as.marketing.workflows.create({ name: 'Acme only', from: 'default' });
    const seeded = (await as.auditor.workflows.list({})).find(
      (w) => w.slug === 'inbound-b2b-qualification',
    );
    const version = (await as.auditor.versions.list({ workflowId: seeded!.id }))[0]!;
    expect(await globex.workflows.list({})).toEqual([]);
    expect(await codeOf(globex.workflows.get({ workflowId: wf.id }))).toBe('NOT_FOUND');
    expect(await codeOf(globex.draft.get({ workflowId: wf.id }))).toBe('NOT_FOUND');
    expect(
      await codeOf(globex.draft.save({ workflowId: wf.id, baseRevision: 1, document: {} })),
    ).toMatch(/NOT_FOUND|BAD_REQUEST/);
    expect(await codeOf(globex.versions.get({ versionId: version.id }))).toBe('NOT_FOUND');
    expect(await codeOf(globex.versions.approve({ versionId: version.id, comment: '' }))).toBe(
      'NOT_FOUND',
    );
    expect(await codeOf(globex.comments.add({ workflowId: wf.id, body: 'x' }))).toBe('NOT_FOUND');
    expect(await codeOf(globex.workflows.rename({ workflowId: wf.id, name: 'Mine' }))).toBe(
      'NOT_FOUND',
    );
  });

  it('orders publications in commit order for "what was live at T", even within one millisecond or with a clock behind', async () => {
    const wf = await as.marketing.workflows.create({ name: 'Same instant', from: 'default' });
    const propose = async (note: string) => {
      const v = await as.admin.versions.propose({ workflowId: wf.id, changeNote: note });
      await as.marketing.versions.approve({ versionId: v.id, comment: '' });
      await as.sales.versions.approve({ versionId: v.id, comment: '' });
      return v;
    };
    const v1 = await propose('first');
    const v2 = await propose('second');
    const frozen = Date.now();
    vi.useFakeTimers({ toFake: ['Date'], now: frozen });
    try {
      await as.ops.versions.publish({ versionId: v1.id, reason: 'test' });
      await as.ops.versions.publish({ versionId: v2.id, reason: 'test' });
      // The rollback lands on a server whose clock runs 5 ms behind.
      vi.setSystemTime(frozen - 5);
      await as.ops.versions.rollback({ versionId: v1.id, reason: 'test' });
    } finally {
      vi.useRealTimers();
    }
    const live = await as.auditor.versions.liveAt({
      workflowId: wf.id,
      at: new Date(frozen + 60_000),
    });
    expect(live).toMatchObject({ versionId: v1.id, kind: 'rollback' });
  });

  it("keeps one workspace's audit events out of another's list and export", async () => {
    const wf = await as.marketing.workflows.create({ name: 'Audited at Acme', from: 'blank' });
    await globex.workflows.create({ name: 'Audited at Globex', from: 'blank' });
    const globexAuditor = as.caller({
      ...(await database.db
        .selectFrom('users')
        .select(['id', 'email', 'name', 'role', 'workspace_id'])
        .where('email', '=', 'marketing@globex.test')
        .executeTakeFirstOrThrow()),
      role: 'auditor',
    });
    const seen = await globexAuditor.audit.list({ limit: 500 });
    expect(seen.map((e) => e.action)).toEqual(['workflow.create']);
    const exported = await globexAuditor.audit.export({ format: 'json' });
    expect(exported.text).not.toContain(wf.id);
    expect(exported.text).not.toContain('acme.test');
    const acme = await as.auditor.audit.list({ limit: 500 });
    expect(acme.some((e) => e.entity_id === wf.id)).toBe(true);
    expect(acme.some((e) => e.after && JSON.stringify(e.after).includes('Globex'))).toBe(false);
    expect(await as.auditor.audit.verify()).toMatchObject({ ok: true });
  });

  it("verifies the shared audit chain without naming or counting another workspace's events", async () => {
    const gloria = await database.db
      .selectFrom('users')
      .select(['id', 'email', 'name', 'role', 'workspace_id'])
      .where('email', '=', 'marketing@globex.test')
      .executeTakeFirstOrThrow();
    const globexAuditor = as.caller({ ...gloria, role: 'auditor' });
    await globex.workflows.create({ name: 'Tampered at Globex', from: 'blank' });
    const acmeEvents = (await as.auditor.audit.verify()).events;
    const globexEvents = (await globexAuditor.audit.verify()).events;
    expect(acmeEvents + globexEvents).toBe(await auditCount());
    const victim = await database.db
      .selectFrom('audit_events')
      .select('id')
      .where('workspace_id', '=', gloria.workspace_id)
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirstOrThrow();
    await tamperWithAuditEvent(database.db, victim.id, 'action', 'forged');
    const seenByAcme = await as.auditor.audit.verify();
    expect(seenByAcme).toMatchObject({ ok: false, brokenEventId: null });
    expect(JSON.stringify(seenByAcme)).not.toContain(String(victim.id));
    expect(await globexAuditor.audit.verify()).toMatchObject({
      ok: false,
      brokenEventId: victim.id,
    });
  });

  it('stores API keys hashed; findApiKey resolves a new key to its workspace until it is revoked', async () => {
    const created = await as.admin.apiKeys.create({ name: 'CRM' });
    expect(created.key).toMatch(/^acc_/);
    const stored = await database.db
      .selectFrom('api_keys')
      .selectAll()
      .where('id', '=', created.id)
      .executeTakeFirstOrThrow();
    expect(JSON.stringify(stored)).not.toContain(created.key);
    expect(await findApiKey(database.db, created.key)).toMatchObject({
      id: created.id,
      workspaceId: as.users.admin.workspace_id,
    });
    await as.admin.apiKeys.revoke({ id: created.id });
    expect(await findApiKey(database.db, created.key)).toBeUndefined();
  });

  it('answers BAD_REQUEST for NUL characters in a query filter too', async () => {
    expect(await codeOf(as.auditor.audit.list({ action: 'a\u0000b' }))).toBe('BAD_REQUEST');
  });

  it('answers BAD_REQUEST for dates JavaScript accepts and PostgreSQL cannot store', async () => {
    const [workflow] = await as.auditor.workflows.list({});
    const at = new Date('-010000-01-01T00:00:00.000Z');
    expect(await codeOf(as.auditor.audit.list({ from: at }))).toBe('BAD_REQUEST');
    expect(await codeOf(as.auditor.versions.liveAt({ workflowId: workflow!.id, at }))).toBe(
      'BAD_REQUEST',
    );
  });

  it("keeps an unexpected failure's own message (tables, constraints, values) out of the answer", async () => {
    const leaky = router({
      boom: publicProcedure.query(() => {
        throw new Error('relation "secret_table" does not exist');
      }),
    });
    const res = await fetchRequestHandler({
      endpoint: '/trpc',
      req: new Request('http://test/trpc/boom'),
      router: leaky,
      createContext: () => as.context(null),
    });
    expect(res.status).toBe(500);
    const body = await res.text();
    expect(body).not.toContain('secret_table');
    expect(JSON.parse(body)).toMatchObject({
      error: { message: 'Something went wrong on our side.' },
    });
  });
});
