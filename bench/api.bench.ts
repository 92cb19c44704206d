/**
 * npm run bench:api — starts the API on loopback in a child process (one core for the server,
 * one for the load) and loads it with autocannon for a bounded time: single-lead requests (32
 * connections, as a CRM's worker pool would hold), then 1,000-lead batches. Every response is
 * checked for status 200. Then, in this process and without sockets, what one 1,000-lead batch
 * costs the server's core: parsing the request JSON, evaluating, writing the answer's JSON.
 * Ends with one JSON line.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { compile, defaultCatalog, defaultWorkflow, generateLeads, type Lead } from '@accord/engine';
import autocannon from 'autocannon';
import { resultItem } from '@accord/api/rest/evaluate-route';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const SINGLE_CONNECTIONS = 32;
const root = fileURLToPath(new URL('../', import.meta.url));

async function startServer(): Promise<{ url: string; key: string; stop: () => void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'bench/api-bench-server.ts'], {
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

/**
 * The CPU one 1,000-lead batch costs, best of 20 after a warm-up: `JSON.parse` of the body, the
 * published workflow's evaluation with explanations, `JSON.stringify` of the answer as the route
 * builds it.
 */
function batchCost(body: string) {
  const compiled = compile(defaultWorkflow(), defaultCatalog);
  if (!compiled.ok) throw new Error('the default workflow does not compile');
  let best = { parseMs: Infinity, evaluateMs: Infinity, stringifyMs: Infinity, answerBytes: 0 };
  for (let round = 0; round < 25; round++) {
    const t0 = performance.now();
    const request = JSON.parse(body) as { leads: Lead[]; asOf: string };
    const t1 = performance.now();
    const asOf = Date.parse(request.asOf);
    const results = request.leads.map((lead) =>
      resultItem(lead.id, compiled.evaluate(lead, { asOf }), 'inbound', 1),
    );
    const t2 = performance.now();
    const answer = JSON.stringify({ results });
    const t3 = performance.now();
    if (round >= 5 && t3 - t0 < best.parseMs + best.evaluateMs + best.stringifyMs)
      best = {
        parseMs: t1 - t0,
        evaluateMs: t2 - t1,
        stringifyMs: t3 - t2,
        answerBytes: answer.length,
      };
  }
  const round1 = (ms: number) => Number(ms.toFixed(1));
  return {
    parseMs: round1(best.parseMs),
    evaluateMs: round1(best.evaluateMs),
    stringifyMs: round1(best.stringifyMs),
    answerBytes: best.answerBytes,
    leadsPerSec: Math.round(1_000_000 / (best.parseMs + best.evaluateMs + best.stringifyMs)),
  };
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
      connections: SINGLE_CONNECTIONS,
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
      `single lead : ${singleRps} req/s, p50 ${single.latency.p50} ms, p99 ${singleP99Ms} ms (${single.requests.total} requests, ${SINGLE_CONNECTIONS} connections, ${DURATION_S}s)`,
    );
    console.log(
      `1,000 leads : ${batch.requests.average.toFixed(1)} req/s = ${batchLeadsPerSec} leads/s, p99 ${batch.latency.p99} ms (4 connections, ${DURATION_S}s)`,
    );
    const cost = batchCost(batchBody);
    console.log(
      `one 1,000-lead batch in process: parse ${cost.parseMs} ms (${Math.round(batchBody.length / 1024)} KB), ` +
        `evaluate ${cost.evaluateMs} ms, answer JSON ${cost.stringifyMs} ms (${Math.round(cost.answerBytes / 1024)} KB) ` +
        `= at most ${cost.leadsPerSec} leads/s on one core before any network`,
    );
    console.log(
      JSON.stringify({
        singleRps,
        singleP99Ms,
        batchLeadsPerSec,
        batchParseMs: cost.parseMs,
        batchEvaluateMs: cost.evaluateMs,
        batchStringifyMs: cost.stringifyMs,
      }),
    );
  } finally {
    server.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
