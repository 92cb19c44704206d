import { sql, type AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { parseWorkflow, type Workflow } from '@accord/engine';
import type { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyPassword } from '../auth/password';
import { DEMO_PASSWORD, DEMO_SECOND_SIGNERS, DEMO_WORKFLOW_NAME } from '../seed';
import { runManagerFor } from '../simulation/run-manager';
import { codeOf, demoCallers } from '../testing';

type Callers = Awaited<ReturnType<typeof demoCallers>>;

function relabelled(document: unknown, label: string): Workflow {
  const parsed = parseWorkflow(document);
  if (!parsed.ok) throw new Error('draft does not parse');
  const w = structuredClone(parsed.workflow);
  w.nodes[0]!.label = label;
  return w;
}

const errorOf = (call: Promise<unknown>) =>
  call.then(
    () => null,
    (e: unknown) => e as TRPCError,
  );

describe.each(testBackends())('publish, rollback and their history on $kind', ({ open }) => {
  let database: AccordDatabase;
  let as: Callers;
  /** The second demo marketing and sales users (issue #15), as callers. */
  let marketing2: Callers['marketing'];
  let sales2: Callers['sales'];

  beforeAll(async () => {
    database = await open();
    as = await demoCallers(database, { ACCORD_REQUIRE_SIMULATION_BEFORE_PUBLISH: 'false' });
    const second = async (email: string) => {
      const user = await database.db
        .selectFrom('users')
        .select(['id', 'email', 'name', 'role', 'workspace_id'])
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      return as.caller(user);
    };
    marketing2 = await second('marketing2@acme.test');
    sales2 = await second('sales2@acme.test');
  });
  afterAll(async () => {
    if (database) await runManagerFor(database.db).shutdown();
    await database?.close();
  });

  /** A new workflow with version 1 live and version 2 approved, both written by marketing. */
  async function liveAndApproved(name: string, callers: Callers = as) {
    const wf = await callers.marketing.workflows.create({ name, from: 'default' });
    const v1 = await callers.marketing.versions.propose({ workflowId: wf.id, changeNote: 'one' });
    await marketing2.versions.approve({ versionId: v1.id });
    await callers.sales.versions.approve({ versionId: v1.id });
    await callers.ops.versions.publish({ versionId: v1.id, reason: 'first' });
    const draft = await callers.marketing.draft.get({ workflowId: wf.id });
    await callers.marketing.draft.save({
      workflowId: wf.id,
      baseRevision: draft.revision,
      document: relabelled(draft.document, 'Second'),
    });
    const v2 = await callers.marketing.versions.propose({ workflowId: wf.id, changeNote: 'two' });
    await marketing2.versions.approve({ versionId: v2.id });
    await callers.sales.versions.approve({ versionId: v2.id });
    return { wf, v1, v2 };
  }

  it('#15: the demo seed has a second marketing and sales user, so a marketing-written version can be signed off', async () => {
    expect(DEMO_SECOND_SIGNERS.map((u) => [u.email, u.role])).toEqual([
      ['marketing2@acme.test', 'marketing'],
      ['sales2@acme.test', 'sales'],
    ]);
    for (const { email } of DEMO_SECOND_SIGNERS) {
      const stored = await database.db
        .selectFrom('users')
        .select('password_hash')
        .where('email', '=', email)
        .executeTakeFirstOrThrow();
      expect(await verifyPassword(DEMO_PASSWORD, stored.password_hash)).toBe(true);
    }
    const wf = await as.marketing.workflows.create({ name: 'Two marketers', from: 'default' });
    const v = await as.marketing.versions.propose({ workflowId: wf.id, changeNote: 'mine' });
    expect((await sales2.versions.approve({ versionId: v.id })).status).toBe('proposed');
    expect((await marketing2.versions.approve({ versionId: v.id })).status).toBe('approved');
  });

  it('#15: the seeded live version went live through real approvals by marketing and sales users other than its author', async () => {
    const workflow = (await as.auditor.workflows.list({})).find(
      (w) => w.name === DEMO_WORKFLOW_NAME,
    )!;
    const [v1] = await as.auditor.versions.list({ workflowId: workflow.id });
    expect(v1).toMatchObject({ number: 1, status: 'published', authorName: 'Maya Marketing' });
    // Both approvals are in the seed's one transaction (same time): compare them as a set.
    expect(v1!.approvals.map((a) => [a.userName, a.role, a.decision, a.counts]).sort()).toEqual([
      ['Mia Marketing', 'marketing', 'approve', true],
      ['Sam Sales', 'sales', 'approve', true],
    ]);
    expect(v1!.publications).toMatchObject([
      { kind: 'publish', publishedByName: 'Olu Ops', reason: expect.stringMatching(/\S/) },
    ]);
    const events = await as.auditor.audit.list({ workflowId: workflow.id, limit: 50 });
    expect(events.map((e) => `${e.action} by ${e.actor_label.split(' <')[0]}`).reverse()).toEqual([
      'workflow.create by Maya Marketing',
      'version.propose by Maya Marketing',
      'version.approve by Mia Marketing',
      'version.approve by Sam Sales',
      'version.publish by Olu Ops',
    ]);
  });

  it("#15: an author's own approval is recorded but marked as not counting; the rule needs marketing and sales other than the author", async () => {
    const wf = await as.marketing.workflows.create({ name: 'Own approval', from: 'default' });
    const v = await as.marketing.versions.propose({ workflowId: wf.id, changeNote: 'mine' });
    const own = await as.marketing.versions.approve({ versionId: v.id, comment: 'mine' });
    expect(own).toMatchObject({ status: 'proposed', counts: false });
    expect(await as.sales.versions.approve({ versionId: v.id })).toMatchObject({
      status: 'proposed',
      counts: true,
    });
    const [listed] = await as.auditor.versions.list({ workflowId: wf.id });
    expect(listed!.approvals.map((a) => [a.userName, a.counts])).toEqual([
      ['Maya Marketing', false],
      ['Sam Sales', true],
    ]);
    // A second sales approval does not stand in for marketing.
    await sales2.versions.approve({ versionId: v.id });
    expect((await as.auditor.versions.get({ versionId: v.id })).status).toBe('proposed');
    expect((await marketing2.versions.approve({ versionId: v.id })).status).toBe('approved');
  });

  it('#15: publish and rollback need a reason, kept on the publication and in the audit event', async () => {
    const { wf, v1, v2 } = await liveAndApproved('Reasons');
    for (const reason of [undefined, '', '   ', 'x'.repeat(501)]) {
      const error = await errorOf(
        as.ops.versions.publish({ versionId: v2.id, reason } as {
          versionId: string;
          reason: string;
        }),
      );
      expect(error?.code).toBe('BAD_REQUEST');
      expect(error?.message).toContain('reason');
    }
    expect((await as.auditor.versions.get({ versionId: v2.id })).status).toBe('approved');

    await as.ops.versions.publish({ versionId: v2.id, reason: '  Pricing visits predict SQLs.  ' });
    const rollbackError = await errorOf(
      as.admin.versions.rollback({ versionId: v1.id, reason: '' }),
    );
    expect(rollbackError?.code).toBe('BAD_REQUEST');
    await as.admin.versions.rollback({ versionId: v1.id, reason: 'Too many MQLs for sales.' });

    const publications = await database.db
      .selectFrom('publications')
      .select(['version_id', 'kind', 'reason'])
      .where('workflow_id', '=', wf.id)
      .orderBy('published_at')
      .execute();
    expect(publications).toEqual([
      { version_id: v1.id, kind: 'publish', reason: 'first' },
      { version_id: v2.id, kind: 'publish', reason: 'Pricing visits predict SQLs.' },
      { version_id: v1.id, kind: 'rollback', reason: 'Too many MQLs for sales.' },
    ]);
    const events = await as.auditor.audit.list({ workflowId: wf.id, limit: 100 });
    const goLive = events
      .filter((e) => e.action === 'version.publish' || e.action === 'version.rollback')
      .map((e) => [e.action, (e.after as { reason: string }).reason])
      .reverse();
    expect(goLive).toEqual([
      ['version.publish', 'first'],
      ['version.publish', 'Pricing visits predict SQLs.'],
      ['version.rollback', 'Too many MQLs for sales.'],
    ]);
  });

  it('#15: a version keeps every publication (who, when, why, rollback or not); what was live names who made it live then', async () => {
    const { wf, v1, v2 } = await liveAndApproved('History');
    const v1First = (await as.auditor.versions.list({ workflowId: wf.id })).find(
      (v) => v.id === v1.id,
    )!.publications[0]!;
    await as.ops.versions.publish({ versionId: v2.id, reason: 'second goes live' });
    await as.admin.versions.rollback({ versionId: v1.id, reason: 'back to one' });

    const listed = await as.auditor.versions.list({ workflowId: wf.id });
    const card = (id: string) => listed.find((v) => v.id === id)!;
    expect(card(v1.id).publications.map((p) => [p.kind, p.publishedByName, p.reason])).toEqual([
      ['publish', 'Olu Ops', 'first'],
      ['rollback', 'Ada Admin', 'back to one'],
    ]);
    expect(card(v2.id).publications.map((p) => [p.kind, p.publishedByName])).toEqual([
      ['publish', 'Olu Ops'],
    ]);
    const before = await as.auditor.versions.liveAt({
      workflowId: wf.id,
      at: v1First.published_at,
    });
    expect(before).toMatchObject({
      number: 1,
      kind: 'publish',
      publishedBy: 'Olu Ops',
      reason: 'first',
    });
    const now = await as.auditor.versions.liveAt({ workflowId: wf.id, at: new Date() });
    expect(now).toMatchObject({
      number: 1,
      kind: 'rollback',
      publishedBy: 'Ada Admin',
      reason: 'back to one',
    });
  });

  it('#18: publish and rollback compile the version first and refuse one that no longer compiles, leaving the live version as it was', async () => {
    const { wf, v2 } = await liveAndApproved('Stops compiling');
    // What an engine or catalog change can do to a stored version: its document stops compiling.
    const breakVersion = async (id: string) => {
      const stored = await as.auditor.versions.get({ versionId: id });
      const broken = structuredClone(stored.document) as Workflow;
      broken.edges = [];
      await sql`update versions set document = ${JSON.stringify(broken)}::jsonb where id = ${id}`.execute(
        database.db,
      );
    };
    const state = async () => ({
      versions: (await as.auditor.versions.list({ workflowId: wf.id })).map((v) => [
        v.number,
        v.status,
      ]),
      publications: (
        await database.db
          .selectFrom('publications')
          .select('id')
          .where('workflow_id', '=', wf.id)
          .execute()
      ).length,
      events: (await as.auditor.audit.list({ workflowId: wf.id, limit: 200 })).length,
    });

    await breakVersion(v2.id);
    const before = await state();
    const refused = await errorOf(as.ops.versions.publish({ versionId: v2.id, reason: 'go' }));
    expect(refused?.code).toBe('PRECONDITION_FAILED');
    expect(refused?.message).toMatch(
      /^Version 2 no longer compiles \(\d+ problems?: .+\); it cannot go live\.$/,
    );
    expect(await state()).toEqual(before);
    expect((await as.ops.workflows.get({ workflowId: wf.id })).publishedVersion).toBe(1);

    // A rollback target that stopped compiling is refused the same way.
    const wf3 = await liveAndApproved('Rollback stops compiling');
    await as.ops.versions.publish({ versionId: wf3.v2.id, reason: 'second' });
    await breakVersion(wf3.v1.id);
    const rollback = await errorOf(
      as.ops.versions.rollback({ versionId: wf3.v1.id, reason: 'back' }),
    );
    expect(rollback?.code).toBe('PRECONDITION_FAILED');
    expect(rollback?.message).toMatch(/^Version 1 no longer compiles/);
    expect((await as.ops.workflows.get({ workflowId: wf3.wf.id })).publishedVersion).toBe(2);
  });

  it('#15: a run of the draft whose content is exactly the version counts for the publish gate; a run of other content does not', async () => {
    const strict = await demoCallers(database, {
      ACCORD_REQUIRE_SIMULATION_BEFORE_PUBLISH: 'true',
    });
    const { wf, v2 } = await liveAndApproved('Gate by content', strict);
    const set = await strict.ops.leadSets.generate({ name: 'Gate', count: 100, seed: 4 });
    const run = async (candidate: 'draft' | { versionId: string }) => {
      const { runId } = await strict.ops.simulations.start({
        workflowId: wf.id,
        baseline: 'published',
        candidate,
        leadSetId: set.id,
      });
      await runManagerFor(database.db).settled(runId);
      expect((await strict.ops.simulations.get({ runId })).status).toBe('done');
    };
    const gate = async () =>
      (await strict.ops.versions.list({ workflowId: wf.id })).find((v) => v.id === v2.id)!
        .publishGate;
    expect(await gate()).toEqual({
      liveVersionId: expect.any(String),
      liveVersionNumber: 1,
      required: true,
      simulated: false,
    });

    // The draft moves on past version 2: a run of it says nothing about version 2.
    const draft = await strict.marketing.draft.get({ workflowId: wf.id });
    await strict.marketing.draft.save({
      workflowId: wf.id,
      baseRevision: draft.revision,
      document: relabelled(draft.document, 'Third'),
    });
    await run('draft');
    const refused = await errorOf(strict.ops.versions.publish({ versionId: v2.id, reason: 'go' }));
    expect(refused?.code).toBe('PRECONDITION_FAILED');
    expect(refused?.message).toMatch(/Run a simulation of version 2 against the live version 1/);
    expect((await gate())?.simulated).toBe(false);

    // Back to exactly version 2's content (a new revision): a run of the draft now counts.
    const moved = await strict.marketing.draft.get({ workflowId: wf.id });
    await strict.marketing.draft.save({
      workflowId: wf.id,
      baseRevision: moved.revision,
      document: relabelled(moved.document, 'Second'),
    });
    await run('draft');
    expect((await gate())?.simulated).toBe(true);
    expect(await codeOf(strict.ops.versions.publish({ versionId: v2.id, reason: 'go' }))).toBe(
      'OK',
    );
  });
});
