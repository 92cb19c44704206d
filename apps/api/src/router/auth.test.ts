import type { AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '../auth/password';
import { parseEnv } from '../env';
import { DEMO_PASSWORD, seedDemo } from '../seed';
import { buildServer, type AccordServer } from '../server';

describe.each(testBackends())('auth on $kind', ({ open }) => {
  let database: AccordDatabase;
  let app: AccordServer;
  beforeAll(async () => {
    database = await open();
    await seedDemo(database.db);
    app = await buildServer({
      database,
      env: parseEnv({ LOG_LEVEL: 'silent', ACCORD_SECURE_COOKIES: 'true' }),
    });
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  const signIn = (email: string, password: string, cookie?: string) =>
    app.inject({
      method: 'POST',
      url: '/trpc/auth.signIn',
      headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
      payload: { email, password },
    });
  const me = (cookie?: string) =>
    app.inject({ url: '/trpc/auth.me', headers: cookie ? { cookie } : {} });
  const sessionCookie = (res: Awaited<ReturnType<typeof signIn>>) => {
    const header = res.headers['set-cookie'];
    return String(Array.isArray(header) ? header[0] : header);
  };

  it('signs in with an httpOnly, SameSite, Secure session cookie and a fresh token each time', async () => {
    const first = await signIn('marketing@acme.test', DEMO_PASSWORD);
    expect(first.statusCode).toBe(200);
    const cookie = sessionCookie(first);
    expect(cookie).toMatch(/^accord_session=[\w-]{40,};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Secure/);
    expect(cookie).toMatch(/Path=\//);
    const token = cookie.split(';')[0]!;
    expect((await me(token)).json().result.data).toMatchObject({
      email: 'marketing@acme.test',
      role: 'marketing',
    });
    const second = sessionCookie(await signIn('marketing@acme.test', DEMO_PASSWORD, token)).split(
      ';',
    )[0]!;
    expect(second).not.toBe(token);
    expect((await me(token)).json().result.data).toBeNull();
    expect((await me(second)).json().result.data.role).toBe('marketing');
  });

  it('gives the same answer for an unknown email and a wrong password', async () => {
    const unknown = await signIn('nobody@acme.test', 'x');
    const wrong = await signIn('sales@acme.test', 'x');
    expect(unknown.statusCode).toBe(401);
    expect(wrong.statusCode).toBe(401);
    expect(unknown.json().error.message).toBe(wrong.json().error.message);
  });

  it('slows brute force: the sixth failure in a row is refused even with the right password', async () => {
    for (let i = 0; i < 5; i++)
      expect((await signIn('ops@acme.test', `guess-${i}`)).statusCode).toBe(401);
    const locked = await signIn('ops@acme.test', DEMO_PASSWORD);
    expect(locked.statusCode).toBe(429);
    expect(locked.json().error.message).toMatch(/Too many failed sign-ins/);
  });

  it('signs out, ending the session on the server', async () => {
    const token = sessionCookie(await signIn('sales@acme.test', DEMO_PASSWORD)).split(';')[0]!;
    const out = await app.inject({
      method: 'POST',
      url: '/trpc/auth.signOut',
      headers: { cookie: token, 'content-type': 'application/json' },
    });
    expect(out.statusCode).toBe(200);
    expect((await me(token)).json().result.data).toBeNull();
  });

  describe('#18: an email in several workspaces', () => {
    const OTHER_PASSWORD = 'another-long-password';
    let workspaces: { slug: string; id: string }[];
    beforeAll(async () => {
      workspaces = [];
      for (const slug of ['beta', 'gamma']) {
        workspaces.push(
          await database.db
            .insertInto('workspaces')
            .values({ slug, name: `Workspace ${slug}` })
            .returning(['id', 'slug'])
            .executeTakeFirstOrThrow(),
        );
      }
      const [beta, gamma] = workspaces;
      const demoHash = await hashPassword(DEMO_PASSWORD);
      const otherHash = await hashPassword(OTHER_PASSWORD);
      const user = (workspaceId: string, email: string, role: 'sales' | 'admin', hash: string) => ({
        workspace_id: workspaceId,
        email,
        name: email,
        role,
        password_hash: hash,
        disabled_at: null,
      });
      await database.db
        .insertInto('users')
        .values([
          // The demo auditor's email has a second account with another password.
          user(beta!.id, 'auditor@acme.test', 'admin', otherHash),
          // Same password in two workspaces.
          user(beta!.id, 'both@acme.test', 'sales', demoHash),
          user(gamma!.id, 'both@acme.test', 'admin', demoHash),
        ])
        .execute();
    });

    it('signs in to the one account the password opens, so the demo sign-in is unchanged', async () => {
      const demo = await signIn('auditor@acme.test', DEMO_PASSWORD);
      expect(demo.statusCode).toBe(200);
      expect(demo.json().result.data).toMatchObject({ role: 'auditor' });
      const other = await signIn('auditor@acme.test', OTHER_PASSWORD);
      expect(other.statusCode).toBe(200);
      expect(other.json().result.data).toMatchObject({
        role: 'admin',
        workspace_id: workspaces[0]!.id,
      });
    });

    it('asks which workspace when the password opens several, then signs in to the one named', async () => {
      const ask = await signIn('both@acme.test', DEMO_PASSWORD);
      expect(ask.statusCode).toBe(400);
      expect(ask.headers['set-cookie']).toBeUndefined();
      expect(ask.json().error.data.workspaces).toEqual([
        { slug: 'beta', name: 'Workspace beta' },
        { slug: 'gamma', name: 'Workspace gamma' },
      ]);
      const chosen = await app.inject({
        method: 'POST',
        url: '/trpc/auth.signIn',
        headers: { 'content-type': 'application/json' },
        payload: { email: 'BOTH@acme.test', password: DEMO_PASSWORD, workspace: 'gamma' },
      });
      expect(chosen.statusCode).toBe(200);
      expect(chosen.json().result.data).toMatchObject({
        role: 'admin',
        workspace_id: workspaces[1]!.id,
      });
    });

    it('names no workspace to a wrong password, and a wrong workspace is a wrong sign-in', async () => {
      const wrong = await signIn('both@acme.test', 'wrong-password');
      expect(wrong.statusCode).toBe(401);
      expect(wrong.body).not.toMatch(/beta|gamma/);
      const elsewhere = await app.inject({
        method: 'POST',
        url: '/trpc/auth.signIn',
        headers: { 'content-type': 'application/json' },
        payload: { email: 'both@acme.test', password: DEMO_PASSWORD, workspace: 'acme-nowhere' },
      });
      expect(elsewhere.statusCode).toBe(401);
      expect(elsewhere.json().error.message).toBe(wrong.json().error.message);
    });
  });
});
