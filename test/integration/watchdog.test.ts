/**
 * Issue #18: the event loop stays free while hostile requests arrive. The real app runs in its own
 * process on a loopback port; while each hostile request is sent, `/healthz` is probed every
 * 50 ms from here. No probe may wait more than 200 ms, and every hostile request must get a 4xx
 * within 1 s.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD } from '@accord/api/seed';
import { startApp, type RunningApp } from '../e2e/harness';
import { HttpClient } from './support/http-client';
import { sendRaw, type RawRequest } from './support/raw-request';

const PROBE_EVERY_MS = 50;
const PROBE_LIMIT_MS = 200;
const ANSWER_LIMIT_MS = 1_000;
const MB = 1024 * 1024;

interface Hostile extends RawRequest {
  name: string;
  /** Sent with the session of the signed-in ops user. */
  signedIn?: boolean;
  /** The status it must get instead of a 4xx (a request that is answered, not refused). */
  status?: number;
}

const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

/** Every hostile input of #18, built before the probe starts so building them delays nothing. */
function hostileRequests(): Hostile[] {
  const emailCell = 'a@'.repeat(40 * 1024); // 80 KB of `a@a@a@…`
  const wideHeader = Array.from({ length: 100_000 }, (_, i) => `c${i}`).join(',');
  const wideCsv = `${wideHeader}\n${'1,'.repeat(99_999)}1\n`;
  return [
    {
      name: 'sign-in with 2 MB of nesting, no session',
      path: '/trpc/auth.signIn',
      body: `{"email":"a@acme.test","password":"x","x":${deep(MB)}}`,
    },
    {
      name: 'sign-in with 60 KB of nesting, no session',
      path: '/trpc/auth.signIn',
      body: `{"email":"a@acme.test","password":"x","x":${deep(30_000)}}`,
    },
    {
      name: 'sign-in with a 10 MB body, no session',
      path: '/trpc/auth.signIn',
      body: JSON.stringify({ email: 'a@acme.test', password: 'x'.repeat(10 * MB - 100) }),
    },
    {
      name: 'draft save with 2 MB of nesting, signed in',
      path: '/trpc/draft.save',
      signedIn: true,
      body: `{"workflowId":"00000000-0000-4000-8000-000000000000","baseRevision":1,"document":${deep(MB)}}`,
    },
    {
      name: 'comment of 9.9 MB, signed in',
      path: '/trpc/comments.add',
      signedIn: true,
      body: JSON.stringify({
        workflowId: '00000000-0000-4000-8000-000000000000',
        body: 'x'.repeat(10 * MB - 200),
      }),
    },
    {
      name: 'tRPC body over 10 MB, signed in',
      path: '/trpc/comments.add',
      signedIn: true,
      body: JSON.stringify({ body: 'x'.repeat(10 * MB + 1) }),
    },
    {
      name: 'deep query input, signed in',
      method: 'GET',
      path: `/trpc/workflows.list?input=${encodeURIComponent(`{"x":${deep(1_000)}}`)}`,
      signedIn: true,
    },
    {
      name: 'REST evaluate with 10 MB of nesting',
      path: '/v1/workflows/inbound-b2b-qualification/evaluate',
      headers: { authorization: 'Bearer acc_hostile' },
      body: `{"lead":${deep(5 * MB - 10)}}`,
    },
    {
      name: 'REST evaluate with a 9 MB string',
      path: '/v1/workflows/inbound-b2b-qualification/evaluate',
      headers: { authorization: 'Bearer acc_hostile' },
      body: JSON.stringify({ lead: { id: 'L', attributes: { note: 'x'.repeat(9 * MB) } } }),
    },
    {
      // #17: a cell past the cap costs the cell: the preview answers and reports it.
      name: 'import preview with an 80 KB `a@a@…` email cell',
      path: '/trpc/leadSets.previewImport',
      signedIn: true,
      status: 200,
      body: JSON.stringify({ format: 'csv', text: `id,email\nL1,${emailCell}\n` }),
    },
    {
      name: 'import preview of a CSV with 100,000 columns',
      path: '/trpc/leadSets.previewImport',
      signedIn: true,
      body: JSON.stringify({ format: 'csv', text: wideCsv }),
    },
    {
      name: 'upload of a CSV with 100,000 columns',
      path: `/api/lead-sets/import?name=wide&format=csv&mapping=${encodeURIComponent('{"columns":{"c0":{"kind":"id"}}}')}`,
      signedIn: true,
      headers: { 'content-type': 'text/csv' },
      body: wideCsv,
    },
    {
      name: 'upload with an 80 KB `a@a@…` email cell',
      path: `/api/lead-sets/import?name=cell&format=csv&mapping=${encodeURIComponent('{"columns":{"id":{"kind":"id"},"email":{"kind":"field","field":"email"}}}')}`,
      signedIn: true,
      headers: { 'content-type': 'text/csv' },
      body: `id,email\nL1,${emailCell}\n`,
    },
    {
      name: 'percent-encoded tRPC path from a cross-site form',
      path: '/%74rpc/auth.signOut',
      signedIn: true,
      headers: { 'content-type': 'text/plain', origin: 'https://evil.test' },
      body: '{}',
    },
    {
      name: 'percent-encoded procedure name from a cross-site form',
      path: '/trpc/auth%2EsignOut',
      signedIn: true,
      headers: { 'content-type': 'text/plain', origin: 'https://evil.test' },
      body: '{}',
    },
  ];
}

describe('#18: event-loop watchdog', () => {
  let app: RunningApp;
  let ops: HttpClient;
  beforeAll(async () => {
    app = await startApp({ ACCORD_SEED: 'demo', LOG_LEVEL: 'silent' });
    ops = await new HttpClient(app.url, new Set(['auth.me'])).signIn(
      'ops@acme.test',
      DEMO_PASSWORD,
    );
  });
  afterAll(() => app?.stop());

  it('keeps /healthz answering within 200 ms and answers every hostile request with a 4xx within 1 s', async () => {
    // Bodies as bytes up front, so sending them costs this process nothing while it probes.
    const hostile = hostileRequests().map((h) => ({ ...h, body: Buffer.from(h.body ?? '') }));
    const probes: { ms: number; during: string }[] = [];
    let during = 'nothing';
    let probing = true;
    const probe = (async () => {
      while (probing) {
        const started = performance.now();
        const res = await fetch(`${app.url}/healthz`);
        await res.text();
        const ms = performance.now() - started;
        probes.push({ ms, during });
        await new Promise((r) => setTimeout(r, Math.max(0, PROBE_EVERY_MS - ms)));
      }
    })();
    const answers: string[] = [];
    // A second of probes first: connections open and both processes warm before the attack.
    await new Promise((r) => setTimeout(r, 1_000));
    try {
      for (const h of hostile) {
        during = h.name;
        const res = await sendRaw(app.url, {
          ...h,
          headers: { ...(h.signedIn ? { cookie: ops.cookie } : {}), ...h.headers },
        });
        const wrong =
          h.status === undefined ? res.status < 400 || res.status >= 500 : res.status !== h.status;
        if (wrong || res.ms > ANSWER_LIMIT_MS)
          answers.push(`${h.name}: ${res.status} in ${Math.round(res.ms)} ms ${res.body}`);
      }
    } finally {
      probing = false;
      await probe;
    }
    const slow = probes
      .filter((p) => p.ms > PROBE_LIMIT_MS)
      .map((p) => `${Math.round(p.ms)} ms during ${p.during}`);
    expect(answers).toEqual([]);
    expect(slow).toEqual([]);
    expect(probes.length).toBeGreaterThan(hostile.length);
    // The session the cross-site posts carried is still signed in.
    expect((await ops.trpc('auth.me')).data).toMatchObject({ role: 'ops' });
  });
});
