/**
 * npm run bench:api — starts the API on loopback in a child process (one core for the server,
 * one for the load) and loads it with autocannon for a bounded time: single-lead requests, then
 * 1,000-lead batches. Every response is checked for status 200. Ends with one JSON line.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateLeads } from '@accord/engine';
import autocannon from 'autocannon';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const root = fileURLToPath(new URL('../../', import.meta.url));

async function startServer(): Promise<{ url: string; key: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/bench/api-bench-server.ts'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: process.env,
  });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ ...JSON.parse(line), stop: () => child.kill('SIGTERM') });
    });
    child.on('exit', (code) => reject(new Error(`bench server exited with ${code}`)));
  });
}

function load(opts: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(opts, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

async function main() {
  const server = await startServer();
  const asOf = '2026-11-23T00:00:00Z';
  const leads = generateLeads({ count: 2_000, seed: 7, asOf: Date.parse(asOf) });
  const headers = { 'content-type': 'application/json', authorization: `Bearer ${server.key}` };
  const path = '/v1/workflows/inbound/evaluate';
  try {
    const singles = leads.slice(0, 200).map((lead) => ({
      method: 'POST' as const,
      path,
      headers,
      body: JSON.stringify({ lead, asOf }),
    }));
    await load({ url: server.url, connections: 32, duration: 2, requests: singles }); // warm-up
    const single = await load({
      url: server.url,
      connections: 64,
      pipelining: 1,
      duration: DURATION_S,
      requests: singles,
    });
    const batchBody = JSON.stringify({ leads: leads.slice(0, 1_000), asOf });
    const batch = await load({
      url: server.url + path,
      connections: 4,
      duration: DURATION_S,
      method: 'POST',
      headers,
      body: batchBody,
    });
    for (const [name, r] of [
      ['single', single],
      ['batch', batch],
    ] as const) {
      if (r.non2xx > 0 || r.errors > 0)
        throw new Error(
          `${name}: ${r.non2xx} non-2xx answers (${JSON.stringify(r.statusCodeStats)}) and ${r.errors} errors`,
        );
    }
    const singleRps = Math.round(single.requests.average);
    const singleP99Ms = single.latency.p99;
    const batchLeadsPerSec = Math.round(batch.requests.average * 1_000);
    console.log(
      `single lead : ${singleRps} req/s, p50 ${single.latency.p50} ms, p99 ${singleP99Ms} ms (${single.requests.total} requests, 64 connections, ${DURATION_S}s)`,
    );
    console.log(
      `1,000 leads : ${batch.requests.average.toFixed(1)} req/s = ${batchLeadsPerSec} leads/s, p99 ${batch.latency.p99} ms (4 connections, ${DURATION_S}s)`,
    );
    console.log(JSON.stringify({ singleRps, singleP99Ms, batchLeadsPerSec }));
  } finally {
    server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
