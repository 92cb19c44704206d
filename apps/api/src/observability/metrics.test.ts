import type { AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../env';
import { DEMO_PASSWORD } from '../seed';
import { buildServer, type AccordServer } from '../server';
import { runManagerFor } from '../simulation/run-manager';
import { demoCallers, MESSY_CSV } from '../testing';

/** The samples of a Prometheus text answer: `name{labels}` → value. */
function samples(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const at = line.lastIndexOf(' ');
    out.set(line.slice(0, at), Number(line.slice(at + 1)));
  }
  return out;
}

const lead = (id: string, title: string) => ({
  id,
  attributes: { email: `${id}@globex.com`, job_title: title, company_size: 400 },
  events: [],
});

const MAPPING = {
  columns: {
    'Lead ID': { kind: 'id' as const },
    'E-Mail': { kind: 'field' as const, field: 'email' },
    'Job Title': { kind: 'field' as const, field: 'job_title' },
    Employees: { kind: 'field' as const, field: 'company_size' },
  },
};

describe.each(testBackends())('#22: /metrics on $kind', ({ kind, open }) => {
  let database: AccordDatabase;
  let app: AccordServer;
  let as: Awaited<ReturnType<typeof demoCallers>>;
  let key: string;
  let slug: string;
  let workflowId: string;
  const scrape = async () => {
    const res = await app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    return samples(res.body);
  };

  beforeAll(async () => {
    database = await open();
    app = await buildServer({ database, env: parseEnv({ LOG_LEVEL: 'silent' }) });
    as = await demoCallers(database, {}, app.caches);
    const workflow = (await as.admin.workflows.list({})).find((w) => w.publishedVersion)!;
    ({ slug, id: workflowId } = workflow);
    ({ key } = await as.admin.apiKeys.create({ name: 'CRM' }));
  });
  afterAll(async () => {
    if (database) await runManagerFor(database.db).shutdown();
    await app?.close();
    await database?.close();
  });

  it('counts requests by route pattern and status, with latency buckets', async () => {
    const before = await scrape();
    const signIn = (password: string) =>
      app.inject({
        method: 'POST',
        url: '/trpc/auth.signIn',
        headers: { 'content-type': 'application/json' },
        payload: { email: 'admin@acme.test', password },
      });
    expect((await signIn(DEMO_PASSWORD)).statusCode).toBe(200);
    expect((await signIn('wrong-password')).statusCode).toBe(401);
    for (const id of ['a', 'b', 'c'])
      expect((await app.inject({ url: `/v1/workflows/${id}/schema` })).statusCode).toBe(401);
    const after = await scrape();
    const count = (labels: string) =>
      (after.get(`accord_http_request_duration_seconds_count{${labels}}`) ?? 0) -
      (before.get(`accord_http_request_duration_seconds_count{${labels}}`) ?? 0);
    expect(count('method="POST",route="/trpc/auth.signIn",status_code="200"')).toBe(1);
    expect(count('method="POST",route="/trpc/auth.signIn",status_code="401"')).toBe(1);
    // The pattern, not the three URLs.
    expect(count('method="GET",route="/v1/workflows/:slug/schema",status_code="401"')).toBe(3);
    expect(
      after.get(
        'accord_http_request_duration_seconds_bucket{le="+Inf",method="GET",route="/v1/workflows/:slug/schema",status_code="401"}',
      ),
    ).toBe(3);
    // A made-up tRPC procedure does not become a label of its own.
    await app.inject({ url: '/trpc/made.up' });
    expect([...(await scrape()).keys()].some((k) => k.includes('made.up'))).toBe(false);
  });

  it('counts evaluations (JSON and NDJSON) by workflow, version and stage, and decision-log writes', async () => {
    await as.admin.workflows.setDecisionLog({ workflowId, enabled: true });
    const evaluate = (payload: object) =>
      app.inject({
        method: 'POST',
        url: `/v1/workflows/${slug}/evaluate`,
        headers: { authorization: `Bearer ${key}` },
        payload,
      });
    const titles = ['VP Marketing', 'CTO', 'Student', 'Intern', 'Head of Growth'];
    const batch = await evaluate({ leads: titles.map((t, i) => lead(`L-${i}`, t)) });
    expect(batch.statusCode).toBe(200);
    const single = await evaluate({ lead: lead('L-9', 'CMO') });
    expect(single.statusCode).toBe(200);
    // A lead with an error is answered but neither evaluated nor logged.
    const mixed = await evaluate({ leads: [lead('L-10', 'CEO'), { id: 5 }] });
    expect(mixed.statusCode).toBe(200);

    const stages = new Map<string, number>();
    for (const r of [...batch.json().results, ...single.json().results, mixed.json().results[0]])
      stages.set(r.stage, (stages.get(r.stage) ?? 0) + 1);
    const after = await scrape();
    for (const [stage, n] of stages)
      expect(
        after.get(`accord_evaluations_total{workflow="${slug}",version="1",stage="${stage}"}`),
      ).toBe(n);
    expect(after.get('accord_decision_log_writes_total')).toBe(7);
    // The NDJSON path logs its decisions per batch; they count too.
    const streamed = await app.inject({
      method: 'POST',
      url: `/v1/workflows/${slug}/evaluate`,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-ndjson' },
      payload: [lead('N-1', 'CTO'), lead('N-2', 'CMO')].map((l) => JSON.stringify(l)).join('\n'),
    });
    expect(streamed.statusCode).toBe(200);
    expect(streamed.body.trim().split('\n')).toHaveLength(2);
    const afterStream = await scrape();
    expect(afterStream.get('accord_decision_log_writes_total')).toBe(9);
    // …and its leads count by stage like the JSON path's.
    for (const line of streamed.body.trim().split('\n')) {
      const { stage } = JSON.parse(line) as { stage: string };
      stages.set(stage, (stages.get(stage) ?? 0) + 1);
    }
    for (const [stage, n] of stages)
      expect(
        afterStream.get(
          `accord_evaluations_total{workflow="${slug}",version="1",stage="${stage}"}`,
        ),
      ).toBe(n);
  });

  it('counts import rows and simulation runs with their duration', async () => {
    const imported = await as.ops.leadSets.import({
      name: 'CRM export',
      format: 'csv',
      text: MESSY_CSV,
      mapping: MAPPING,
      badCells: 'refuse-row',
    });
    const metrics = await scrape();
    expect(metrics.get('accord_import_rows_total{outcome="imported"}')).toBe(imported.imported);
    expect(metrics.get('accord_import_rows_total{outcome="rejected"}')).toBe(imported.rejected);
    expect(imported.rejected).toBeGreaterThan(0);

    expect(metrics.get('accord_simulation_runs_total{outcome="done"}')).toBe(0);
    const set = await as.ops.leadSets.generate({ name: 'Sample', count: 300, seed: 4 });
    const { runId } = await as.ops.simulations.start({
      workflowId,
      baseline: 'published',
      candidate: 'draft',
      leadSetId: set.id,
    });
    await runManagerFor(database.db).settled(runId);
    // The outcome is read back from the run's row once it has settled.
    let after = await scrape();
    for (
      let i = 0;
      i < 50 && after.get('accord_simulation_runs_total{outcome="done"}') !== 1;
      i++
    ) {
      await new Promise((r) => setTimeout(r, 100));
      after = await scrape();
    }
    expect(after.get('accord_simulation_runs_total{outcome="done"}')).toBe(1);
    expect(after.get('accord_simulation_duration_seconds_count{outcome="done"}')).toBe(1);
    expect(after.get('accord_simulation_duration_seconds_sum{outcome="done"}')).toBeGreaterThan(0);
  });

  it('reports the process (event-loop lag, memory) and, on PostgreSQL, the pool', async () => {
    const metrics = await scrape();
    expect(metrics.get('nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(metrics.get('process_resident_memory_bytes')).toBeGreaterThan(10_000_000);
    const total = metrics.get('accord_db_pool_connections{state="total"}');
    if (kind === 'postgres') {
      expect(total).toBeGreaterThanOrEqual(1);
      expect(metrics.get('accord_db_pool_connections{state="idle"}')).toBeLessThanOrEqual(total!);
      expect(metrics.get('accord_db_pool_waiting_clients')).toBe(0);
    } else expect(total).toBeUndefined();
  });
});

describe('#22: /metrics settings', () => {
  const [memory] = testBackends();
  let database: AccordDatabase;
  beforeAll(async () => {
    database = await memory!.open();
  });
  afterAll(async () => {
    await database?.close();
  });

  it('METRICS_TOKEN: a scrape needs the bearer token', async () => {
    const token = 'scrape-token-0123456789';
    const app = await buildServer({
      database,
      env: parseEnv({ LOG_LEVEL: 'silent', METRICS_TOKEN: token }),
    });
    try {
      const none = await app.inject({ url: '/metrics' });
      expect(none.statusCode).toBe(401);
      expect(none.headers['www-authenticate']).toBe('Bearer');
      expect(none.json().error).toMatchObject({
        code: 'UNAUTHORIZED',
        path: 'headers.authorization',
      });
      const wrong = await app.inject({
        url: '/metrics',
        headers: { authorization: `Bearer ${token}x` },
      });
      expect(wrong.statusCode).toBe(401);
      const right = await app.inject({
        url: '/metrics',
        headers: { authorization: `Bearer ${token}` },
      });
      expect(right.statusCode).toBe(200);
      expect(right.body).toContain('# TYPE accord_http_request_duration_seconds histogram');
    } finally {
      await app.close();
    }
    expect(() => parseEnv({ METRICS_TOKEN: 'short' })).toThrow(/METRICS_TOKEN="short"/);
  });

  it('METRICS_PORT: /metrics moves to its own listener; the app port answers 404', async () => {
    const app = await buildServer({
      database,
      env: parseEnv({ LOG_LEVEL: 'silent', METRICS_PORT: '0' }),
    });
    try {
      const address = await app.listen({ port: 0, host: '127.0.0.1' });
      const port = app.metricsPort();
      expect(port).toBeGreaterThan(0);
      expect(port).not.toBe(new URL(address).port);
      await fetch(`${address}/healthz`);
      const onApp = await fetch(`${address}/metrics`);
      expect(onApp.status).toBe(404);
      expect(((await onApp.json()) as { error: { code: string } }).error.code).toBe('NOT_FOUND');
      const own = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(own.status).toBe(200);
      const text = samples(await own.text());
      expect(
        text.get(
          'accord_http_request_duration_seconds_count{method="GET",route="/healthz",status_code="200"}',
        ),
      ).toBe(1);
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(404);
    } finally {
      await app.close();
    }
    expect(app.metricsPort()).toBeUndefined();
  });
});
