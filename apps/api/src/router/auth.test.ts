import type { AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
});
