/**
 * `npm run stress`: a bounded soak of the real app on loopback. Evaluation traffic (autocannon,
 * batches of generated leads with an API key) and editing through tRPC (draft saves, proposals,
 * comments, audit reads) run together for SOAK_SECONDS (default 120) while the server's RSS is
 * sampled every few seconds. Prints one summary line and exits 1 on any error or when RSS grows
 * more than SOAK_RSS_GROWTH_MB (default 150) between the end of the warm-up and the end.
 *
 * Next to them one hostile client (issue #18) sends, at most SOAK_HOSTILE_PER_SECOND (default 4)
 * a second, what no real client sends: deeply nested JSON signed in and out, bodies over the
 * limits, long strings, percent-encoded and undecodable paths. Each must get a 4xx; the normal
 * traffic must still see no error and memory must stay flat.
 *
 * Uses embedded PGlite in a fresh data directory, or PostgreSQL when DATABASE_URL is set.
 */
import { readFileSync } from 'node:fs';
import { generateLeads, type Workflow } from '@accord/engine';
import autocannon from 'autocannon';
import { DEMO_PASSWORD } from '@accord/api/seed';
import { startApp } from '../test/e2e/harness';
import { procedures } from '../test/integration/support/accord';
import { HttpClient } from '../test/integration/support/http-client';
import { sendRaw, type RawRequest } from '../test/integration/support/raw-request';

const SECONDS = Number(process.env.SOAK_SECONDS ?? 120);
const RSS_GROWTH_MB = Number(process.env.SOAK_RSS_GROWTH_MB ?? 150);
const SAMPLE_MS = 3_000;
const CONNECTIONS = 8;
const LEADS_PER_REQUEST = 10;
const HOSTILE_PER_SECOND = Number(process.env.SOAK_HOSTILE_PER_SECOND ?? 4);
/** The first fifth of the run (at least 10 s) warms caches and the JIT; growth counts after it. */
const WARMUP_MS = Math.max(10_000, (SECONDS * 1000) / 5);

const deep = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);

/** The hostile client's requests, built once; `cookie` and `key` are a real session and API key. */
function hostileRequests(cookie: string, key: string, slug: string): RawRequest[] {
  const signedIn = { cookie };
  const rest = { authorization: `Bearer ${key}` };
  return [
    { name: 'signed-out deep nesting', path: '/trpc/auth.signIn', body: `{"x":${deep(30_000)}}` },
    {
      name: 'signed-out 1 MB body',
      path: '/trpc/auth.signIn',
      body: JSON.stringify({ email: 'a@acme.test', password: 'x'.repeat(1024 * 1024) }),
    },
    {
      name: 'signed-in deep nesting',
      path: '/trpc/draft.save',
      headers: signedIn,
      body: `{"document":${deep(100_000)}}`,
    },
    {
      name: 'signed-in body over 10 MB',
      path: '/trpc/comments.add',
      headers: signedIn,
      body: 'x'.repeat(10 * 1024 * 1024 + 1),
      // Refused by its length before it is read; under load the answer may take a while.
      earlyAnswerMs: 2_000,
    },
    {
      name: 'deep query input',
      method: 'GET',
      path: `/trpc/workflows.list?input=${encodeURIComponent(`{"x":${deep(1_000)}}`)}`,
      headers: signedIn,
    },
    {
      name: 'REST deep nesting',
      path: `/v1/workflows/${slug}/evaluate`,
      headers: rest,
      body: `{"lead":${deep(100_000)}}`,
    },
    {
      name: 'REST 2 MB string',
      path: `/v1/workflows/${slug}/evaluate`,
      headers: rest,
      body: JSON.stringify({ lead: { id: 'x'.repeat(2 * 1024 * 1024) } }),
    },
    {
      name: 'percent-encoded tRPC path',
      path: '/%74rpc/auth.signOut',
      headers: { ...signedIn, 'content-type': 'text/plain' },
      body: '{}',
    },
    { name: 'undecodable path', method: 'GET', path: '/trpc/%E0%A4%A' },
  ];
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)\s+kB/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

async function main() {
  if (!Number.isFinite(SECONDS) || SECONDS <= 0) throw new Error('SOAK_SECONDS must be positive');
  const app = await startApp({
    ACCORD_SEED: 'demo',
    LOG_LEVEL: 'error',
    ACCORD_REQUIRE_SIMULATION_BEFORE_PUBLISH: 'false',
    // The soak loads one key far past the per-key rate limit a CRM gets.
    ACCORD_RATE_LIMIT_PER_KEY: '1000000000',
    ...(process.env.DATABASE_URL ? { DATABASE_URL: process.env.DATABASE_URL } : {}),
  });
  const errors: string[] = [];
  try {
    const queries = new Set(
      procedures()
        .filter((p) => p.type === 'query')
        .map((p) => p.path),
    );
    const signIn = (email: string) => new HttpClient(app.url, queries).signIn(email, DEMO_PASSWORD);
    const [admin, marketing, sales, auditor] = await Promise.all([
      signIn('admin@acme.test'),
      signIn('marketing@acme.test'),
      signIn('sales@acme.test'),
      signIn('auditor@acme.test'),
    ]);
    const { key } = await admin.ok<{ key: string }>('apiKeys.create', { name: 'soak' });
    const workflows = await marketing.ok<
      { id: string; slug: string; publishedVersion: number | null }[]
    >('workflows.list', {});
    const live = workflows.find((w) => w.publishedVersion !== null);
    if (!live) throw new Error('the demo seed published no workflow');
    const edited = await marketing.ok<{ id: string }>('workflows.create', {
      name: 'Soak edits',
      from: 'default',
    });

    const samples: number[] = [];
    const started = Date.now();
    let warm: number | undefined;
    const sampler = setInterval(() => {
      try {
        const mb = rssMb(app.pid);
        samples.push(mb);
        if (warm === undefined && Date.now() - started >= WARMUP_MS) warm = mb;
      } catch (error) {
        errors.push(`RSS sample: ${(error as Error).message}`);
      }
    }, SAMPLE_MS);
    samples.push(rssMb(app.pid));

    let stop = false;
    let edits = 0;
    const editing = (async () => {
      let revision = 1;
      for (let k = 0; !stop; k++) {
        const draft = await marketing.ok<{ revision: number; document: Workflow }>('draft.get', {
          workflowId: edited.id,
        });
        revision = draft.revision;
        const document = draft.document;
        document.nodes[0]!.label = `soak edit ${k}`;
        const calls: [HttpClient, string, unknown][] = [
          [marketing, 'draft.save', { workflowId: edited.id, baseRevision: revision, document }],
          [sales, 'comments.add', { workflowId: edited.id, body: `soak comment ${k}` }],
          [auditor, 'audit.list', { limit: 50 }],
          [auditor, 'versions.list', { workflowId: live.id }],
        ];
        if (k % 20 === 19)
          calls.push([
            marketing,
            'versions.propose',
            { workflowId: edited.id, changeNote: `soak ${k}` },
          ]);
        for (const [client, path, input] of calls) {
          try {
            const answer = await client.trpc(path, input);
            if (answer.status !== 200) errors.push(`${path}: ${answer.status} ${answer.message}`);
            else edits++;
          } catch (error) {
            errors.push(`${path}: ${(error as Error).message}`);
          }
        }
      }
    })();

    // A session of its own, so signing out by mistake would show up as errors of the others.
    const hostileSession = await signIn('ops@acme.test');
    const hostile = hostileRequests(hostileSession.cookie, key, live.slug);
    const hostileErrors: string[] = [];
    let hostileSent = 0;
    const attacking = (async () => {
      for (let k = 0; !stop; k++) {
        const request = hostile[k % hostile.length]!;
        const answer = await sendRaw(app.url, request);
        hostileSent++;
        if (answer.status < 400 || answer.status >= 500)
          hostileErrors.push(`${request.name}: ${answer.status} ${answer.body.slice(0, 200)}`);
        await new Promise((r) => setTimeout(r, 1000 / HOSTILE_PER_SECOND));
      }
    })();

    const leads = generateLeads({ count: LEADS_PER_REQUEST, seed: 'soak' });
    const result = await autocannon({
      url: `${app.url}/v1/workflows/${live.slug}/evaluate`,
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: JSON.stringify({ leads, asOf: '2026-01-01T00:00:00Z' }),
      connections: CONNECTIONS,
      duration: SECONDS,
    });
    stop = true;
    await editing;
    await attacking;
    if ((await hostileSession.trpc('auth.me')).data === null)
      errors.push('the hostile client signed its own session out');
    errors.push(...hostileErrors.map((e) => `hostile ${e}`));
    clearInterval(sampler);
    samples.push(rssMb(app.pid));
    const verified = await auditor.ok<{ ok: boolean }>('audit.verify');
    if (!verified.ok) errors.push('audit chain does not verify');

    const httpErrors = result.errors + result.timeouts + result.non2xx;
    if (httpErrors > 0)
      errors.push(
        `evaluate: ${result.errors} errors, ${result.timeouts} timeouts, ${result.non2xx} non-2xx`,
      );
    const start = warm ?? samples[0]!;
    const end = samples[samples.length - 1]!;
    const max = Math.max(...samples);
    const grew = end - start;
    if (grew > RSS_GROWTH_MB) errors.push(`RSS grew ${grew.toFixed(0)} MB after warm-up`);
    const mb = (n: number) => `${n.toFixed(0)} MB`;
    console.log(
      `soak ${SECONDS} s: ${result.requests.total} evaluate requests (${LEADS_PER_REQUEST} leads each, ` +
        `${result.requests.average.toFixed(0)} req/s, p99 ${result.latency.p99} ms), ${edits} tRPC edits/reads, ` +
        `${hostileSent} hostile requests (${hostileErrors.length} not refused with a 4xx), ` +
        `${errors.length} errors; RSS start ${mb(samples[0]!)}, after warm-up ${mb(start)}, end ${mb(end)}, ` +
        `max ${mb(max)} (bound: +${RSS_GROWTH_MB} MB after warm-up) — ${errors.length ? 'FAIL' : 'PASS'}`,
    );
    for (const error of errors.slice(0, 20)) console.error(`  ${error}`);
  } finally {
    await app.stop();
  }
  process.exit(errors.length ? 1 : 0);
}

main().catch((error: unknown) => {
  console.error(`soak could not run: ${(error as Error).stack ?? error}`);
  process.exit(1);
});
