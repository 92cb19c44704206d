/**
 * npm run bench:api — starts the API on loopback in a child process (one core for the server,
 * one for the load) and loads it with autocannon for a bounded time: single-lead requests (32
 * connections, as a CRM's worker pool would hold), then 1,000-lead batches. Every response is
 * checked for status 200. Then, in this process and without sockets, what one 1,000-lead batch
 * costs the server's core: parsing the request JSON, evaluating, writing the answer's JSON.
 * Then NDJSON streaming: 1,000,000 leads with `explain=false` in one request over loopback (body
 * sent and answer read at once, with backpressure), and the same work in this process without
 * sockets (split lines, parse, check, evaluate, write result lines: the route's own
 * `NdjsonEvaluation`) as the floor; both answers must be the same bytes.
 * Ends with one JSON line.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { compile, defaultCatalog, defaultWorkflow, generateLeads, type Lead } from '@accord/engine';
import autocannon from 'autocannon';
import { NDJSON_TYPE, NdjsonEvaluation, resultItem } from '@accord/api/rest/evaluate-route';
import { cpuMsOf } from './process-stats';

const DURATION_S = Number(process.env.BENCH_SECONDS ?? 10);
const SINGLE_CONNECTIONS = 32;
const NDJSON_LEADS = Number(process.env.BENCH_NDJSON_LEADS ?? 1_000_000);
const root = fileURLToPath(new URL('../', import.meta.url));

async function startServer(): Promise<{
  url: string;
  key: string;
  pid: number;
  stop: () => void;
}> {
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
      if (line)
        resolve({ ...JSON.parse(line), pid: child.pid!, stop: () => child.kill('SIGTERM') });
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

/** What an NDJSON answer was: its lines, a digest of its bytes and how long it took. */
interface StreamOutcome {
  lines: number;
  digest: string;
  ms: number;
}

/** The NDJSON body: `block` (whole lines) repeated `times`. */
function* ndjsonBody(block: Buffer, times: number): Generator<Buffer> {
  for (let i = 0; i < times; i++) yield block;
}

function countLines(chunk: Buffer): number {
  let n = 0;
  for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) n++;
  return n;
}

/**
 * One NDJSON request over loopback: the body is written with backpressure while the answer is
 * read, its lines counted and its bytes digested.
 */
function streamOverLoopback(
  url: string,
  headers: Record<string, string>,
  body: Iterable<Buffer>,
): Promise<StreamOutcome> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(url, { method: 'POST', headers });
    req.on('error', reject);
    req.on('response', (res) => {
      if (res.statusCode !== 200) reject(new Error(`NDJSON answer: status ${res.statusCode}`));
      const hash = createHash('sha1');
      let lines = 0;
      res.on('data', (chunk: Buffer) => {
        hash.update(chunk);
        lines += countLines(chunk);
      });
      res.on('end', () =>
        resolve({ lines, digest: hash.digest('hex'), ms: performance.now() - t0 }),
      );
      res.on('error', reject);
    });
    const chunks = body[Symbol.iterator]();
    const write = () => {
      for (let next = chunks.next(); !next.done; next = chunks.next())
        if (!req.write(next.value)) return void req.once('drain', write);
      req.end();
    };
    write();
  });
}

/**
 * The floor: the same body through the route's own `NdjsonEvaluation` in this process, in the
 * 64 KB pieces a socket delivers (split lines, parse, check against the catalog, evaluate, write
 * result lines), its output digested like the loopback answer.
 */
function streamInProcess(body: Iterable<Buffer>, asOf: number): StreamOutcome {
  const compiled = compile(defaultWorkflow(), defaultCatalog);
  if (!compiled.ok) throw new Error('the default workflow does not compile');
  const t0 = performance.now();
  const run = new NdjsonEvaluation({
    version: { evaluate: compiled.evaluate, catalog: defaultCatalog, number: 1 },
    workflow: 'inbound',
    asOf,
    explain: false,
    logDecisions: false,
  });
  const hash = createHash('sha1');
  let lines = 0;
  const take = () => {
    const out = Buffer.from(run.takeOutput());
    hash.update(out);
    lines += countLines(out);
  };
  for (const block of body)
    for (let at = 0; at < block.length; at += 65_536) {
      run.push(block.subarray(at, at + 65_536));
      take();
    }
  run.end();
  take();
  return { lines, digest: hash.digest('hex'), ms: performance.now() - t0 };
}

/** The least work there is, for reference: JSON.parse, evaluate, JSON.stringify; no checks. */
function bareLeadsPerSec(lines: string[], asOf: number): number {
  const compiled = compile(defaultWorkflow(), defaultCatalog);
  if (!compiled.ok) throw new Error('the default workflow does not compile');
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t0 = performance.now();
    let bytes = 0;
    for (let i = 0; i < lines.length; i++) {
      const lead = JSON.parse(lines[i]!) as Lead;
      const r = compiled.evaluate(lead, { asOf });
      bytes += JSON.stringify({
        line: i + 1,
        leadId: lead.id,
        stage: r.stage,
        scores: r.scores,
      }).length;
    }
    if (bytes === 0) throw new Error('nothing written');
    best = Math.min(best, performance.now() - t0);
  }
  return Math.round((lines.length / best) * 1000);
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

    // NDJSON: the 2,000 leads as lines, repeated up to NDJSON_LEADS (ids repeat; every line is
    // answered all the same).
    const leadLines = leads.map((lead) => JSON.stringify(lead));
    const block = Buffer.from(`${leadLines.join('\n')}\n`);
    const times = Math.ceil(NDJSON_LEADS / leads.length);
    const inProcess = () => {
      const cpu0 = process.cpuUsage();
      const outcome = streamInProcess(ndjsonBody(block, times), Date.parse(asOf));
      const cpu = process.cpuUsage(cpu0);
      return { ...outcome, cpuMs: (cpu.user + cpu.system) / 1000 };
    };
    // The floor is the better of two runs, one before and one after the loopback run.
    const floorBefore = inProcess();
    const serverCpu0 = cpuMsOf(server.pid);
    const streamed = await streamOverLoopback(
      `${server.url}${path}?explain=false&asOf=${asOf}`,
      { 'content-type': NDJSON_TYPE, authorization: `Bearer ${server.key}` },
      ndjsonBody(block, times),
    );
    const serverCpu1 = cpuMsOf(server.pid);
    const floorAfter = inProcess();
    const floor = floorAfter.ms < floorBefore.ms ? floorAfter : floorBefore;
    const total = times * leads.length;
    if (streamed.lines !== total || floor.lines !== total)
      throw new Error(
        `NDJSON: ${streamed.lines} lines over loopback, ${floor.lines} in process, for ${total} leads`,
      );
    if (streamed.digest !== floorBefore.digest || streamed.digest !== floorAfter.digest)
      throw new Error('NDJSON: the loopback answer differs from the in-process one');
    const ndjsonLeadsPerSec = Math.round((total / streamed.ms) * 1000);
    const ndjsonFloorLeadsPerSec = Math.round((total / floor.ms) * 1000);
    console.log(
      `NDJSON ${total.toLocaleString('en')} leads, explain=false: ${ndjsonLeadsPerSec} leads/s over loopback (one request, ${(streamed.ms / 1000).toFixed(1)} s, ${Math.round((block.length * times) / 1e6)} MB in); ` +
        `in process ${ndjsonFloorLeadsPerSec} leads/s (${(ndjsonLeadsPerSec / ndjsonFloorLeadsPerSec).toFixed(2)}x of it; answers identical); ` +
        `bare parse+evaluate+stringify without checks ${bareLeadsPerSec(leadLines, Date.parse(asOf))} leads/s`,
    );
    if (serverCpu0 !== null && serverCpu1 !== null)
      console.log(
        `NDJSON per CPU second: server ${Math.round((total / (serverCpu1 - serverCpu0)) * 1000)} leads (${Math.round(serverCpu1 - serverCpu0)} ms CPU), ` +
          `in process ${Math.round((total / floor.cpuMs) * 1000)} leads (${Math.round(floor.cpuMs)} ms CPU)`,
      );
    console.log(
      JSON.stringify({
        singleRps,
        singleP99Ms,
        batchLeadsPerSec,
        batchParseMs: cost.parseMs,
        batchEvaluateMs: cost.evaluateMs,
        batchStringifyMs: cost.stringifyMs,
        ndjsonLeadsPerSec,
        ndjsonFloorLeadsPerSec,
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
