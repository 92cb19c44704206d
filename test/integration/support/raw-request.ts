/**
 * Raw HTTP requests for suites that send what no well-behaved client sends (the watchdog, the
 * soak's hostile client): any method, path, headers and body, answered with status, time and the
 * start of the body, also when the server refuses the body before reading it.
 */
import { request } from 'node:http';

export interface RawRequest {
  name?: string;
  method?: string;
  /** Path and query, sent as written (percent-encoding included). */
  path: string;
  /** Added to `content-type: application/json` and the body's length. */
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** How long the headers wait for an early answer before the body goes (default 150 ms). */
  earlyAnswerMs?: number;
}

export interface RawAnswer {
  /** 0 when no answer came (the error is in `body`). */
  status: number;
  ms: number;
  body: string;
}

/**
 * One request over node:http. The headers go first and the body only if no answer came within
 * `earlyAnswerMs`: a server refuses a body too large by its announced length (413) before reading it and
 * closes the connection, which would otherwise fail the upload before its answer is read.
 */
export function sendRaw(url: string, hostile: RawRequest): Promise<RawAnswer> {
  return new Promise<RawAnswer>((resolve) => {
    const started = performance.now();
    const body = Buffer.from(hostile.body ?? '');
    let answered = false;
    const req = request(`${url}${hostile.path}`, {
      method: hostile.method ?? 'POST',
      headers: {
        'content-type': 'application/json',
        'content-length': String(body.length),
        ...hostile.headers,
      },
    });
    req.on('response', (res) => {
      answered = true;
      let text = '';
      res.on('data', (chunk: Buffer) => {
        if (text.length < 2_000) text += chunk.toString();
      });
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, ms: performance.now() - started, body: text }),
      );
    });
    req.on('error', (error) => {
      // No answer at all: reported as status 0 with the error.
      if (!answered) resolve({ status: 0, ms: performance.now() - started, body: error.message });
    });
    req.setTimeout(5_000, () => req.destroy(new Error('no answer within 5 s')));
    void (async () => {
      // Headers first: a body refused by its announced length is answered before it is sent.
      req.flushHeaders();
      await new Promise((r) => {
        const timer = setTimeout(r, hostile.earlyAnswerMs ?? 150);
        req.once('response', () => {
          clearTimeout(timer);
          r(undefined);
        });
      });
      if (!answered && !req.destroyed) req.end(body);
    })();
  });
}
