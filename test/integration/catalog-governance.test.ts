/**
 * #17 governance: a version pins the field catalog it was compiled with. Changing the workspace's
 * fields (a field it reads relabelled and given new options, a field added, a field it does not
 * read retyped) leaves what the published version answers unchanged, through REST evaluate (and
 * its lead schema), a simulation run and the CLI; retyping a field a proposed version reads is
 * refused, naming the version. On PGlite and, with TEST_DATABASE_URL, PostgreSQL.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '@accord/api/cli';
import { testBackends } from '@accord/db/testing';
import { defaultWorkflow, generateLeads, type FieldDef } from '@accord/engine';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openAccord, type Accord } from './support/accord';

const asOf = '2026-11-01T00:00:00Z';
/** Generated leads as a CRM sends them (through JSON). */
const leads = JSON.parse(JSON.stringify(generateLeads({ count: 300, seed: 17 }))) as unknown[];

describe.each(testBackends())('catalog governance on $kind', ({ open }) => {
  let accord: Accord;
  let key: string;
  let slug: string;
  let workflowId: string;
  let publishedId: string;
  let leadSetId: string;
  const dir = mkdtempSync(join(tmpdir(), 'accord-governance-'));

  beforeAll(async () => {
    accord = await openAccord(open);
    const workflow = (await accord.as.ops.workflows.list({}))[0]!;
    workflowId = workflow.id;
    slug = workflow.slug;
    const versions = await accord.as.ops.versions.list({ workflowId });
    publishedId = versions.find((v) => v.status === 'published')!.id;
    key = (await accord.as.admin.apiKeys.create({ name: 'CRM' })).key;
    leadSetId = (
      await accord.as.ops.leadSets.generate({ name: 'Governance sample', count: 800, seed: 5 })
    ).id;
    writeFileSync(join(dir, 'leads.json'), JSON.stringify(leads));
  }, 180_000);
  afterAll(async () => {
    await accord?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const restAnswers = async () => {
    const res = await accord.app.inject({
      method: 'POST',
      url: `/v1/workflows/${slug}/evaluate`,
      headers: { authorization: `Bearer ${key}` },
      payload: { leads, asOf },
    });
    expect(res.statusCode).toBe(200);
    return (res.json() as { results: Record<string, unknown>[] }).results;
  };
  const leadSchema = async () => {
    const res = await accord.app.inject({
      method: 'GET',
      url: `/v1/workflows/${slug}/schema`,
      headers: { authorization: `Bearer ${key}` },
    });
    expect(res.statusCode).toBe(200);
    return res.json() as { properties: { attributes: { properties: Record<string, unknown> } } };
  };
  /** A simulation of the published version against itself, polled until it is done. */
  const simulation = async () => {
    const { runId } = await accord.as.ops.simulations.start({
      workflowId,
      baseline: 'published',
      candidate: { versionId: publishedId },
      leadSetId,
      asOf: new Date(asOf),
    });
    for (let i = 0; i < 600; i++) {
      const run = await accord.as.ops.simulations.get({ runId });
      if (run.status === 'done') return run.result!;
      if (run.status === 'failed' || run.status === 'cancelled')
        throw new Error(`run ${run.status}: ${run.error}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('the run did not finish in a minute');
  };
  const cliAnswers = async (name: string) => {
    const out = join(dir, `${name}.csv`);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const code = await runCli(
        [
          'evaluate',
          '--workflow',
          slug,
          '--in',
          join(dir, 'leads.json'),
          '--out',
          out,
          '--as-of',
          asOf,
        ],
        { db: accord.database.db },
      );
      expect(code).toBe(0);
    } finally {
      log.mockRestore();
    }
    return readFileSync(out, 'utf8');
  };

  it('#17: a published version evaluates the same before and after the workspace catalog changes (REST, simulation, CLI)', async () => {
    const rest = await restAnswers();
    const schema = await leadSchema();
    const run = await simulation();
    const cli = await cliAnswers('before');
    // Something to compare: every lead answered with a stage, reasons and scores.
    expect(rest.every((r) => typeof r.stage === 'string')).toBe(true);
    expect(new Set(rest.map((r) => r.stage)).size).toBeGreaterThan(1);
    expect(cli.trim().split('\n')).toHaveLength(leads.length + 1);
    expect(run.leads).toBe(800);

    const { as } = accord;
    let { catalog, revision } = await as.admin.fields.catalog();
    const field = (id: string) => catalog.fields.find((f) => f.id === id)!;
    // A field the version reads is relabelled and gets new options.
    const industry: FieldDef = {
      ...field('industry'),
      label: 'Sector',
      values: [...field('industry').values!, { value: 'biotech', label: 'Biotech' }],
    };
    ({ revision } = await as.admin.fields.update({ baseRevision: revision, field: industry }));
    // A field is added.
    ({ revision } = await as.admin.fields.add({
      baseRevision: revision,
      field: { id: 'seats', label: 'Seats', type: 'number', category: 'profile' },
    }));
    // A field the version does not read, which the leads carry as text, becomes a number.
    expect(
      leads.some(
        (l) => typeof (l as { attributes: { company?: unknown } }).attributes.company === 'string',
      ),
    ).toBe(true);
    ({ revision } = await as.admin.fields.update({
      baseRevision: revision,
      field: { ...field('company'), type: 'number' },
    }));
    ({ catalog } = await as.admin.fields.catalog());
    expect(field('industry').label).toBe('Sector');
    expect(field('company').type).toBe('number');

    expect(await restAnswers()).toEqual(rest);
    expect(await leadSchema()).toEqual(schema);
    const again = await simulation();
    expect(again.funnel).toEqual(run.funnel);
    expect(again.matrix).toEqual(run.matrix);
    expect(again.histograms).toEqual(run.histograms);
    expect(again.outcomes).toEqual(run.outcomes);
    expect(again.coverage).toEqual(run.coverage);
    expect(await cliAnswers('after')).toBe(cli);
  });

  it('#17: retyping a field a proposed version reads is refused, naming the version', async () => {
    const { as } = accord;
    let { revision } = await as.admin.fields.catalog();
    ({ revision } = await as.admin.fields.add({
      baseRevision: revision,
      field: { id: 'licences', label: 'Licences', type: 'number', category: 'profile' },
    }));
    // A workflow that reads the new field where the default one reads company size.
    const workflow = await as.marketing.workflows.create({ name: 'Licence fit', from: 'default' });
    const draft = await as.marketing.draft.get({ workflowId: workflow.id });
    const document = JSON.parse(
      JSON.stringify(defaultWorkflow()).replaceAll('"company_size"', '"licences"'),
    ) as unknown;
    await as.marketing.draft.save({
      workflowId: workflow.id,
      baseRevision: draft.revision,
      document,
    });
    const proposed = await as.marketing.versions.propose({
      workflowId: workflow.id,
      changeNote: 'Fit on licences',
    });
    const { catalog } = await as.admin.fields.catalog();
    const licences = catalog.fields.find((f) => f.id === 'licences')!;
    const refused = await as.admin.fields
      .update({ baseRevision: revision, field: { ...licences, type: 'string' } })
      .then(
        () => null,
        (error: unknown) => error,
      );
    expect(refused).toBeInstanceOf(TRPCError);
    expect((refused as TRPCError).code).toBe('PRECONDITION_FAILED');
    expect((refused as TRPCError).message).toBe(
      `Licences is used by version ${proposed.number} of Licence fit (proposed); it cannot be retyped. Licences changed type from number to string.`,
    );
    // Nothing was saved.
    expect((await as.admin.fields.catalog()).revision).toBe(revision);
  });
});
