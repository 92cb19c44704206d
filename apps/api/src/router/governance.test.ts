import type { AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { parseWorkflow, type Workflow } from '@accord/engine';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, demoCallers, tamperWithAuditEvent } from '../testing';

type Callers = Awaited<ReturnType<typeof demoCallers>>;

function withThreshold(document: unknown, label: string): Workflow {
  const parsed = parseWorkflow(document);
  if (!parsed.ok) throw new Error('draft does not parse');
  const w = structuredClone(parsed.workflow);
  w.nodes[0]!.label = label;
  return w;
}

describe.each(testBackends())('governance on $kind', ({ open }) => {
  let database: AccordDatabase;
  let as: Callers;
  beforeAll(async () => {
    database = await open();
    as = await demoCallers(database, { ACCORD_REQUIRE_SIMULATION_BEFORE_PUBLISH: 'false' });
  });
  afterAll(() => database?.close());

  it('runs the whole story: draft, conflict, propose, dual sign-off, publish, supersede, rollback, all audited', async () => {
    const wf = await as.marketing.workflows.create({ name: 'Story', from: 'default' });
    const d1 = await as.marketing.draft.get({ workflowId: wf.id });
    expect(d1.revision).toBe(1);
    const m = await as.marketing.draft.save({
      workflowId: wf.id,
      baseRevision: 1,
      document: withThreshold(d1.document, 'Marketing edit'),
    });
    expect(m.revision).toBe(2);
    const s = await as.sales.draft.save({
      workflowId: wf.id,
      baseRevision: 2,
      document: withThreshold(d1.document, 'Sales edit'),
    });
    expect(s.revision).toBe(3);
    // A stale save from marketing (still on revision 2) gets CONFLICT and loses nothing.
    const stale = await as.marketing.draft
      .save({ workflowId: wf.id, baseRevision: 2, document: withThreshold(d1.document, 'Stale') })
      .catch((e: unknown) => e);
    expect(stale).toBeInstanceOf(TRPCError);
    expect((stale as TRPCError).code).toBe('CONFLICT');
    expect((stale as TRPCError).message).toMatch(/Sam Sales saved revision 3/);
    const d3 = await as.marketing.draft.get({ workflowId: wf.id });
    expect(d3.revision).toBe(3);
    expect((d3.document as Workflow).nodes[0]!.label).toBe('Sales edit');

    const v2 = await as.marketing.versions.propose({
      workflowId: wf.id,
      changeNote: 'Sales wording',
    });
    expect(v2).toMatchObject({ number: 1, status: 'proposed' });
    expect(
      await codeOf(as.marketing.versions.propose({ workflowId: wf.id, changeNote: '  ' })),
    ).toBe('BAD_REQUEST');

    // The author's own approval does not count.
    expect(
      (await as.marketing.versions.approve({ versionId: v2.id, comment: 'mine' })).status,
    ).toBe('proposed');
    expect(
      (await as.sales.versions.approve({ versionId: v2.id, comment: 'ok for sales' })).status,
    ).toBe('proposed');
    expect(await codeOf(as.ops.versions.publish({ versionId: v2.id, reason: 'test' }))).toBe(
      'PRECONDITION_FAILED',
    );
    const admin2 = await as.admin.users.create({
      email: 'mark2@acme.test',
      name: 'Mark Two',
      role: 'marketing',
      password: 'long-enough-pw',
    });
    const marketing2 = as.caller({ ...admin2, workspace_id: as.users.marketing.workspace_id });
    expect(
      (await marketing2.versions.approve({ versionId: v2.id, comment: 'ok for marketing' })).status,
    ).toBe('approved');
    const published = await as.ops.versions.publish({ versionId: v2.id, reason: 'test' });
    expect(published).toMatchObject({ number: 1, status: 'published', superseded: null });

    // A second version supersedes the first; rollback brings the first back.
    await as.sales.draft.save({
      workflowId: wf.id,
      baseRevision: 3,
      document: withThreshold(d1.document, 'Second'),
    });
    const v3 = await as.sales.versions.propose({ workflowId: wf.id, changeNote: 'Second' });
    await as.marketing.versions.approve({ versionId: v3.id, comment: '' });
    await marketing2.versions.approve({ versionId: v3.id, comment: '' });
    expect((await as.admin.versions.list({ workflowId: wf.id }))[0]!.status).toBe('proposed');
    // Sales authored v3: a sales approval from someone else is needed. Reject first, then re-propose.
    const rejected = await as.marketing.versions.reject({ versionId: v3.id, comment: 'not yet' });
    expect(rejected.status).toBe('rejected');
    const v4 = await as.marketing.versions.propose({
      workflowId: wf.id,
      changeNote: 'Second, again',
    });
    await as.sales.versions.approve({ versionId: v4.id, comment: '' });
    await marketing2.versions.approve({ versionId: v4.id, comment: '' });
    expect(await as.ops.versions.publish({ versionId: v4.id, reason: 'test' })).toMatchObject({
      number: 3,
      superseded: 1,
    });
    const listed = await as.auditor.versions.list({ workflowId: wf.id });
    expect(listed.map((v) => [v.number, v.status])).toEqual([
      [3, 'published'],
      [2, 'rejected'],
      [1, 'superseded'],
    ]);
    expect(await as.ops.versions.rollback({ versionId: v2.id, reason: 'test' })).toMatchObject({
      number: 1,
      superseded: 3,
    });
    const live = await as.auditor.versions.liveAt({ workflowId: wf.id, at: new Date() });
    expect(live).toMatchObject({ number: 1, kind: 'rollback' });

    const events = await as.auditor.audit.list({ workflowId: wf.id, limit: 100 });
    const trail = events.map((e) => `${e.action} by ${e.actor_label.split(' <')[0]}`).reverse();
    expect(trail).toEqual([
      'workflow.create by Maya Marketing',
      'draft.save by Maya Marketing',
      'draft.save by Sam Sales',
      'version.propose by Maya Marketing',
      'version.approve by Maya Marketing',
      'version.approve by Sam Sales',
      'version.approve by Mark Two',
      'version.publish by Olu Ops',
      'draft.save by Sam Sales',
      'version.propose by Sam Sales',
      'version.approve by Maya Marketing',
      'version.approve by Mark Two',
      'version.reject by Maya Marketing',
      'version.propose by Maya Marketing',
      'version.approve by Sam Sales',
      'version.approve by Mark Two',
      'version.publish by Olu Ops',
      'version.rollback by Olu Ops',
    ]);
    expect(await as.auditor.audit.verify()).toMatchObject({ ok: true });
  });

  it('refuses to propose a draft with errors, naming them', async () => {
    const wf = await as.sales.workflows.create({ name: 'Broken', from: 'blank' });
    const draft = await as.sales.draft.get({ workflowId: wf.id });
    const broken = structuredClone(draft.document) as Workflow;
    broken.edges = [];
    await as.sales.draft.save({
      workflowId: wf.id,
      baseRevision: draft.revision,
      document: broken,
    });
    const error = await as.sales.versions
      .propose({ workflowId: wf.id, changeNote: 'try' })
      .catch((e: unknown) => e as TRPCError);
    expect((error as TRPCError).code).toBe('PRECONDITION_FAILED');
    expect((error as TRPCError).message).toMatch(/Fix \d+ problem/);
  });

  it('lets exactly one of 50 concurrent saves on the same base win', async () => {
    const wf = await as.marketing.workflows.create({ name: 'Race', from: 'default' });
    const draft = await as.marketing.draft.get({ workflowId: wf.id });
    const results = await Promise.allSettled(
      Array.from({ length: 50 }, (_, i) =>
        (i % 2 ? as.sales : as.marketing).draft.save({
          workflowId: wf.id,
          baseRevision: 1,
          document: withThreshold(draft.document, `edit ${i}`),
        }),
      ),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost.every((r) => (r as PromiseRejectedResult).reason.code === 'CONFLICT')).toBe(true);
    expect((await as.marketing.draft.get({ workflowId: wf.id })).revision).toBe(2);
  });

  it('ends 20 concurrent publishes of different approved versions with exactly one published', async () => {
    const wf = await as.marketing.workflows.create({ name: 'Publish race', from: 'default' });
    const ids: string[] = [];
    let revision = 1;
    const base = (await as.marketing.draft.get({ workflowId: wf.id })).document;
    for (let i = 0; i < 20; i++) {
      revision = (
        await as.marketing.draft.save({
          workflowId: wf.id,
          baseRevision: revision,
          document: withThreshold(base, `v${i}`),
        })
      ).revision;
      const v = await as.marketing.versions.propose({ workflowId: wf.id, changeNote: `v${i}` });
      await as.sales.versions.approve({ versionId: v.id, comment: '' });
      await database.db
        .updateTable('versions')
        .set({ status: 'approved' })
        .where('id', '=', v.id)
        .execute();
      ids.push(v.id);
    }
    const results = await Promise.allSettled(
      ids.map((versionId) => as.ops.versions.publish({ versionId, reason: 'race' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled').length).toBeGreaterThanOrEqual(1);
    const published = await database.db
      .selectFrom('versions')
      .select('id')
      .where('workflow_id', '=', wf.id)
      .where('status', '=', 'published')
      .execute();
    expect(published).toHaveLength(1);
    expect(await as.auditor.audit.verify()).toMatchObject({ ok: true });
  });

  it('answers bad input with BAD_REQUEST, NOT_FOUND or PAYLOAD_TOO_LARGE and changes nothing', async () => {
    const wf = await as.marketing.workflows.create({ name: 'Inputs', from: 'default' });
    const draft = await as.marketing.draft.get({ workflowId: wf.id });
    const events = async () =>
      (await as.auditor.audit.list({ workflowId: wf.id, limit: 500 })).length;
    const before = await events();
    const malformed = await as.marketing.draft
      .save({
        workflowId: wf.id,
        baseRevision: 1,
        document: { ...(draft.document as object), nodes: [{ id: 'x', kind: 'rocket' }] },
      })
      .catch((e: TRPCError) => e);
    expect((malformed as TRPCError).code).toBe('BAD_REQUEST');
    expect((malformed as TRPCError).message).toMatch(/^nodes\[0\]/);
    expect(
      await codeOf(
        as.marketing.draft.save({
          workflowId: '00000000-0000-4000-8000-000000000000',
          baseRevision: 1,
          document: draft.document,
        }),
      ),
    ).toBe('NOT_FOUND');
    expect(
      await codeOf(
        as.marketing.draft.save({
          workflowId: 'not-a-uuid',
          baseRevision: 1,
          document: draft.document,
        }),
      ),
    ).toBe('BAD_REQUEST');
    const huge = structuredClone(draft.document) as Workflow;
    huge.nodes[0]!.description = 'x'.repeat(2 * 1024 * 1024 + 1);
    expect(
      await codeOf(as.marketing.draft.save({ workflowId: wf.id, baseRevision: 1, document: huge })),
    ).toBe('PAYLOAD_TOO_LARGE');
    expect(
      await codeOf(
        as.ops.versions.publish({
          versionId: '00000000-0000-4000-8000-000000000000',
          reason: 'test',
        }),
      ),
    ).toBe('NOT_FOUND');
    const after = await as.marketing.draft.get({ workflowId: wf.id });
    expect(after.revision).toBe(1);
    expect(after.document).toEqual(draft.document);
    expect(await events()).toBe(before);
  });

  it('requires a simulation against the live version before publishing when the policy is on', async () => {
    const strict = await demoCallers(database, {
      ACCORD_REQUIRE_SIMULATION_BEFORE_PUBLISH: 'true',
    });
    const wf = await strict.marketing.workflows.create({ name: 'Policy', from: 'default' });
    const propose = async (note: string) => {
      const v = await strict.marketing.versions.propose({ workflowId: wf.id, changeNote: note });
      await strict.sales.versions.approve({ versionId: v.id, comment: '' });
      await database.db
        .updateTable('versions')
        .set({ status: 'approved' })
        .where('id', '=', v.id)
        .execute();
      return v;
    };
    const first = await propose('first');
    expect(
      (await strict.ops.versions.publish({ versionId: first.id, reason: 'test' })).number,
    ).toBe(1);
    const second = await propose('second');
    const refused = await strict.ops.versions
      .publish({ versionId: second.id, reason: 'test' })
      .catch((e: TRPCError) => e);
    expect((refused as TRPCError).code).toBe('PRECONDITION_FAILED');
    expect((refused as TRPCError).message).toMatch(
      /Run a simulation of version 2 against the live version 1/,
    );
    const leadSet = await database.db
      .insertInto('lead_sets')
      .values({
        workspace_id: strict.users.ops.workspace_id,
        name: 's',
        source: JSON.stringify({ kind: 'test' }),
        created_by: null,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    await database.db
      .insertInto('simulation_runs')
      .values({
        workflow_id: wf.id,
        baseline_version_id: first.id,
        candidate_version_id: second.id,
        candidate_draft_revision: null,
        candidate_hash: null,
        lead_set_id: leadSet.id,
        as_of: new Date(),
        status: 'done',
        result: null,
        error: null,
        created_by: strict.users.ops.id,
        finished_at: new Date(),
      })
      .execute();
    expect(
      (await strict.ops.versions.publish({ versionId: second.id, reason: 'test' })).number,
    ).toBe(2);
  });

  it('keeps an archived workflow read only until it is unarchived', async () => {
    const wf = await as.marketing.workflows.create({ name: 'Shelved', from: 'default' });
    const v1 = await as.admin.versions.propose({ workflowId: wf.id, changeNote: 'First' });
    await as.marketing.versions.approve({ versionId: v1.id });
    await as.sales.versions.approve({ versionId: v1.id });
    await as.marketing.workflows.archive({ workflowId: wf.id });
    const draft = await as.marketing.draft.get({ workflowId: wf.id });
    const save = () =>
      as.marketing.draft.save({
        workflowId: wf.id,
        baseRevision: draft.revision,
        document: withThreshold(draft.document, 'After archiving'),
      });
    await expect(save()).rejects.toThrow('Shelved is archived; unarchive it to change it.');
    expect(await codeOf(save())).toBe('PRECONDITION_FAILED');
    expect(
      await codeOf(as.marketing.versions.propose({ workflowId: wf.id, changeNote: 'Again' })),
    ).toBe('PRECONDITION_FAILED');
    expect(await codeOf(as.ops.versions.publish({ versionId: v1.id, reason: 'test' }))).toBe(
      'PRECONDITION_FAILED',
    );
    // Nothing changed: the draft is where it was and nothing went live.
    expect((await as.marketing.draft.get({ workflowId: wf.id })).revision).toBe(draft.revision);
    expect((await as.ops.versions.list({ workflowId: wf.id })).map((v) => v.status)).toEqual([
      'approved',
    ]);
    await as.marketing.workflows.unarchive({ workflowId: wf.id });
    expect((await save()).revision).toBe(draft.revision + 1);
    expect((await as.ops.versions.publish({ versionId: v1.id, reason: 'test' })).number).toBe(1);
  });

  it('reports exactly the tampered audit event', async () => {
    const before = await as.auditor.audit.verify();
    expect(before.ok).toBe(true);
    const victim = await database.db
      .selectFrom('audit_events')
      .select('id')
      .orderBy('id')
      .offset(3)
      .limit(1)
      .executeTakeFirstOrThrow();
    await tamperWithAuditEvent(database.db, victim.id, 'actor_label', 'someone else');
    const after = await as.auditor.audit.verify();
    expect(after).toMatchObject({ ok: false, brokenEventId: victim.id });
  });
});
