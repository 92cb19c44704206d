import { testBackends } from '@accord/db/testing';
import { defaultWorkflow, type Workflow } from '@accord/engine';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, openAccord, secondUser, type Accord, type Caller } from './support/accord';

type Outcome<T> = { ok: true; value: T } | { ok: false; code: string; message: string };

/** Runs a call and keeps its outcome; anything but a TRPCError is a failure of the test. */
async function attempt<T>(call: Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await call };
  } catch (error) {
    if (error instanceof TRPCError) return { ok: false, code: error.code, message: error.message };
    throw error;
  }
}

const EDITORS = 6;
const SAVES_PER_EDITOR = 6;

describe.each(testBackends())('concurrent governance on $kind', ({ open }) => {
  let accord: Accord;
  let workflowId: string;
  let slug: string;
  const marketing: { name: string; caller: Caller; id: string }[] = [];
  const sales: { name: string; caller: Caller; id: string }[] = [];
  const ops: Caller[] = [];
  /** Every acknowledged save: the revision it created and the label it wrote. */
  const acked: { revision: number; label: string }[] = [];
  const unexpected: string[] = [];
  const counts = {
    saves: 0,
    conflicts: 0,
    proposes: 0,
    approvals: 0,
    rejects: 0,
    publishes: 0,
    rollbacks: 0,
    comments: 0,
  };

  beforeAll(async () => {
    accord = await openAccord(open);
    for (let n = 2; n <= 4; n++) {
      for (const [role, list] of [
        ['marketing', marketing],
        ['sales', sales],
      ] as const) {
        const user = await secondUser(accord, role, n);
        list.push({ name: user.name, id: user.id, caller: accord.callerFor(user) });
      }
    }
    marketing.push({
      name: 'demo marketing',
      id: accord.users.marketing.id,
      caller: accord.as.marketing,
    });
    sales.push({ name: 'demo sales', id: accord.users.sales.id, caller: accord.as.sales });
    ops.push(accord.as.ops, accord.as.admin, accord.callerFor(await secondUser(accord, 'ops', 2)));
    const workflow = await accord.as.marketing.workflows.create({
      name: 'Contended',
      from: 'default',
    });
    workflowId = workflow.id;
    slug = workflow.slug;
  });
  afterAll(() => accord?.close());

  const note = (what: string, outcome: Outcome<unknown>, expected: string[]) => {
    if (!outcome.ok && !expected.includes(outcome.code))
      unexpected.push(`${what}: ${outcome.code} ${outcome.message}`);
  };

  /** One editor: load, change, save on the loaded revision; on CONFLICT load again and redo. */
  async function editor(caller: Caller, name: string, saves: number) {
    for (let k = 0; k < saves;) {
      const draft = await caller.draft.get({ workflowId });
      const document = structuredClone(draft.document) as Workflow;
      const label = `${name} edit ${k}`;
      document.nodes[0]!.label = label;
      const saved = await attempt(
        caller.draft.save({ workflowId, baseRevision: draft.revision, document }),
      );
      if (saved.ok) {
        acked.push({ revision: saved.value.revision, label });
        counts.saves++;
        k++;
      } else {
        note('draft.save', saved, ['CONFLICT']);
        if (saved.code !== 'CONFLICT') return;
        counts.conflicts++;
      }
    }
  }

  it('loses no update when six editors save at once: every acknowledged save is one revision, in order', async () => {
    const editors = [...marketing, ...sales].slice(0, EDITORS);
    await Promise.all(editors.map((e) => editor(e.caller, e.name, SAVES_PER_EDITOR)));
    expect(unexpected).toEqual([]);
    const revisions = acked.map((a) => a.revision).sort((a, b) => a - b);
    expect(revisions).toEqual(Array.from({ length: EDITORS * SAVES_PER_EDITOR }, (_, i) => i + 2));
    const draft = await accord.as.auditor.draft.get({ workflowId });
    expect(draft.revision).toBe(1 + EDITORS * SAVES_PER_EDITOR);
    const last = acked.find((a) => a.revision === draft.revision)!;
    expect((draft.document as Workflow).nodes[0]!.label).toBe(last.label);
    // The editors really raced: some saves were refused as stale and redone.
    expect(counts.conflicts).toBeGreaterThan(0);
  });

  it('proposes, signs off and publishes concurrently (while editing goes on) with one published version and everything audited', async () => {
    // Proposals race each other and the editors.
    const proposers = [...marketing.slice(0, 2), ...sales.slice(0, 2)];
    const proposals: { id: string; number: number; authorId: string; basedOn: number }[] = [];
    const editing = Promise.all([
      editor(marketing[2]!.caller, 'late marketing', 4),
      editor(sales[2]!.caller, 'late sales', 4),
    ]);
    await Promise.all(
      proposers.flatMap((p) =>
        [1, 2].map(async (n) => {
          const proposed = await attempt(
            p.caller.versions.propose({ workflowId, changeNote: `${p.name} proposal ${n}` }),
          );
          note('versions.propose', proposed, []);
          if (proposed.ok) {
            counts.proposes++;
            const version = await accord.as.auditor.versions.get({ versionId: proposed.value.id });
            proposals.push({
              id: proposed.value.id,
              number: proposed.value.number,
              authorId: p.id,
              basedOn: version.based_on_revision!,
            });
          }
        }),
      ),
    );
    await editing;
    expect(unexpected).toEqual([]);
    // Numbers are 1..n with no gap and no duplicate; each froze a draft revision exactly as saved.
    expect(proposals.map((p) => p.number).sort((a, b) => a - b)).toEqual(
      Array.from({ length: proposals.length }, (_, i) => i + 1),
    );
    for (const p of proposals) {
      const version = await accord.as.auditor.versions.get({ versionId: p.id });
      const label = (version.document as Workflow).nodes[0]!.label;
      const save = acked.find((a) => a.revision === p.basedOn);
      expect(label).toBe(save ? save.label : defaultWorkflow().nodes[0]!.label);
    }

    // Every marketing and sales user signs off on every version at once; one version is rejected.
    const rejected = proposals[0]!;
    await Promise.all(
      proposals.flatMap((p) =>
        [...marketing, ...sales]
          .filter((u) => u.id !== p.authorId)
          .map(async (u, i) => {
            const reject = p === rejected && i === 1;
            const outcome = await attempt(
              reject
                ? u.caller.versions.reject({ versionId: p.id, comment: 'not this one' })
                : u.caller.versions.approve({ versionId: p.id, comment: 'agreed' }),
            );
            // Once rejected, later sign-offs on that version are refused.
            note(
              reject ? 'reject' : 'approve',
              outcome,
              p === rejected ? ['PRECONDITION_FAILED'] : [],
            );
            if (outcome.ok) counts[reject ? 'rejects' : 'approvals']++;
          }),
      ),
    );
    expect(unexpected).toEqual([]);
    const statuses = new Map(
      (await accord.as.auditor.versions.list({ workflowId })).map((v) => [v.id, v.status]),
    );
    expect(statuses.get(rejected.id)).toBe('rejected');
    const approved = proposals.filter((p) => p !== rejected);
    for (const p of approved) expect(statuses.get(p.id)).toBe('approved');

    // Three operators publish every approved version at the same moment.
    await Promise.all(
      approved.flatMap((p) =>
        ops.map(async (caller) => {
          const outcome = await attempt(
            caller.versions.publish({ versionId: p.id, reason: 'race' }),
          );
          note('publish', outcome, ['PRECONDITION_FAILED', 'CONFLICT']);
          if (outcome.ok) counts.publishes++;
        }),
      ),
    );
    // …and roll back to whatever was superseded, racing each other and a rename and comments.
    const superseded = (await accord.as.auditor.versions.list({ workflowId })).filter(
      (v) => v.status === 'superseded',
    );
    await Promise.all([
      ...superseded.flatMap((v) =>
        ops.map(async (caller) => {
          const outcome = await attempt(
            caller.versions.rollback({ versionId: v.id, reason: 'race' }),
          );
          note('rollback', outcome, ['PRECONDITION_FAILED', 'CONFLICT']);
          if (outcome.ok) counts.rollbacks++;
        }),
      ),
      ...marketing.map(async (m, i) => {
        const outcome = await attempt(m.caller.comments.add({ workflowId, body: `comment ${i}` }));
        note('comment', outcome, []);
        if (outcome.ok) counts.comments++;
      }),
    ]);
    expect(unexpected).toEqual([]);

    const versions = await accord.as.auditor.versions.list({ workflowId });
    const live = versions.filter((v) => v.status === 'published');
    expect(live).toHaveLength(1);
    expect(counts.publishes).toBeGreaterThanOrEqual(1);
    const publications = await accord.database.db
      .selectFrom('publications')
      .select(['kind'])
      .where('workflow_id', '=', workflowId)
      .execute();
    expect(publications.filter((p) => p.kind === 'publish')).toHaveLength(counts.publishes);
    expect(publications.filter((p) => p.kind === 'rollback')).toHaveLength(counts.rollbacks);

    // The REST API serves the version that is live now, not one a racing publish left in a cache.
    const { key } = await createApiKey(accord, 'concurrency');
    const res = await accord.app.inject({
      method: 'POST',
      url: `/v1/workflows/${slug}/evaluate`,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ lead: { id: 'L', attributes: {}, events: [] } }),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().results[0].version).toBe(live[0]!.number);
  });

  it('has exactly one audit event per acknowledged change, and a chain that verifies', async () => {
    const events = await accord.database.db
      .selectFrom('audit_events')
      .select(['action', 'before', 'after'])
      .where('workflow_id', '=', workflowId)
      .execute();
    const byAction = (action: string) => events.filter((e) => e.action === action);
    expect({
      saves: byAction('draft.save').length,
      proposes: byAction('version.propose').length,
      approvals: byAction('version.approve').length,
      rejects: byAction('version.reject').length,
      publishes: byAction('version.publish').length,
      rollbacks: byAction('version.rollback').length,
      comments: byAction('comment.add').length,
    }).toEqual({
      saves: counts.saves,
      proposes: counts.proposes,
      approvals: counts.approvals,
      rejects: counts.rejects,
      publishes: counts.publishes,
      rollbacks: counts.rollbacks,
      comments: counts.comments,
    });
    // Each save event links the revision it was based on to the one it made.
    for (const e of byAction('draft.save')) {
      const before = e.before as { revision: number };
      const after = e.after as { revision: number };
      expect(after.revision).toBe(before.revision + 1);
    }
    expect(
      new Set(byAction('draft.save').map((e) => (e.after as { revision: number }).revision)).size,
    ).toBe(counts.saves);
    expect(await accord.as.auditor.audit.verify()).toMatchObject({ ok: true });
    console.info(`concurrency on ${accord.database.kind}:`, JSON.stringify(counts));
  });
});
