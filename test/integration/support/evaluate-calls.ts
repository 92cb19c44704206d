/**
 * Evaluate calls against a running app over real connections, for the shutdown and rolling
 * restart suites: every call opens a connection of its own (no keep-alive pool), so a refused or
 * reset connection shows as such instead of being retried by a pool behind the test's back.
 */
import { request } from 'node:http';
import { HttpClient } from './http-client';

/** The demo workflow the seed publishes (see apps/api/src/seed.ts). */
export const DEMO_WORKFLOW = 'inbound-b2b-qualification';

/** An answer, or the code of the connection error (ECONNREFUSED, ECONNRESET, …). */
export type CallOutcome = { status: number; body: string } | { error: string };

/** POSTs JSON on a fresh connection; resolves with the answer or the connection error. */
export function postJson(
  url: string,
  path: string,
  body: string,
  headers: Record<string, string> = {},
  onSent?: () => void,
): Promise<CallOutcome> {
  return new Promise((resolve) => {
    const { hostname, port } = new URL(url);
    const req = request(
      {
        host: hostname,
        port,
        path,
        method: 'POST',
        agent: false,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          ...headers,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (d: Buffer) => chunks.push(d));
        res.on('end', () =>
          resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString() }),
        );
        res.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ error: e.code ?? e.message }));
    if (onSent) req.on('finish', onSent);
    req.end(body);
  });
}

/** Signs in as the demo admin and creates an API key of the demo workspace. */
export async function demoApiKey(url: string): Promise<string> {
  const admin = await new HttpClient(url).signIn('admin@acme.test', 'accord-demo');
  const created = await admin.ok<{ key: string }>('apiKeys.create', { name: 'load test' });
  return created.key;
}

/** An evaluate call of the demo workflow with `body` on a fresh connection. */
export function evaluate(
  url: string,
  key: string,
  body: string,
  onSent?: () => void,
): Promise<CallOutcome> {
  return postJson(
    url,
    `/v1/workflows/${DEMO_WORKFLOW}/evaluate`,
    body,
    { authorization: `Bearer ${key}` },
    onSent,
  );
}
