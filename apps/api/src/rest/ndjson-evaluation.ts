import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';
import type { NewDecision } from '@accord/db';
import type { Evaluate, FieldCatalog } from '@accord/engine';
import { MAX_JSON_DEPTH } from '../json-limits';
import { compactItem, decisionOf, resultItem, unstorableDecision } from './evaluate-result';
import { checkLead } from './lead-check';
import { restErrorBody, type RestErrorCode } from './rest-error';

/** Longest line of an NDJSON request, in bytes (a lead with a long event history fits). */
export const MAX_NDJSON_LINE_BYTES = 1024 * 1024;

export interface NdjsonEvaluationOptions {
  /** The version that answers every line: resolved once, so a publish mid-stream changes nothing. */
  version: { evaluate: Evaluate; catalog: FieldCatalog; number: number };
  /** The workflow's slug, as result lines name it. */
  workflow: string;
  /** Evaluation time of every line (epoch ms). */
  asOf: number;
  /** false: result lines carry only the lead's id, stage and scores (and warnings if any). */
  explain: boolean;
  /** Whether to collect each answered lead's decision (see `takeDecisions`). */
  logDecisions: boolean;
  maxLineBytes?: number;
}

const QUOTE = 34;
const BACKSLASH = 92;
const OPEN_BRACKET = 91;
const OPEN_BRACE = 123;
const CLOSE_BRACKET = 93;
const CLOSE_BRACE = 125;
const BOM = 0xfeff;

/**
 * Whether JSON text nests deeper than `maxDepth`, judged before it is parsed (V8's `JSON.parse`
 * slows down a hundredfold on deep nesting). String contents are skipped with `indexOf`, so a
 * typical lead, mostly keys and values, costs a few structural characters. Malformed text is left
 * to the parser.
 */
function nestedDeeperThan(text: string, maxDepth: number): boolean {
  let depth = 0;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      let end = i;
      for (;;) {
        end = text.indexOf('"', end + 1);
        if (end === -1) return false;
        let slash = end - 1;
        while (text.charCodeAt(slash) === BACKSLASH) slash--;
        if ((end - 1 - slash) % 2 === 0) break;
      }
      i = end;
    } else if (c === OPEN_BRACKET || c === OPEN_BRACE) {
      if (++depth > maxDepth) return true;
    } else if (c === CLOSE_BRACKET || c === CLOSE_BRACE) {
      depth--;
    }
  }
  return false;
}

/**
 * Whether JSON text has more than `limit` opening brackets and braces (in strings too): only then
 * can it nest deeper than `limit`. Native `indexOf` per bracket, ten times cheaper than scanning.
 */
function opensMoreThan(text: string, limit: number): boolean {
  let n = 0;
  for (let i = text.indexOf('{'); i !== -1; i = text.indexOf('{', i + 1))
    if (++n > limit) return true;
  for (let i = text.indexOf('['); i !== -1; i = text.indexOf('[', i + 1))
    if (++n > limit) return true;
  return false;
}

const JSON_WHITESPACE = /^[ \t\r]*$/;

/** Whether a line holds nothing but JSON whitespace (blank lines are skipped, as NDJSON allows). */
function isBlank(text: string): boolean {
  return text.length === 0 || (text.charCodeAt(0) <= 32 && JSON_WHITESPACE.test(text));
}

/**
 * The work of an NDJSON evaluate request without the network: takes the body's bytes as they
 * arrive (`push`), splits them into lines with a hard byte cap per line, checks and evaluates each
 * lead with one compiled version and appends one result line per input line, in order, to the
 * output (`takeOutput`). Blank lines are skipped; every other line is answered, a bad one (not
 * JSON, too long, nested too deep, a lead that fails its check) with its own error line
 * `{"line":N,"leadId":…,"error":{code,message,path}}` whose path is relative to the lead.
 * Everything is synchronous: a caller pays one promise per chunk of the body, not per line.
 * @example
 * const run = new NdjsonEvaluation({ version, workflow: 'inbound', asOf, explain: false, logDecisions: false });
 * run.push(Buffer.from('{"id":"L1","attributes":{}}\n')); run.end();
 * run.takeOutput(); // '{"line":1,"leadId":"L1","stage":"nurture","scores":{…}}\n'
 */
export class NdjsonEvaluation {
  /** Result and error lines answered so far. */
  answered = 0;
  /** Of them, error lines. */
  failed = 0;

  readonly #options: NdjsonEvaluationOptions;
  readonly #maxLineBytes: number;
  readonly #decoder = new StringDecoder('utf8');
  /** The start of a line whose end has not arrived yet. */
  #carry = '';
  /** Inside a line past the cap: its bytes are dropped up to its newline. */
  #skipping = false;
  /** The number of the last line started (1-based). */
  #line = 0;
  #output = '';
  #decisions: NewDecision[] = [];
  #stages = new Map<string, number>();

  constructor(options: NdjsonEvaluationOptions) {
    this.#options = options;
    this.#maxLineBytes = options.maxLineBytes ?? MAX_NDJSON_LINE_BYTES;
  }

  /** Length (UTF-16 units) of the output not taken yet. */
  get outputLength(): number {
    return this.#output.length;
  }

  /** Decisions collected and not taken yet. */
  get pendingDecisions(): number {
    return this.#decisions.length;
  }

  /** The number of the last line read: the next one is `lines + 1`. */
  get lines(): number {
    return this.#line;
  }

  /** The output lines so far, each ending with a newline; empties the buffer. */
  takeOutput(): string {
    const out = this.#output;
    this.#output = '';
    return out;
  }

  /** The decisions of the output so far (with `logDecisions`); empties the buffer. */
  /** Leads answered by stage since the last call (the metrics count them per chunk). */
  takeStageCounts(): Map<string, number> {
    const counts = this.#stages;
    this.#stages = new Map();
    return counts;
  }

  takeDecisions(): NewDecision[] {
    const out = this.#decisions;
    this.#decisions = [];
    return out;
  }

  /** Reads the next piece of the body. */
  push(chunk: Uint8Array): void {
    this.#lines(this.#decoder.write(chunk as Buffer));
  }

  /** Reads the end of the body: its last line needs no newline. */
  end(): void {
    const rest = this.#decoder.end();
    if (rest) this.#lines(rest);
    if (this.#skipping) {
      this.#skipping = false;
      this.#tooLong();
    } else if (this.#carry !== '') {
      const last = this.#carry;
      this.#carry = '';
      this.#line++;
      this.#answer(last);
    }
  }

  #lines(text: string): void {
    let start = 0;
    // The carry holds no newline: search only the new text.
    let from = 0;
    if (this.#carry !== '') {
      from = this.#carry.length;
      text = this.#carry + text;
      this.#carry = '';
    }
    for (;;) {
      const end = text.indexOf('\n', from);
      if (end === -1) break;
      this.#line++;
      if (this.#skipping) {
        this.#skipping = false;
        this.#tooLong();
      } else this.#answer(text.slice(start, end));
      start = from = end + 1;
    }
    if (this.#skipping || start === text.length) return;
    // A line already longer in UTF-16 units than the cap is longer in bytes too.
    if (text.length - start > this.#maxLineBytes) this.#skipping = true;
    else this.#carry = start === 0 ? text : text.slice(start);
  }

  #tooLong(): void {
    this.#error(
      null,
      'PAYLOAD_TOO_LARGE',
      `Line ${this.#line} is longer than the limit of ${this.#maxLineBytes} bytes.`,
      '',
    );
  }

  #error(leadId: unknown, code: RestErrorCode, message: string, path: string): void {
    this.answered++;
    this.failed++;
    this.#output += `${JSON.stringify({
      line: this.#line,
      leadId: typeof leadId === 'string' ? leadId : null,
      ...restErrorBody(code, message, path),
    })}\n`;
  }

  #answer(text: string): void {
    if (this.#line === 1 && text.charCodeAt(0) === BOM) text = text.slice(1);
    if (isBlank(text)) return;
    if (text.length * 3 > this.#maxLineBytes && Buffer.byteLength(text) > this.#maxLineBytes)
      return this.#tooLong();
    if (
      text.length > MAX_JSON_DEPTH &&
      opensMoreThan(text, MAX_JSON_DEPTH) &&
      nestedDeeperThan(text, MAX_JSON_DEPTH)
    )
      return this.#error(
        null,
        'BAD_REQUEST',
        `Line ${this.#line} is nested deeper than ${MAX_JSON_DEPTH} levels.`,
        '',
      );
    let input: unknown;
    try {
      input = JSON.parse(text);
    } catch (error) {
      return this.#error(
        null,
        'BAD_REQUEST',
        `Line ${this.#line} is not JSON: ${(error as Error).message}`,
        '',
      );
    }
    const { version, explain } = this.#options;
    const check = checkLead(input, version.catalog);
    if (!check.ok)
      return this.#error(
        (input as { id?: unknown } | null)?.id,
        'BAD_REQUEST',
        check.message,
        check.path,
      );
    const { lead, warnings } = check;
    const result = version.evaluate(lead, { asOf: this.#options.asOf });
    if (this.#options.logDecisions) {
      const decision = decisionOf(lead.id, result);
      const unstorable = unstorableDecision(decision, lead);
      if (unstorable)
        return this.#error(lead.id, 'BAD_REQUEST', unstorable.message, unstorable.path);
      this.#decisions.push(decision);
    }
    this.answered++;
    this.#stages.set(result.stage, (this.#stages.get(result.stage) ?? 0) + 1);
    const line = this.#line;
    this.#output += `${JSON.stringify(
      explain
        ? {
            line,
            ...resultItem(lead.id, result, this.#options.workflow, version.number, warnings),
          }
        : { line, ...compactItem(lead.id, result, warnings) },
    )}\n`;
  }
}

/** Newline-delimited JSON: one value per line. */
export const NDJSON_TYPE = 'application/x-ndjson';

/** Output buffered before it is written: big enough to keep system calls few. */
const FLUSH_UNITS = 64 * 1024;
/** Most bytes of the body read before output is considered for writing. */
const PIECE_BYTES = 64 * 1024;
/** Decisions written per transaction while a stream is logged. */
const DECISIONS_PER_WRITE = 2_000;

/**
 * The answer to an NDJSON request: reads the body chunk by chunk (only as fast as the answer is
 * consumed: backpressure both ways), hands each chunk to `run` and writes its output as soon as
 * the body has nothing more buffered or 64 K of output are ready. With `log`, the decisions of
 * every batch of output are written (one transaction per batch) before that output goes out, so
 * a result line read means its decision is logged. A failed write ends the answer with a last
 * line `{"error":{…}}` naming the first line not answered; the rest of the body is drained.
 */
export async function* ndjsonAnswer(
  body: Readable,
  run: NdjsonEvaluation,
  log: ((decisions: NewDecision[]) => Promise<void>) | null,
  onError: (error: unknown) => void,
): AsyncGenerator<string> {
  let firstUnanswered = 1;
  const flush = async (): Promise<string> => {
    if (log && run.pendingDecisions > 0) await log(run.takeDecisions());
    firstUnanswered = run.lines + 1;
    return run.takeOutput();
  };
  try {
    // Not destroyed on a failure: destroying the request would close the socket under the answer.
    for await (const chunk of body.iterator({ destroyOnReturn: false }) as AsyncIterable<Buffer>) {
      // A big chunk (a test's whole body, a proxy's buffer) is read in pieces, so output and
      // decisions wait in memory in bounded batches.
      for (let at = 0; at < chunk.length; at += PIECE_BYTES) {
        const end = Math.min(chunk.length, at + PIECE_BYTES);
        run.push(at === 0 && end === chunk.length ? chunk : chunk.subarray(at, end));
        if (
          run.outputLength >= FLUSH_UNITS ||
          run.pendingDecisions >= DECISIONS_PER_WRITE ||
          (end === chunk.length && body.readableLength === 0)
        ) {
          const out = await flush();
          if (out !== '') yield out;
        }
      }
    }
    run.end();
    const out = await flush();
    if (out !== '') yield out;
  } catch (error) {
    // The client went away: nobody reads an answer.
    if ((error as { code?: string }).code === 'ECONNRESET') return;
    onError(error);
    yield `${JSON.stringify(
      restErrorBody(
        'INTERNAL_SERVER_ERROR',
        `Something went wrong on our side; lines from ${firstUnanswered} on are not answered.`,
      ),
    )}\n`;
    body.resume();
  }
}
