import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { generateLeads } from '@accord/engine';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runCli } from './cli';
import type { AccordServer } from './server';
import { servedDemo } from './testing';

const asOf = '2026-11-01T00:00:00Z';
const readLines = (path: string) =>
  readFileSync(path, 'utf8')
    .trimEnd()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown> & { line: number });

describe.each(testBackends())('accord evaluate --url on $kind', ({ open }) => {
  const dir = mkdtempSync(join(tmpdir(), 'accord-cli-url-'));
  const leads = generateLeads({ count: 3_000, seed: 5, asOf: Date.parse(asOf) });
  const said: string[] = [];
  const errors: string[] = [];
  let database: AccordDatabase;
  let app: AccordServer;
  let url: string;
  let key: string;
  let slug: string;

  beforeAll(async () => {
    database = await open();
    ({ app, key, slug } = await servedDemo(database));
    url = await app.listen({ port: 0, host: '127.0.0.1' });
    vi.spyOn(console, 'log').mockImplementation((m: string) => void said.push(m));
    vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
  }, 120_000); // seeding the demo is slow on a busy machine
  afterAll(async () => {
    vi.restoreAllMocks();
    await app?.close();
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const evaluate = (...args: string[]) =>
    runCli(['evaluate', '--url', url, '--key', key, '--workflow', slug, '--as-of', asOf, ...args]);

  it('streams a JSON-lines file through the server: one result line per lead, a bad line answered by number', async () => {
    const input = join(dir, 'leads.jsonl');
    const output = join(dir, 'results.ndjson');
    const text = leads.map((l) => JSON.stringify(l));
    text[1_499] = '{"id": "half';
    writeFileSync(input, `${text.join('\n')}\n`);
    expect(await evaluate('--in', input, '--out', output)).toBe(0);
    const answer = readLines(output);
    expect(answer.map((r) => r.line)).toEqual(leads.map((_, i) => i + 1));
    expect(answer[1_499]).toMatchObject({ line: 1_500, error: { code: 'BAD_REQUEST' } });
    expect(answer[0]).toMatchObject({ leadId: leads[0]!.id, version: 1, workflow: slug });
    expect(answer.filter((r) => typeof r.stage === 'string')).toHaveLength(2_999);
    expect(said.at(-1)).toBe(
      `Evaluated 2999 leads with version 1 of ${slug} on ${url}; 1 bad lines. Results in ${output}.`,
    );

    // The same answers as the server gives for a JSON batch.
    const json = await app.inject({
      method: 'POST',
      url: `/v1/workflows/${slug}/evaluate`,
      headers: { authorization: `Bearer ${key}` },
      payload: { leads: leads.slice(0, 100), asOf },
    });
    expect(answer.slice(0, 100).map(({ line: _line, ...rest }) => rest)).toEqual(
      json.json().results,
    );
  });

  it('streams CSV rows and JSON arrays as one lead per line; --no-explain keeps stage and scores', async () => {
    const csv = join(dir, 'leads.csv');
    writeFileSync(
      csv,
      'id,job_title,company_size,email\n' +
        'C-1,VP Marketing,400,ann@acme.com\n' +
        'C-2,Intern,lots,bob@example.com\n' +
        'C-3,Director of Sales,1200,cy@globex.com\n',
    );
    const output = join(dir, 'csv.ndjson');
    expect(await evaluate('--in', csv, '--out', output, '--no-explain')).toBe(0);
    const answer = readLines(output);
    expect(answer.map((r) => [r.line, r.leadId])).toEqual([
      [1, 'C-1'],
      [2, 'C-2'],
      [3, 'C-3'],
    ]);
    expect(Object.keys(answer[0]!)).toEqual(['line', 'leadId', 'stage', 'scores']);
    expect(answer[1]).toMatchObject({ error: { path: 'attributes.company_size' } });

    const array = join(dir, 'leads.json');
    writeFileSync(array, JSON.stringify(leads.slice(0, 10)));
    const arrayOut = join(dir, 'array.ndjson');
    expect(await evaluate('--in', array, '--out', arrayOut, '--no-explain')).toBe(0);
    expect(readLines(arrayOut).map((r) => r.leadId)).toEqual(leads.slice(0, 10).map((l) => l.id));
  });

  it('writes result lines to stdout without --out, the summary to stderr', async () => {
    const input = join(dir, 'two.jsonl');
    writeFileSync(input, `${JSON.stringify(leads[0])}\n${JSON.stringify(leads[1])}\n`);
    let written = '';
    const write = vi
      .spyOn(process.stdout, 'write')
      .mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
        written += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
        const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
        done?.();
        return true;
      });
    try {
      expect(await evaluate('--in', input, '--no-explain')).toBe(0);
    } finally {
      write.mockRestore();
    }
    expect(
      written
        .trimEnd()
        .split('\n')
        .map((l) => JSON.parse(l).leadId),
    ).toEqual([leads[0]!.id, leads[1]!.id]);
    expect(errors.at(-1)).toMatch(/^Evaluated 2 leads with version 1 of /);
  });

  it('reports what the server refused, and bad usage, with exit code 2; an unreachable server with 1', async () => {
    const input = join(dir, 'one.jsonl');
    writeFileSync(input, `${JSON.stringify(leads[0])}\n`);
    const out = join(dir, 'refused.ndjson');
    const base = ['evaluate', '--url', url, '--workflow', slug, '--in', input, '--out', out];
    expect(await runCli([...base, '--key', 'acc_wrong'])).toBe(2);
    expect(errors.at(-1)).toBe(
      'accord: 401: This API key is unknown or revoked. (headers.authorization)',
    );
    expect(await runCli([...base, '--key', key, '--version', '42'])).toBe(2);
    expect(errors.at(-1)).toBe(
      `accord: 404: Workflow "${slug}" has no version 42. (query.version)`,
    );
    expect(await runCli(base)).toBe(2);
    expect(errors.at(-1)).toMatch(
      /--url needs an API key .*: set ACCORD_API_KEY \(or pass --key\)/,
    );
    // The key from the environment: out of the process list.
    vi.stubEnv('ACCORD_API_KEY', key);
    try {
      expect(await runCli(base)).toBe(0);
      expect(readLines(out)).toHaveLength(1);
    } finally {
      vi.unstubAllEnvs();
    }
    expect(await runCli(['evaluate', '--workflow', slug, '--in', input])).toBe(2);
    expect(errors.at(-1)).toMatch(/--out is required/);
    expect(await runCli([...base, '--key', key, '--in', join(dir, 'missing.jsonl')])).toBe(2);
    expect(await runCli([...base.slice(0, 2), 'ftp://x', ...base.slice(3), '--key', key])).toBe(2);
    expect(
      await runCli(['evaluate', '--url', 'http://127.0.0.1:9', '--key', key, ...base.slice(3)]),
    ).toBe(1);
    expect(errors.at(-1)).toMatch(/^accord: Cannot reach http:\/\/127\.0\.0\.1:9/);
  });
});
