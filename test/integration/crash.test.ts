import { randomBytes } from 'node:crypto';
import { request } from 'node:http';
import { verifyAuditChain } from '@accord/db';
import { defaultWorkflow, parseWorkflow, type Workflow } from '@accord/engine';
import { afterAll, describe, expect, it } from 'vitest';
import { startApp, type RunningApp } from '../e2e/harness';
import { DEMO_PASSWORD } from '@accord/api/seed';
import { procedures } from './support/accord';
import { crashBackends } from './support/backends';
import { HttpClient } from './support/http-client';

/**
 * Kill -9 in the middle of saves, comments and a lead-set import, on embedded PGlite and on
 * PostgreSQL; then check, straight in the database and through the restarted app, that every
 * acknowledged change is there, nothing is half written and the audit chain verifies.
 */
const QUERIES = new Set(
  procedures()
    .filter((p) => p.type === 'query')
    .map((p) => p.path),
);
const WRITERS = 3;
const ROUNDS = 2;
/** What the clients sent and what the server acknowledged. */
interface Ledger {
  /** workflowId → revision → label written by the save that made it (acknowledged or not). */
  attempted: Map<string, Map<number, string>>;
  /** workflowId → highest acknowledged revision. */
  acked: Map<string, number>;
  ackedComments: Set<string>;
  acks: number;
}

/** One writer per workflow: saves on top of its own last revision until the connection dies. */
async function saver(client: HttpClient, workflowId: string, ledger: Ledger, round: number) {
  const draft = await client.ok<{ revision: number; document: Workflow }>('draft.get', {
    workflowId,
  });
  let revision = draft.revision;
  const document = structuredClone(draft.document);
  for (let k = 0; ; k++) {
    const label = `round ${round} save ${k} of ${workflowId.slice(0, 8)}`;
    document.nodes[0]!.label = label;
    ledger.attempted.get(workflowId)!.set(revision + 1, label);
    let answer;
    try {
      answer = await client.trpc<{ revision: number }>('draft.save', {
        workflowId,
        baseRevision: revision,
        document,
      });
    } catch {
      return; // the server died
    }
    if (answer.status !== 200) throw new Error(`save refused: ${answer.code} ${answer.message}`);
    revision = answer.data!.revision;
    ledger.acked.set(workflowId, revision);
    ledger.acks++;
  }
}

async function commenter(client: HttpClient, workflowId: string, ledger: Ledger, round: number) {
  for (let k = 0; ; k++) {
    const body = `round ${round} comment ${k} ${randomBytes(3).toString('hex')}`;
    try {
      const answer = await client.trpc('comments.add', { workflowId, body });
      if (answer.status !== 200) throw new Error(`comment refused: ${answer.message}`);
    } catch {
      return;
    }
    ledger.ackedComments.add(body);
    ledger.acks++;
  }
}

const CSV_COLUMNS = ['id', 'first_name', 'last_name', 'job_title', 'email', 'company_size'];
const MAPPING = {
  columns: {
    id: { kind: 'id' },
    first_name: { kind: 'field', field: 'first_name' },
    last_name: { kind: 'field', field: 'last_name' },
    job_title: { kind: 'field', field: 'job_title' },
    email: { kind: 'field', field: 'email' },
    company_size: { kind: 'field', field: 'company_size' },
  },
};
const csvRows = (from: number, count: number) =>
  Array.from(
    { length: count },
    (_, i) => `L${from + i},Ann,Lee,VP Marketing,ann${from + i}@acme.com,${(from + i) % 5000}\n`,
  ).join('');

/**
 * Streams a CSV upload and leaves the request open after `rows` rows, so the import is
 * mid-way when the server is killed. Resolves when the rows are written.
 */
function openUpload(app: RunningApp, cookie: string, name: string, rows: number) {
  const query = new URLSearchParams({ name, format: 'csv', mapping: JSON.stringify(MAPPING) });
  const req = request(`${app.url}/api/lead-sets/import?${query}`, {
    method: 'POST',
    headers: { cookie, 'content-type': 'text/csv', 'transfer-encoding': 'chunked' },
  });
  req.on('error', () => undefined);
  req.write(`${CSV_COLUMNS.join(',')}\n`);
  for (let i = 0; i < rows; i += 1_000) req.write(csvRows(i, 1_000));
  return req;
}

describe.each(crashBackends())('crash safety on $kind', (backend) => {
  let app: RunningApp | undefined;
  let dataDir: string | undefined;
  const ledger: Ledger = {
    attempted: new Map(),
    acked: new Map(),
    ackedComments: new Set(),
    acks: 0,
  };
  const workflowIds: string[] = [];
  afterAll(async () => {
    await app?.stop();
    await backend.cleanup();
  });

  async function start() {
    app = await startApp(
      { ...backend.env, ACCORD_SEED: 'demo', LOG_LEVEL: 'error' },
      dataDir ? { dataDir } : {},
    );
    dataDir = app.dataDir;
    const client = (email: string) =>
      new HttpClient(app!.url, QUERIES).signIn(email, DEMO_PASSWORD);
    return {
      marketing: await client('marketing@acme.test'),
      sales: await client('sales@acme.test'),
      ops: await client('ops@acme.test'),
      auditor: await client('auditor@acme.test'),
    };
  }

  /** Checks the database as the killed server left it, before anything repairs it. */
  async function checkDatabase(round: number) {
    const database = await backend.open(dataDir!);
    try {
      const { db } = database;
      for (const workflowId of workflowIds) {
        const draft = await db
          .selectFrom('drafts')
          .select(['revision', 'document'])
          .where('workflow_id', '=', workflowId)
          .executeTakeFirstOrThrow();
        const acked = ledger.acked.get(workflowId) ?? 1;
        // Every acknowledged save is there; at most the one in flight committed without its answer.
        expect([acked, acked + 1], `round ${round}`).toContain(draft.revision);
        const parsed = parseWorkflow(draft.document);
        expect(parsed.ok).toBe(true);
        if (draft.revision > 1)
          expect((draft.document as Workflow).nodes[0]!.label).toBe(
            ledger.attempted.get(workflowId)!.get(draft.revision),
          );
        // One audit event per committed save, none for a save that did not commit.
        const events = await db
          .selectFrom('audit_events')
          .select('after')
          .where('workflow_id', '=', workflowId)
          .where('action', '=', 'draft.save')
          .execute();
        const revisions = events
          .map((e) => (e.after as { revision: number }).revision)
          .sort((a, b) => a - b);
        expect(revisions).toEqual(Array.from({ length: draft.revision - 1 }, (_, i) => i + 2));
      }
      const comments = await db.selectFrom('comments').select('body').execute();
      const stored = new Set(comments.map((c) => c.body));
      for (const body of ledger.ackedComments) expect(stored.has(body)).toBe(true);
      const commentEvents = await db
        .selectFrom('audit_events')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('action', '=', 'comment.add')
        .executeTakeFirstOrThrow();
      expect(Number(commentEvents.n)).toBe(comments.length);
      expect(await verifyAuditChain(db)).toMatchObject({ ok: true });
      const sets = await db
        .selectFrom('lead_sets')
        .select(['id', 'status', 'lead_count'])
        .execute();
      const leadCounts = new Map<string, number>();
      for (const set of sets) {
        const n = await db
          .selectFrom('leads')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .where('lead_set_id', '=', set.id)
          .executeTakeFirstOrThrow();
        leadCounts.set(set.id, Number(n.n));
      }
      return { sets, leadCounts };
    } finally {
      await database.close();
    }
  }

  it(`keeps every acknowledged save across ${ROUNDS} kill -9 rounds, with nothing half written and a verifying audit chain`, async () => {
    await backend.prepare();
    for (let round = 1; round <= ROUNDS; round++) {
      const as = await start();
      if (round === 1) {
        for (let i = 0; i < WRITERS; i++) {
          const wf = await as.marketing.ok<{ id: string }>('workflows.create', {
            name: `Crash ${i}`,
            from: 'default',
          });
          workflowIds.push(wf.id);
          ledger.attempted.set(wf.id, new Map());
        }
      } else {
        // The restarted app answers, repaired or not, and takes a save on top of what survived.
        expect(await as.auditor.ok('audit.verify')).toMatchObject({ ok: true });
      }
      const before = ledger.acks;
      const upload = openUpload(app!, as.ops.cookie, `Import round ${round}`, 8_000);
      const writers = [
        ...workflowIds.map((id) => saver(round % 2 ? as.marketing : as.sales, id, ledger, round)),
        commenter(as.sales, workflowIds[0]!, ledger, round),
      ];
      // Kill once the writers have had answers and the import is loading.
      const deadline = Date.now() + 60_000;
      for (;;) {
        const sets = await as.ops.ok<{ status: string; name: string }[]>('leadSets.list');
        const loading = sets.some(
          (s) => s.name === `Import round ${round}` && s.status === 'loading',
        );
        if (loading && ledger.acks - before >= 20) break;
        if (Date.now() > deadline) throw new Error('the writers or the import made no progress');
        await new Promise((r) => setTimeout(r, 50));
      }
      await new Promise((r) => setTimeout(r, Math.floor(Math.random() * 40)));
      await app!.kill('SIGKILL');
      upload.destroy();
      await Promise.all(writers);
      await checkDatabase(round);
      console.info(
        `crash ${backend.kind} round ${round}: killed after ${ledger.acks - before} acknowledged writes`,
      );
    }
  }, 400_000);

  it('leaves no lead set half loaded: after the restart each import is whole or empty', async () => {
    const as = await start();
    let sets: { id: string; status: string; name: string }[];
    try {
      sets = await as.ops.ok('leadSets.list');
    } finally {
      await app!.kill('SIGTERM');
    }
    const { sets: stored, leadCounts } = await checkDatabase(ROUNDS + 1);
    const imports = sets.filter((s) => s.name.startsWith('Import round'));
    expect(imports).toHaveLength(ROUNDS);
    const halfWritten = stored
      .filter((set) =>
        set.status === 'ready'
          ? leadCounts.get(set.id) !== set.lead_count
          : set.status !== 'failed' || leadCounts.get(set.id) !== 0,
      )
      .map((set) => `${set.status} with ${leadCounts.get(set.id)} leads`);
    expect(halfWritten).toEqual([]);
  }, 200_000);

  it('restarts on the data it left and accepts new work', async () => {
    const as = await start();
    const workflowId = workflowIds[0]!;
    const draft = await as.marketing.ok<{ revision: number }>('draft.get', { workflowId });
    const saved = await as.marketing.ok<{ revision: number }>('draft.save', {
      workflowId,
      baseRevision: draft.revision,
      document: defaultWorkflow(),
    });
    expect(saved.revision).toBe(draft.revision + 1);
    expect(await as.auditor.ok('audit.verify')).toMatchObject({ ok: true });
  }, 200_000);
});
