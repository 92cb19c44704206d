import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Transform, type Readable, type Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { StringDecoder } from 'node:string_decoder';

/** What `streamEvaluate` sends: a server, a key, a workflow and the NDJSON body. */
export interface StreamEvaluateOptions {
  /** The server's base URL, e.g. http://localhost:3000. */
  url: string;
  key: string;
  workflow: string;
  version?: number;
  asOf?: string;
  explain: boolean;
  /** One lead per line. */
  body: Readable;
  /** Where the result lines go, as they arrive. */
  out: Writable;
  /** Whether to end `out` when the answer ends (not for stdout). */
  endOut: boolean;
}

export interface StreamEvaluateSummary {
  /** The version that answered (the `x-accord-version` header). */
  version: number;
  /** Result lines. */
  evaluated: number;
  /** Error lines (one per bad input line). */
  bad: number;
}

/**
 * The request could not be made or the server refused it (status and its `{error}` body's message
 * and path), or failed; `badInput` for what the caller must fix (the URL, a 4xx answer).
 */
export class StreamEvaluateError extends Error {
  constructor(
    message: string,
    readonly badInput: boolean,
  ) {
    super(message);
  }
}

/** The evaluate URL of a workflow on a server, with the query. */
export function evaluateUrl(options: Omit<StreamEvaluateOptions, 'body' | 'out' | 'endOut'>): URL {
  let base: URL;
  try {
    base = new URL(options.url);
  } catch {
    throw new StreamEvaluateError(`--url "${options.url}" is not a URL.`, true);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:')
    throw new StreamEvaluateError(`--url must start with http:// or https://.`, true);
  const url = new URL(
    `${base.pathname.replace(/\/+$/, '')}/v1/workflows/${encodeURIComponent(options.workflow)}/evaluate`,
    base,
  );
  if (options.version !== undefined) url.searchParams.set('version', String(options.version));
  if (options.asOf !== undefined) url.searchParams.set('asOf', options.asOf);
  if (!options.explain) url.searchParams.set('explain', 'false');
  return url;
}

async function readAll(res: IncomingMessage, limit = 64 * 1024): Promise<string> {
  let text = '';
  for await (const chunk of res as AsyncIterable<Buffer>) {
    if (text.length < limit) text += chunk.toString('utf8');
  }
  return text;
}

/**
 * Streams an NDJSON body of leads to a server's evaluate endpoint and copies its result lines to
 * `out` as they arrive (one per non-blank input line, in order), writing while it reads, with
 * backpressure both ways. Counts result and error lines: a result line, and only a result line,
 * has a `"stage":` key (inside a JSON string a quote is escaped, so the text cannot occur there).
 * @example await streamEvaluate({ url: 'http://localhost:3000', key, workflow: 'inbound', explain: false, body: createReadStream('leads.jsonl'), out: process.stdout, endOut: false })
 */
export function streamEvaluate(options: StreamEvaluateOptions): Promise<StreamEvaluateSummary> {
  const url = evaluateUrl(options);
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise<StreamEvaluateSummary>((resolve, reject) => {
    const req = send(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-ndjson',
        authorization: `Bearer ${options.key}`,
      },
    });
    const fail = (error: unknown) => {
      req.destroy();
      options.body.destroy();
      reject(
        error instanceof StreamEvaluateError
          ? error
          : new StreamEvaluateError(
              `Cannot reach ${url.origin}: ${(error as Error).message}`,
              false,
            ),
      );
    };
    req.on('error', fail);
    req.on('response', (res) => {
      if (res.statusCode !== 200) {
        // A refusal comes before the body is read: stop sending it.
        options.body.unpipe(req);
        options.body.destroy();
        void readAll(res).then((text) => {
          let detail = text.trim();
          try {
            const { error } = JSON.parse(text) as { error: { message: string; path: string } };
            detail = error.path ? `${error.message} (${error.path})` : error.message;
          } catch {
            // Not the API's JSON error: show the text as it is.
          }
          req.destroy();
          const status = res.statusCode ?? 500;
          reject(new StreamEvaluateError(`${status}: ${detail}`, status >= 400 && status < 500));
        }, fail);
        return;
      }
      const summary: StreamEvaluateSummary = {
        version: Number(res.headers['x-accord-version']),
        evaluated: 0,
        bad: 0,
      };
      const decoder = new StringDecoder('utf8');
      let carry = '';
      let failure: string | null = null;
      const count = (line: string) => {
        if (line.includes('"stage":')) summary.evaluated++;
        else if (line.startsWith('{"error":')) failure = line;
        else summary.bad++;
      };
      const counter = new Transform({
        transform(chunk: Buffer, _encoding, done) {
          const text = carry + decoder.write(chunk);
          const lines = text.split('\n');
          carry = lines.pop()!;
          for (const line of lines) if (line !== '') count(line);
          done(null, chunk);
        },
        flush(done) {
          if (carry !== '') count(carry);
          done();
        },
      });
      res.on('error', fail);
      res.pipe(counter).pipe(options.out, { end: options.endOut });
      const written = options.endOut ? finished(options.out) : finished(counter);
      written.then(() => {
        if (failure === null) return resolve(summary);
        let message = failure;
        try {
          message = (JSON.parse(failure) as { error: { message: string } }).error.message;
        } catch {
          // Shown as it came.
        }
        reject(new StreamEvaluateError(`The server stopped: ${message}`, false));
      }, fail);
    });
    options.body.on('error', fail);
    options.body.pipe(req);
  });
}
