import type { AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignInThrottle } from './sign-in-throttle';

const MINUTE = 60_000;

describe.each(testBackends())('sign-in throttle on $kind', ({ open }) => {
  let database: AccordDatabase;
  beforeAll(async () => {
    database = await open();
  });
  afterAll(async () => {
    await database.close();
  });

  /** One failed password check through `throttle`, as the sign-in route makes it. */
  const failOnce = async (throttle: SignInThrottle, key: string, now: number) => {
    expect(await throttle.begin(key, now)).toBe(true);
    await throttle.fail(key, now);
  };

  it('holds the limit across API instances over one database', async () => {
    const a = new SignInThrottle(database.db);
    const b = new SignInThrottle(database.db);
    const key = 'ann@acme.test|10.0.0.1';
    const t0 = Date.UTC(2026, 10, 23, 9);
    for (let i = 0; i < 3; i++) await failOnce(a, key, t0 + i);
    for (let i = 0; i < 2; i++) await failOnce(b, key, t0 + 10 + i);
    expect(await a.begin(key, t0 + MINUTE)).toBe(false);
    expect(await b.begin(key, t0 + MINUTE)).toBe(false);
    // Another address for the same email is counted apart.
    expect(await b.begin('ann@acme.test|10.0.0.2', t0 + MINUTE)).toBe(true);
    b.cancel('ann@acme.test|10.0.0.2');
    // Once the window has passed, checks are allowed again.
    expect(await a.begin(key, t0 + 16 * MINUTE)).toBe(true);
    await a.succeed(key);
  });

  it('forgets the failures of a key after a successful sign-in', async () => {
    const throttle = new SignInThrottle(database.db);
    const key = 'bo@acme.test|10.0.0.3';
    const t0 = Date.UTC(2026, 10, 23, 10);
    for (let i = 0; i < 4; i++) await failOnce(throttle, key, t0 + i);
    expect(await throttle.begin(key, t0 + 5)).toBe(true);
    await throttle.succeed(key);
    for (let i = 0; i < 4; i++) await failOnce(throttle, key, t0 + 10 + i);
    expect(await throttle.begin(key, t0 + 20)).toBe(true);
    throttle.cancel(key);
  });

  it('stores neither the email nor the address, and drops failures older than the window', async () => {
    const throttle = new SignInThrottle(database.db);
    const t0 = Date.UTC(2026, 10, 24, 9);
    await failOnce(throttle, 'cy@acme.test|10.0.0.4', t0);
    await failOnce(throttle, 'dee@acme.test|10.0.0.5', t0 + 20 * MINUTE);
    const rows = await database.db.selectFrom('sign_in_failures').selectAll().execute();
    expect(rows.map((r) => r.key).join(' ')).not.toMatch(/acme|10\.0\.0/);
    expect(rows.filter((r) => r.at.getTime() <= t0)).toEqual([]);
  });

  it('counts the checks of a parallel burst before any of them fails', async () => {
    const throttle = new SignInThrottle(database.db);
    const key = 'burst@acme.test|10.0.0.6';
    const now = Date.UTC(2026, 10, 25, 9);
    const allowed = await Promise.all(Array.from({ length: 12 }, () => throttle.begin(key, now)));
    expect(allowed.filter(Boolean)).toHaveLength(5);
    for (let i = 0; i < 5; i++) await throttle.fail(key, now);
    expect(await throttle.begin(key, now + 1)).toBe(false);
  });
});
