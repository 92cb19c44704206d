import { testBackends } from '@accord/db/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApiKey,
  openAccord,
  publishWorkflow,
  type Accord,
} from '../integration/support/accord';
import { hostileString, hostileValue, integritySnapshot } from './support/hostile';
import { fuzzLead } from './support/leads';
import { fuzzSeed } from './support/run-in-worker';

const RUNS = 300;

/** One line of an NDJSON body: a lead, another JSON value, or text that is not JSON at all. */
const line = fc.oneof(
  { weight: 4, arbitrary: fuzzLead.map((lead) => JSON.stringify(lead)) },
  { weight: 1, arbitrary: hostileValue.map((v) => JSON.stringify(v) ?? 'undefined') },
  { weight: 1, arbitrary: hostileString.map((s) => s.replace(/\n/g, ' ')) },
  {
    weight: 1,
    arbitrary: fc.integer({ min: 60, max: 200 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  },
  { weight: 1, arbitrary: fc.constantFrom('', ' ', '\r', '{', '}', '"', '\\', '\uFEFF{}') },
);

/** How a body's text is cut into the chunks it arrives in. */
const body = fc.record({
  lines: fc.array(line, { maxLength: 12 }),
  newline: fc.constantFrom('\n', '\r\n'),
  trailingNewline: fc.boolean(),
  query: fc.constantFrom('', '?explain=false', '?asOf=2026-11-01T00:00:00Z', '?version=1'),
});

describe('REST NDJSON evaluation input fuzz', () => {
  let accord: Accord;
  let slug: string;
  let key: string;
  beforeAll(async () => {
    accord = await openAccord(testBackends()[0]!.open);
    ({ slug } = await publishWorkflow(accord, 'NDJSON fuzz'));
    ({ key } = await createApiKey(accord));
  });
  afterAll(() => accord?.close());

  it(`answers ${RUNS} random NDJSON bodies with 200 and one JSON line per non-blank line, in order`, async () => {
    const intact = integritySnapshot();
    await fc.assert(
      fc.asyncProperty(body, async (b) => {
        const text = b.lines.join(b.newline) + (b.trailingNewline ? b.newline : '');
        const res = await accord.app.inject({
          method: 'POST',
          url: `/v1/workflows/${slug}/evaluate${b.query}`,
          headers: { 'content-type': 'application/x-ndjson', authorization: `Bearer ${key}` },
          payload: text,
        });
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
        // The lines the server reads: split at \n, blank (whitespace-only) ones skipped.
        const expected = text
          .split('\n')
          .map((l, i) => ({ l: i === 0 ? l.replace(/^\uFEFF/, '') : l, n: i + 1 }))
          .filter(({ l }) => !/^[ \t\r]*$/.test(l))
          .map(({ n }) => n);
        const answer = res.body
          .split('\n')
          .filter((l) => l !== '')
          .map(
            (l) =>
              JSON.parse(l) as {
                line: number;
                stage?: string;
                error?: { code: string; message: string; path: string };
              },
          );
        expect(answer.map((a) => a.line)).toEqual(expected);
        for (const a of answer) {
          if (a.error) {
            expect(['BAD_REQUEST', 'PAYLOAD_TOO_LARGE']).toContain(a.error.code);
            expect(a.error.message).toEqual(expect.any(String));
            expect(a.error.path).toEqual(expect.any(String));
          } else expect(typeof a.stage).toBe('string');
        }
      }),
      { seed: fuzzSeed(20_261_204), numRuns: RUNS },
    );
    expect(intact()).toBeNull();
  });
});
