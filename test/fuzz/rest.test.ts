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

const RUNS = 2_000;

interface Request {
  slug: 'known' | 'unknown' | string;
  auth: 'key' | 'none' | 'garbage';
  contentType: string;
  /** A JS value sent as JSON, or raw text. */
  body: { json: unknown } | { raw: string };
}

const envelope = fc.record(
  {
    lead: fuzzLead,
    leads: fc.array(fuzzLead, { maxLength: 6 }),
    version: fc.oneof(fc.constantFrom(1, 2, 99), hostileValue),
    asOf: fc.oneof(
      fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
      hostileString,
      hostileValue,
    ),
    extra: hostileValue,
  },
  { requiredKeys: [] },
);

/** Bodies a CRM, a broken client or an attacker could send. */
const request: fc.Arbitrary<Request> = fc.record({
  slug: fc.oneof(
    { weight: 8, arbitrary: fc.constant('known') },
    { weight: 1, arbitrary: fc.constant('unknown') },
    { weight: 1, arbitrary: hostileString.filter((s) => s.length > 0 && s.length < 400) },
    { weight: 1, arbitrary: fc.constantFrom('%', '%zz', '..%2F..%2Fhealthz', '%00', '%ED%A0%80') },
  ),
  auth: fc.constantFrom('key', 'key', 'key', 'key', 'key', 'key', 'none', 'garbage'),
  contentType: fc.constantFrom(
    'application/json',
    'application/json',
    'application/json',
    'application/json; charset=utf-8',
  ),
  body: fc.oneof(
    { weight: 3, arbitrary: fc.record({ json: fc.record({ lead: fuzzLead }) }) },
    {
      weight: 2,
      arbitrary: fc.record({ json: fc.record({ leads: fc.array(fuzzLead, { maxLength: 8 }) }) }),
    },
    { weight: 3, arbitrary: fc.record({ json: envelope }) },
    { weight: 1, arbitrary: fc.record({ json: fc.jsonValue({ maxDepth: 4 }) }) },
    {
      weight: 1,
      arbitrary: fc.record({
        raw: fc.oneof(
          fc.string({ unit: 'binary', maxLength: 200 }),
          fc.constantFrom(
            '',
            '{',
            '{"lead":',
            '{"lead":{"id":"x","attributes":{}}',
            'null',
            '[]',
            '"lead"',
            '{"__proto__":{"polluted":true},"lead":{"id":"x","attributes":{},"events":[]}}',
            '{"constructor":{"prototype":{"polluted":true}},"lead":{"id":"x","attributes":{}}}',
            `{"lead":${'['.repeat(5_000)}${']'.repeat(5_000)}}`,
            '{"leads":[' + '{"id":"x","attributes":{},"events":[]},'.repeat(2_000) + '1]}',
          ),
        ),
      }),
    },
  ),
});

/** The slug as a path segment; text that cannot be encoded goes as raw bytes that are not UTF-8. */
function urlSegment(slug: string): string {
  try {
    return encodeURIComponent(slug);
  } catch {
    return '%ED%BF%BF%FF%zz';
  }
}

function expectedStatuses(req: Request): number[] {
  if (req.auth !== 'key') return [401, 400, 413];
  // An unknown or hostile slug is "no such workflow"; a named version that does not exist is 404.
  return [200, 400, 404, 413];
}

describe('REST evaluation input fuzz', () => {
  let accord: Accord;
  let slug: string;
  let key: string;
  beforeAll(async () => {
    accord = await openAccord(testBackends()[0]!.open);
    ({ slug } = await publishWorkflow(accord, 'REST fuzz'));
    ({ key } = await createApiKey(accord));
  });
  afterAll(() => accord?.close());

  let sent = 0;
  async function send(req: Request) {
    // Each request from an address of its own: requests without a known key are rate limited
    // per address, and this suite is about answers, not limits.
    sent++;
    const remoteAddress = `10.${(sent >> 16) & 255}.${(sent >> 8) & 255}.${sent & 255}`;
    const target =
      req.slug === 'known' ? slug : req.slug === 'unknown' ? 'no-such-workflow' : req.slug;
    const authorization =
      req.auth === 'key' ? `Bearer ${key}` : req.auth === 'garbage' ? 'Bearer ${x}' : undefined;
    return accord.app.inject({
      method: 'POST',
      remoteAddress,
      url: `/v1/workflows/${urlSegment(target)}/evaluate`,
      headers: {
        'content-type': req.contentType,
        ...(authorization ? { authorization } : {}),
      },
      payload: 'raw' in req.body ? req.body.raw : JSON.stringify(req.body.json ?? null),
    });
  }

  it(`answers ${RUNS} random bodies with JSON and 200/400/401/404/413, never 500`, async () => {
    const intact = integritySnapshot();
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(request, async (req) => {
        const res = await send(req);
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        expect(expectedStatuses(req)).toContain(res.statusCode);
        expect(res.headers['content-type']).toMatch(/^application\/json/);
        const body = JSON.parse(res.body) as {
          results?: { leadId: unknown; stage?: string; error?: { code: string; path: string } }[];
          error?: { code: string; message: string; path: string };
        };
        if (res.statusCode === 200) {
          expect(Array.isArray(body.results)).toBe(true);
          for (const item of body.results!) {
            if (item.error) {
              expect(item.error.code).toBe('BAD_REQUEST');
              expect(item.error.path).toMatch(/^leads\[\d+\]/);
            } else expect(typeof item.stage).toBe('string');
          }
        } else {
          expect(typeof body.error?.code).toBe('string');
          expect(typeof body.error?.message).toBe('string');
          expect(typeof body.error?.path).toBe('string');
        }
      }),
      { seed: fuzzSeed(20_261_125), numRuns: RUNS },
    );
    console.info('REST fuzz statuses:', JSON.stringify(Object.fromEntries(statuses)));
    // About one request in sixteen is fully valid (known slug, live key, a body whose values fit
    // their catalog types: most fuzzed values do not, and answer 400 since #15) and evaluated.
    expect(statuses.get(200) ?? 0).toBeGreaterThan(RUNS / 25);
    expect(intact()).toBeNull();
  });

  it('refuses a body over the 10 MB limit with 413 and a JSON error', async () => {
    const lead = { id: 'x', attributes: { job_title: 'x'.repeat(1_000) }, events: [] };
    const res = await accord.app.inject({
      method: 'POST',
      url: `/v1/workflows/${slug}/evaluate`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
      payload: JSON.stringify({ leads: Array.from({ length: 10_500 }, () => lead) }),
    });
    expect(res.statusCode).toBe(413);
    expect(res.json()).toMatchObject({ error: { code: 'PAYLOAD_TOO_LARGE' } });
  });
});
