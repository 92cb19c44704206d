import type { AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { demoCallers } from '../testing';
import { defaultWorkflow } from '@accord/engine';
import { EvaluatorCache } from './evaluator-cache';

describe.each(testBackends())('evaluator cache on $kind', ({ open }) => {
  let database: AccordDatabase;
  let as: Awaited<ReturnType<typeof demoCallers>>;
  beforeAll(async () => {
    database = await open();
    as = await demoCallers(database, { ACCORD_REQUIRE_SIMULATION_BEFORE_PUBLISH: 'false' });
  });
  afterAll(() => database?.close());
  afterEach(() => vi.useRealTimers());

  it("sees another instance's publish and archive within 2 seconds", async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const workflow = (await as.admin.workflows.list({})).find((w) => w.publishedVersion)!;
    const workspaceId = as.users.admin.workspace_id;
    // Another API instance: its own cache over the same database.
    const elsewhere = new EvaluatorCache(database.db);
    expect((await elsewhere.workflow(workspaceId, workflow.slug))?.published?.number).toBe(1);

    const v2 = await as.admin.versions.propose({ workflowId: workflow.id, changeNote: 'v2' });
    await as.marketing.versions.approve({ versionId: v2.id });
    await as.sales.versions.approve({ versionId: v2.id });
    await as.ops.versions.publish({ versionId: v2.id, reason: 'test' });
    vi.setSystemTime(Date.now() + 1_000);
    expect((await elsewhere.workflow(workspaceId, workflow.slug))?.published?.number).toBe(1);
    vi.setSystemTime(Date.now() + 1_500);
    expect((await elsewhere.workflow(workspaceId, workflow.slug))?.published?.number).toBe(2);

    await as.admin.workflows.archive({ workflowId: workflow.id });
    vi.setSystemTime(Date.now() + 2_500);
    expect(await elsewhere.workflow(workspaceId, workflow.slug)).toBeNull();
  });

  it('#18: keeps compiled versions within its bounds, evicting the least recently used, and still answers evicted ones', async () => {
    const workflow = await as.admin.workflows.create({ name: 'Bounded', from: 'default' });
    const workspaceId = as.users.admin.workspace_id;
    const versions = [];
    for (let i = 0; i < 4; i++)
      versions.push(
        await as.admin.versions.propose({ workflowId: workflow.id, changeNote: `bound ${i}` }),
      );
    const nodes = defaultWorkflow().nodes.length;
    // Room for two versions of this size.
    const cache = new EvaluatorCache(database.db, {
      compiledNodes: nodes * 2,
      compiledVersions: 100,
      workflows: 100,
    });
    const entry = (await cache.workflow(workspaceId, workflow.slug))!;
    const first = await cache.version(entry, versions[0]!.number);
    await cache.version(entry, versions[1]!.number);
    expect(cache.compiledVersions).toBe(2);
    await cache.version(entry, versions[2]!.number);
    await cache.version(entry, versions[3]!.number);
    expect(cache.compiledVersions).toBe(2);
    // The oldest was evicted: asked for again it is compiled afresh, and answers the same.
    const again = await cache.version(entry, versions[0]!.number);
    expect(again).not.toBe(first);
    expect(again).toMatchObject({ versionId: versions[0]!.id, number: versions[0]!.number });
  });
});
