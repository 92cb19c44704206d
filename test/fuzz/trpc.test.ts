import { testBackends } from '@accord/db/testing';
import { defaultWorkflow } from '@accord/engine';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createApiKey,
  inputKeys,
  openAccord,
  procedures,
  publishWorkflow,
  secondUser,
  type Accord,
} from '../integration/support/accord';
import { fuzzDocument } from './support/documents';
import { hostileNumber, hostileString, hostileValue, integritySnapshot } from './support/hostile';
import { fuzzSeed } from './support/run-in-worker';

const RUNS = 600;

/** Codes a procedure may answer bad input with; INTERNAL_SERVER_ERROR is never one of them. */
const CLIENT_ERRORS = new Set([
  'BAD_REQUEST',
  'UNAUTHORIZED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'PRECONDITION_FAILED',
  'PAYLOAD_TOO_LARGE',
  'TOO_MANY_REQUESTS',
  'UNPROCESSABLE_CONTENT',
]);

/** Ids the fuzz may aim at: real ones (so inputs get past "not found") and made-up ones. */
interface Targets {
  workflowId: string;
  versionIds: string[];
  userId: string;
  apiKeyId: string;
  leadSetId: string;
}

/** Procedures whose effects would end the fuzz's own sessions; covered by the security suite. */
const EXCLUDED = new Set(['auth.signOut']);

describe.each(testBackends())('tRPC input fuzz on $kind', ({ open }) => {
  let accord: Accord;
  let targets: Targets;
  beforeAll(async () => {
    accord = await openAccord(open);
    const published = await publishWorkflow(accord, 'tRPC fuzz');
    const proposed = await accord.as.marketing.versions.propose({
      workflowId: published.workflowId,
      changeNote: 'A second version for the fuzz to approve, reject and publish',
    });
    const throwaway = await secondUser(accord, 'sales', 9);
    targets = {
      workflowId: published.workflowId,
      versionIds: [published.versionId, proposed.id],
      userId: throwaway.id,
      apiKeyId: (await createApiKey(accord, 'fuzz')).id,
      leadSetId: '',
    };
    targets.leadSetId = (await accord.as.ops.leadSets.generate({ name: 'fuzz', count: 20 })).id;
  });
  afterAll(() => accord?.close());

  const id = () =>
    fc.oneof(
      { weight: 4, arbitrary: fc.constant('$workflow') },
      { weight: 3, arbitrary: fc.constant('$version') },
      { weight: 1, arbitrary: fc.constant('$user') },
      { weight: 1, arbitrary: fc.constant('$apiKey') },
      { weight: 1, arbitrary: fc.constant('$leadSet') },
      { weight: 1, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: hostileValue },
    );
  /** Text at the edges of what PostgreSQL stores: NUL, unpaired surrogates, very long. */
  const storageEdge = fc.constantFrom(
    'a\u0000b',
    'x\ud800',
    '\udc00y',
    '\ud83d',
    '🙂\ud800🙂',
    'x'.repeat(100_000),
    '\u202eevil',
  );
  const text = fc.oneof(
    { weight: 3, arbitrary: hostileString },
    { weight: 2, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 2, arbitrary: storageEdge },
    { weight: 1, arbitrary: fc.constant("'); drop table users; --") },
  );
  /** CSV text whose header and cells are hostile. */
  const csvText = fc
    .array(
      fc.array(fc.oneof(text, fc.constantFrom('=HYPERLINK("x")', '"', '""', '\r\n', ',')), {
        minLength: 1,
        maxLength: 5,
      }),
      { minLength: 1, maxLength: 6 },
    )
    .map((rows) => [['id', 'email', 'first_name'], ...rows].map((r) => r.join(',')).join('\n'));
  /** Plausible input keys with values from the pools above; the procedure picks what it reads. */
  const shapedInput = fc.record(
    {
      workflowId: id(),
      versionId: id(),
      id: id(),
      actorId: id(),
      baseRevision: fc.oneof(fc.constant('$revision'), fc.nat(5), hostileNumber, hostileValue),
      document: fc.oneof(
        { weight: 4, arbitrary: fuzzDocument },
        { weight: 1, arbitrary: hostileValue },
      ),
      name: text,
      from: fc.oneof(fc.constantFrom('default', 'blank'), hostileValue),
      comment: text,
      changeNote: text,
      body: text,
      nodeId: fc.oneof(fc.constantFrom('start', 'fit'), text),
      email: fc.oneof(text, fc.emailAddress()),
      password: text,
      role: fc.oneof(
        fc.constantFrom('admin', 'marketing', 'sales', 'ops', 'auditor'),
        hostileValue,
      ),
      disabled: fc.oneof(fc.boolean(), hostileValue),
      includeArchived: fc.oneof(fc.boolean(), hostileValue),
      action: text,
      format: fc.oneof(fc.constantFrom('csv', 'json'), hostileValue),
      at: fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        hostileValue,
      ),
      from_: hostileValue,
      to: fc.oneof(
        fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
        hostileValue,
      ),
      limit: fc.oneof(fc.nat(600), hostileNumber),
      beforeId: fc.oneof(fc.nat(100), hostileNumber),
      leadSetId: id(),
      runId: id(),
      // Small counts only: a valid count of a million leads is slow, not wrong.
      count: fc.oneof(fc.nat(30), fc.constantFrom(-1, 0, 1.5, 1e9, 2_000_001), hostileValue),
      seed: fc.oneof(fc.nat(), text),
      offset: fc.oneof(fc.nat(50), hostileNumber),
      delimiter: fc.oneof(fc.constantFrom('auto', ',', ';', '\t', '|'), hostileValue),
      text: fc.oneof(
        csvText,
        text,
        fc.jsonValue().map((v) => JSON.stringify(v)),
      ),
      mapping: fc.oneof(
        fc.constant({ columns: { id: { kind: 'id' }, email: { kind: 'field', field: 'email' } } }),
        fc.record({
          columns: fc.dictionary(
            text,
            fc.record({
              kind: fc.constantFrom('id', 'field', 'events', 'outcome', 'ignore'),
              field: text,
              as: hostileValue,
            }),
          ),
        }),
        hostileValue,
      ),
    },
    { requiredKeys: [] },
  );
  const input = fc.oneof(
    { weight: 6, arbitrary: shapedInput },
    { weight: 1, arbitrary: hostileValue },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  );

  async function resolve(value: unknown): Promise<unknown> {
    if (value === '$workflow') return targets.workflowId;
    if (value === '$version') return targets.versionIds[Math.floor(Math.random() * 2)];
    if (value === '$user') return targets.userId;
    if (value === '$apiKey') return targets.apiKeyId;
    if (value === '$leadSet') return targets.leadSetId;
    if (value === '$revision') {
      const draft = await accord.database.db
        .selectFrom('drafts')
        .select('revision')
        .where('workflow_id', '=', targets.workflowId)
        .executeTakeFirst();
      return draft?.revision ?? 1;
    }
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value))
        out[k === 'from_' ? 'from' : k] = k === 'document' ? v : await resolve(v);
      return out;
    }
    return value;
  }

  it(`answers ${RUNS} random inputs to every procedure with a result or a client error, never INTERNAL_SERVER_ERROR`, async () => {
    const paths = procedures()
      .filter((p) => !EXCLUDED.has(p.path))
      .map((p) => p.path);
    const intact = integritySnapshot();
    const codes = new Map<string, number>();
    // Every distinct server error (procedure + message) with its first input, so one run names
    // all of them rather than stopping at the first.
    const serverErrors = new Map<string, unknown>();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...paths),
        fc.constantFrom('admin' as const, 'marketing' as const, 'sales' as const, 'ops' as const),
        input,
        fc.nat(9),
        async (path, role, raw, extras) => {
          // Mostly only the keys the procedure reads (so one hostile value in a key it ignores
          // does not refuse the whole input); one time in ten every key, ignored ones included.
          const keys = inputKeys(path);
          const shaped =
            keys && extras > 0 && raw && typeof raw === 'object' && !Array.isArray(raw)
              ? Object.fromEntries(
                  Object.entries(raw).filter(([k]) => keys.has(k === 'from_' ? 'from' : k)),
                )
              : raw;
          const sent = await resolve(shaped);
          const res = await accord.trpc(accord.cookie[role], path, sent);
          const code = res.status === 200 ? 'OK' : (res.code ?? `HTTP ${res.status}`);
          codes.set(code, (codes.get(code) ?? 0) + 1);
          if (res.status >= 500 || (res.status !== 200 && !CLIENT_ERRORS.has(code))) {
            const signature = `${path}: ${code} ${(res.message ?? res.body).replace(/"[^"]*"/g, '"…"')}`;
            if (!serverErrors.has(signature)) {
              const { document, ...rest } = (sent ?? {}) as Record<string, unknown>;
              serverErrors.set(signature, {
                role,
                input: path === 'draft.save' ? { ...rest, document } : rest,
              });
            }
          }
        },
      ),
      { seed: fuzzSeed(20_261_126), numRuns: RUNS },
    );
    console.info(
      `tRPC fuzz answers on ${accord.database.kind}:`,
      JSON.stringify(Object.fromEntries(codes)),
    );
    expect(
      [...serverErrors].map(
        ([signature, example]) => `${signature}\n  e.g. ${JSON.stringify(example).slice(0, 400)}`,
      ),
    ).toEqual([]);
    // Many random inputs are refused; still, a fair share must get through to real work.
    expect(codes.get('OK') ?? 0).toBeGreaterThan(RUNS / 25);
    expect(intact()).toBeNull();
    expect(await accord.as.auditor.audit.verify()).toMatchObject({ ok: true });
  });

  it('answers BAD_REQUEST, not a server error, for text with an unpaired surrogate (which jsonb cannot store)', async () => {
    const { cookie, trpc } = accord;
    const workflowId = targets.workflowId;
    const draft = await accord.as.marketing.draft.get({ workflowId });
    const document = structuredClone(draft.document) as ReturnType<typeof defaultWorkflow>;
    document.nodes[0]!.label = 'half an emoji \ud83d';
    const calls: [keyof typeof cookie, string, unknown][] = [
      ['marketing', 'workflows.rename', { workflowId, name: 'x\udc00' }],
      ['marketing', 'comments.add', { workflowId, body: 'x\ud800' }],
      ['marketing', 'draft.save', { workflowId, baseRevision: draft.revision, document }],
      ['marketing', 'versions.propose', { workflowId, changeNote: 'x\ud800' }],
      ['ops', 'leadSets.generate', { name: 'x\udc00', count: 1 }],
    ];
    const answers: string[] = [];
    for (const [role, path, input] of calls) {
      const res = await trpc(cookie[role], path, input);
      answers.push(`${path}: ${res.status === 200 ? 'OK' : res.code}`);
    }
    expect(answers.filter((a) => a.endsWith('INTERNAL_SERVER_ERROR'))).toEqual([]);
  });

  it('keeps a valid draft save working after the fuzz (the app still works)', async () => {
    // The fuzz may have archived the workflow (archived workflows are read only): bring it back.
    await accord.as.marketing.workflows.unarchive({ workflowId: targets.workflowId });
    const draft = await accord.as.marketing.draft.get({ workflowId: targets.workflowId });
    const saved = await accord.as.marketing.draft.save({
      workflowId: targets.workflowId,
      baseRevision: draft.revision,
      document: defaultWorkflow(),
    });
    expect(saved.revision).toBe(draft.revision + 1);
  });
});
