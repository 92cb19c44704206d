import { saveWorkspaceCatalog, type AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import {
  build,
  CATALOG_TEMPLATES,
  parseWorkflow,
  type FieldDef,
  type Workflow,
} from '@accord/engine';
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../env';
import { buildServer, type AccordServer } from '../server';
import { codeOf, demoCallers } from '../testing';

type Callers = Awaited<ReturnType<typeof demoCallers>>;

const seats: FieldDef = {
  id: 'seats',
  label: 'Seats',
  type: 'number',
  category: 'sales',
  description: 'Licences the lead asked about',
};
const plan: FieldDef = {
  id: 'plan',
  label: 'Plan',
  type: 'enum',
  category: 'profile',
  values: [
    { value: 'free', label: 'Free' },
    { value: 'team', label: 'Team' },
  ],
  missing: ['Select', 'N/A'],
};

/** The message of the TRPCError a call fails with (and that it fails with `code`). */
async function refusal(call: Promise<unknown>, code: TRPCError['code']): Promise<string> {
  const error = await call.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(TRPCError);
  expect((error as TRPCError).code).toBe(code);
  return (error as TRPCError).message;
}

/** The default agreement with its large-company row reading `fieldId` instead of company size. */
function readingField(document: unknown, fieldId: string): Workflow {
  const parsed = parseWorkflow(document);
  if (!parsed.ok) throw new Error('draft does not parse');
  const w = structuredClone(parsed.workflow);
  for (const node of w.nodes)
    if (node.kind === 'scorecard')
      for (const row of node.data.rows)
        if (row.id === 'size_large') row.when = build.when(build.field(fieldId), 'gte', 200);
  return w;
}

describe.each(testBackends())('fields router on $kind (#17)', ({ open }) => {
  let database: AccordDatabase;
  let app: AccordServer;
  let as: Callers;
  const revision = async () => (await as.auditor.fields.catalog()).revision;
  const fieldEvents = async () =>
    database.db
      .selectFrom('audit_events')
      .select(['action', 'after'])
      .where('entity_type', '=', 'field_catalog')
      .orderBy('id')
      .execute();
  const field = async (id: string) =>
    (await as.auditor.fields.catalog()).catalog.fields.find((f) => f.id === id);

  /** A new workflow whose draft reads `fieldId`; proposed as version 1 when `propose`. */
  async function workflowReading(name: string, fieldId: string, propose: boolean) {
    const wf = await as.marketing.workflows.create({ name, from: 'default' });
    const draft = await as.marketing.draft.get({ workflowId: wf.id });
    await as.marketing.draft.save({
      workflowId: wf.id,
      baseRevision: draft.revision,
      document: readingField(draft.document, fieldId),
    });
    if (propose)
      await as.marketing.versions.propose({ workflowId: wf.id, changeNote: `Reads ${fieldId}` });
    return wf;
  }

  beforeAll(async () => {
    database = await open();
    app = await buildServer({ database, env: parseEnv({ LOG_LEVEL: 'silent' }) });
    as = await demoCallers(database, {}, app.caches);
  });
  afterAll(async () => {
    await app?.close();
    await database?.close();
  });

  it('the demo workspace starts from the B2B template; everyone reads the catalog, its templates and where fields are used', async () => {
    const live = await as.auditor.fields.catalog();
    expect(live.revision).toBeGreaterThan(0);
    expect(live.catalog.fields.map((f) => f.id)).toContain('company_size');
    expect(live.templates.map((t) => t.id)).toEqual(['b2b', 'empty']);
    const usage = await as.auditor.fields.usage();
    expect(usage.company_size).toEqual([
      expect.objectContaining({ kind: 'draft', workflowName: 'Inbound B2B qualification' }),
      expect.objectContaining({
        kind: 'version',
        number: 1,
        status: 'published',
        workflowName: 'Inbound B2B qualification',
      }),
    ]);
    expect(usage.form_submit?.length).toBeGreaterThan(0);
  });

  it('adds, updates, retires and restores a field: one revision and one audit event in words each', async () => {
    const events = (await fieldEvents()).length;
    let base = await revision();
    const added = await as.marketing.fields.add({
      baseRevision: base,
      field: plan,
      reason: 'Pricing page asks for it',
    });
    expect(added).toEqual({ revision: base + 1, changes: ['Plan was added (enum)'] });
    expect(await field('plan')).toEqual(plan);

    base = added.revision;
    const updated = await as.ops.fields.update({
      baseRevision: base,
      field: {
        ...plan,
        label: 'Pricing plan',
        values: [...plan.values!, { value: 'enterprise', label: 'Enterprise' }],
        missing: ['Select'],
      },
    });
    expect(updated.changes).toEqual([
      'Pricing plan options: added enterprise',
      'Plan is now called Pricing plan',
      'Pricing plan treats "Select" as missing',
    ]);
    const retired = await as.ops.fields.setRetired({
      baseRevision: updated.revision,
      id: 'plan',
      retired: true,
      reason: 'Nobody fills it in',
    });
    expect(retired.changes).toEqual(['Pricing plan was retired']);
    expect((await field('plan'))?.retired).toBe(true);
    // An update keeps a retired field retired.
    const relabelled = await as.admin.fields.update({
      baseRevision: retired.revision,
      field: { ...plan, label: 'Plan' },
    });
    expect((await field('plan'))?.retired).toBe(true);
    const restored = await as.admin.fields.setRetired({
      baseRevision: relabelled.revision,
      id: 'plan',
      retired: false,
    });
    expect(restored.changes).toEqual(['Plan is in use again (no longer retired)']);
    expect((await field('plan'))?.retired).toBeUndefined();
    // Nothing changes: nothing is written.
    expect(
      await as.admin.fields.update({
        baseRevision: restored.revision,
        field: (await field('plan'))!,
      }),
    ).toEqual({ revision: restored.revision, changes: [] });

    const written = (await fieldEvents()).slice(events);
    expect(written.map((e) => e.action)).toEqual([
      'fields.add',
      'fields.update',
      'fields.retire',
      'fields.update',
      'fields.restore',
    ]);
    expect(written[0]!.after).toMatchObject({
      revision: base,
      changes: ['Plan was added (enum)'],
      field: 'plan',
      reason: 'Pricing page asks for it',
    });
    expect(written[2]!.after).toMatchObject({
      changes: ['Pricing plan was retired'],
      reason: 'Nobody fills it in',
    });
  });

  it('an option without a label reads as its value; texts are trimmed, missing texts kept once whatever their case', async () => {
    const saved = await as.ops.fields.add({
      baseRevision: await revision(),
      field: {
        id: 'region',
        label: ' Region ',
        type: 'enum',
        category: 'profile',
        values: [
          { value: ' emea ', label: '' },
          { value: 'apac', label: 'Asia Pacific' },
        ],
        missing: [' Select ', 'N/A', 'n/a ', 'select'],
      },
    });
    expect(saved.changes).toEqual(['Region was added (enum)']);
    expect(await field('region')).toEqual({
      id: 'region',
      label: 'Region',
      type: 'enum',
      category: 'profile',
      values: [
        { value: 'emea', label: 'emea' },
        { value: 'apac', label: 'Asia Pacific' },
      ],
      missing: ['Select', 'N/A'],
    });
  });

  it('addMany adds several fields in one revision and one audit event; refused whole when an id is taken', async () => {
    const events = (await fieldEvents()).length;
    const base = await revision();
    const learned = await as.sales.fields.addMany({
      baseRevision: base,
      fields: [
        { id: 'time_on_site', label: 'Time on site', type: 'number', category: 'behaviour' },
        { id: 'origin', label: 'Origin', type: 'string', category: 'channel', missing: ['-'] },
      ],
      reason: 'Learned from the CRM export',
    });
    expect(learned).toEqual({
      revision: base + 1,
      changes: ['Time on site was added (number)', 'Origin was added (string)'],
    });
    const written = (await fieldEvents()).slice(events);
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      action: 'fields.addMany',
      after: { fields: ['time_on_site', 'origin'], reason: 'Learned from the CRM export' },
    });
    expect(
      await refusal(
        as.sales.fields.addMany({
          baseRevision: learned.revision,
          fields: [
            { id: 'visits', label: 'Visits', type: 'number', category: 'behaviour' },
            { id: 'origin', label: 'Origin', type: 'string', category: 'channel' },
          ],
        }),
        'CONFLICT',
      ),
    ).toBe("There is already a field 'origin'.");
    expect(
      await refusal(
        as.sales.fields.addMany({
          baseRevision: learned.revision,
          fields: [
            { id: 'visits', label: 'Visits', type: 'number', category: 'behaviour' },
            { id: 'visits', label: 'Visits again', type: 'number', category: 'behaviour' },
          ],
        }),
        'CONFLICT',
      ),
    ).toBe("There is already a field 'visits'.");
    expect(await field('visits')).toBeUndefined();
    expect(await revision()).toBe(learned.revision);
  });

  it('refuses a duplicate id, an enum without options, a duplicate option, a bad id and a stale revision, writing nothing', async () => {
    const base = await revision();
    const events = (await fieldEvents()).length;
    expect(
      await refusal(
        as.ops.fields.add({
          baseRevision: base,
          field: { id: 'job_title', label: 'Job', type: 'string', category: 'profile' },
        }),
        'CONFLICT',
      ),
    ).toBe("There is already a field 'job_title'.");
    expect(
      await refusal(
        as.ops.fields.add({
          baseRevision: base,
          field: { id: 'tier', label: 'Tier', type: 'enum', category: 'profile', values: [] },
        }),
        'BAD_REQUEST',
      ),
    ).toBe('Tier is an enum field; give it at least one option.');
    expect(
      await refusal(
        as.ops.fields.add({
          baseRevision: base,
          field: {
            id: 'tier',
            label: 'Tier',
            type: 'enum',
            category: 'profile',
            values: [
              { value: 'gold', label: 'Gold' },
              { value: 'gold', label: 'Also gold' },
            ],
          },
        }),
        'BAD_REQUEST',
      ),
    ).toBe('Tier has the option "gold" twice.');
    for (const id of ['Tier', '1tier', 'tier-level', 'tier level', '', 'a'.repeat(64)])
      expect(
        await refusal(
          as.ops.fields.add({
            baseRevision: base,
            field: { id, label: 'Tier', type: 'string', category: 'profile' },
          }),
          'BAD_REQUEST',
        ),
      ).toMatch(/lower case letters, digits and _/);
    expect(
      await refusal(
        as.ops.fields.replace({
          baseRevision: base,
          catalog: {
            fields: [{ id: 'Bad Id', label: 'Bad', type: 'string', category: 'profile' }],
            events: [],
          },
        }),
        'BAD_REQUEST',
      ),
    ).toBe("'Bad Id' is not a field id: use lower case letters, digits and _.");
    expect(
      await refusal(
        as.ops.fields.add({
          baseRevision: base,
          field: { id: 'tier', label: 'Tier', type: 'string', category: 'profile', missing: [' '] },
        }),
        'BAD_REQUEST',
      ),
    ).toMatch(/A missing-value text cannot be blank/);
    expect(
      await refusal(
        as.ops.fields.update({
          baseRevision: base,
          field: { id: 'no_such_field', label: 'None', type: 'string', category: 'profile' },
        }),
        'NOT_FOUND',
      ),
    ).toBe("There is no field 'no_such_field'.");
    expect(
      await refusal(
        as.ops.fields.add({
          baseRevision: base - 1,
          field: { id: 'tier', label: 'Tier', type: 'string', category: 'profile' },
        }),
        'CONFLICT',
      ),
    ).toBe(
      `The field catalog changed (revision ${base}) since you loaded revision ${base - 1}; reload and try again.`,
    );
    expect(await revision()).toBe(base);
    expect((await fieldEvents()).length).toBe(events);
  });

  it('roles: marketing and sales add but do not change; the auditor adds nothing; ops and admins change', async () => {
    const base = await revision();
    const field = { id: 'role_probe', label: 'Role probe', type: 'string', category: 'profile' };
    const update = { baseRevision: base, field: { ...field, label: 'Probe' } } as const;
    expect(await codeOf(as.auditor.fields.add({ baseRevision: base, field } as never))).toBe(
      'FORBIDDEN',
    );
    expect(await codeOf(as.anonymous.fields.catalog())).toBe('UNAUTHORIZED');
    for (const who of [as.marketing, as.sales, as.auditor]) {
      expect(await codeOf(who.fields.update(update as never))).toBe('FORBIDDEN');
      expect(
        await codeOf(who.fields.setRetired({ baseRevision: base, id: 'job_title', retired: true })),
      ).toBe('FORBIDDEN');
      expect(
        await codeOf(
          who.fields.replace({ baseRevision: base, catalog: { fields: [], events: [] } }),
        ),
      ).toBe('FORBIDDEN');
      expect(await codeOf(who.fields.applyTemplate({ baseRevision: base, template: 'b2b' }))).toBe(
        'FORBIDDEN',
      );
    }
    expect(await revision()).toBe(base);
  });

  it('retyping, retiring or dropping options of a field a proposed version reads is refused, naming the version', async () => {
    const base = await revision();
    const added = await as.ops.fields.add({ baseRevision: base, field: seats });
    await workflowReading('Seat based', 'seats', true);
    const after = await revision();
    expect(after).toBe(added.revision);
    expect(
      await refusal(
        as.ops.fields.update({ baseRevision: after, field: { ...seats, type: 'string' } }),
        'PRECONDITION_FAILED',
      ),
    ).toBe(
      'Seats is used by version 1 of Seat based (proposed); it cannot be retyped. Seats changed type from number to string.',
    );
    expect(
      await refusal(
        as.ops.fields.setRetired({ baseRevision: after, id: 'seats', retired: true }),
        'PRECONDITION_FAILED',
      ),
    ).toMatch(/^Seats is used by version 1 of Seat based \(proposed\); it cannot be retired/);
    // The published demo version reads industry: dropping one of its options is refused too.
    const industry = (await field('industry'))!;
    expect(
      await refusal(
        as.admin.fields.update({
          baseRevision: after,
          field: { ...industry, values: industry.values!.slice(1) },
        }),
        'PRECONDITION_FAILED',
      ),
    ).toMatch(/^Industry is used by version 1 of Inbound B2B qualification \(published\)/);
    // Replacing the whole catalog without the field is refused the same way.
    const { catalog } = await as.ops.fields.catalog();
    expect(
      await refusal(
        as.ops.fields.replace({
          baseRevision: after,
          catalog: { ...catalog, fields: catalog.fields.filter((f) => f.id !== 'seats') },
        }),
        'PRECONDITION_FAILED',
      ),
    ).toMatch(/^Seats is used by version 1 of Seat based \(proposed\); it cannot be removed/);
    // Relabelling and new options leave a version's meaning alone.
    const relabelled = await as.ops.fields.update({
      baseRevision: after,
      field: { ...seats, label: 'Licences', missing: ['n/a'] },
    });
    expect(relabelled.changes).toEqual([
      'Seats is now called Licences',
      'Licences treats "n/a" as missing',
    ]);
    expect((await field('seats'))?.type).toBe('number');
  });

  it('replacing the catalog without an event type a version reads is refused, naming the version', async () => {
    const base = await revision();
    const { catalog } = await as.ops.fields.catalog();
    expect(
      await refusal(
        as.ops.fields.replace({
          baseRevision: base,
          catalog: { ...catalog, events: catalog.events.filter((e) => e.id !== 'form_submit') },
        }),
        'PRECONDITION_FAILED',
      ),
    ).toBe(
      'The event type Form submitted (form_submit) is used by version 1 of Inbound B2B qualification (published); it cannot be removed.',
    );
    expect(await revision()).toBe(base);
    // A change to event types alone is a change: saved and audited.
    const trial = { id: 'trial_started', label: 'Trial started', category: 'behaviour' as const };
    const replaced = await as.ops.fields.replace({
      baseRevision: base,
      catalog: { ...catalog, events: [...catalog.events, { ...trial, props: [] }] },
      reason: 'The product sends it now',
    });
    expect(replaced).toEqual({
      revision: base + 1,
      changes: ['The event type Trial started was added'],
    });
    expect((await as.auditor.fields.catalog()).catalog.events.map((e) => e.id)).toContain(
      'trial_started',
    );
    expect((await fieldEvents()).at(-1)).toMatchObject({
      action: 'fields.replace',
      after: {
        changes: ['The event type Trial started was added'],
        reason: 'The product sends it now',
      },
    });
  });

  it('a fresh workspace has no fields (revision 0) and starts from a template once', async () => {
    const workspace = await database.db
      .insertInto('workspaces')
      .values({ slug: 'fresh', name: 'Fresh' })
      .returning('id')
      .executeTakeFirstOrThrow();
    const demoRevision = await revision();
    const fresh = as.caller({ ...as.users.ops, workspace_id: workspace.id });
    const empty = await fresh.fields.catalog();
    expect(empty).toMatchObject({ revision: 0, catalog: { fields: [], events: [] } });
    expect(empty.templates.find((t) => t.id === 'b2b')?.fields).toBe(35);
    expect(await fresh.fields.usage()).toEqual({});
    // Starting empty writes nothing: there is nothing to change.
    expect(await fresh.fields.applyTemplate({ baseRevision: 0, template: 'empty' })).toEqual({
      revision: 0,
      changes: [],
    });
    const started = await fresh.fields.applyTemplate({ baseRevision: 0, template: 'b2b' });
    expect(started.revision).toBe(1);
    const { fields, events } = CATALOG_TEMPLATES.b2b.catalog;
    expect(started.changes).toHaveLength(fields.length + events.length);
    expect(started.changes[0]).toBe(`${fields[0]!.label} was added (${fields[0]!.type})`);
    const live = await fresh.fields.catalog();
    expect(live.catalog).toEqual(CATALOG_TEMPLATES.b2b.catalog);
    expect(
      await refusal(
        fresh.fields.applyTemplate({ baseRevision: 1, template: 'b2b' }),
        'PRECONDITION_FAILED',
      ),
    ).toBe('The workspace already has fields; a template only starts an empty catalog.');
    // Each workspace's catalog is its own: the demo's did not move.
    expect(await revision()).toBe(demoRevision);
  });

  it('a field only a draft reads can be retyped and retired; the draft then says what is wrong', async () => {
    const base = await revision();
    const added = await as.ops.fields.add({
      baseRevision: base,
      field: { ...seats, id: 'draft_seats', label: 'Draft seats' },
    });
    const wf = await workflowReading('Draft only', 'draft_seats', false);
    expect((await as.marketing.draft.get({ workflowId: wf.id })).diagnostics).toEqual([]);
    const retyped = await as.ops.fields.update({
      baseRevision: added.revision,
      field: { ...seats, id: 'draft_seats', label: 'Draft seats', type: 'string' },
      reason: 'The CRM sends ranges',
    });
    expect(retyped.changes).toEqual(['Draft seats changed type from number to string']);
    const diagnostics = (await as.marketing.draft.get({ workflowId: wf.id })).diagnostics;
    expect(diagnostics).toEqual([
      expect.objectContaining({ severity: 'error', message: expect.stringMatching(/Draft seats/) }),
    ]);
    await as.ops.fields.setRetired({
      baseRevision: retyped.revision,
      id: 'draft_seats',
      retired: true,
    });
    expect((await as.marketing.draft.get({ workflowId: wf.id })).diagnostics).toContainEqual(
      expect.objectContaining({ severity: 'warning', code: 'retired-field' }),
    );
  });

  it('a published version evaluates the same before and after the workspace catalog changes', async () => {
    const workflow = (await as.admin.workflows.list({})).find((w) => w.publishedVersion)!;
    const { key } = await as.admin.apiKeys.create({ name: 'Fields test' });
    const lead = {
      id: 'pinned-1',
      attributes: {
        job_title: 'VP Sales',
        company_size: 500,
        industry: 'software',
        email: 'ann@acme.com',
      },
      events: [
        { type: 'form_submit', at: '2026-10-30T00:00:00Z', props: { form: 'demo_request' } },
      ],
    };
    const evaluate = async () => {
      const res = await app.inject({
        method: 'POST',
        url: `/v1/workflows/${workflow.slug}/evaluate`,
        headers: { authorization: `Bearer ${key}` },
        payload: { lead, asOf: '2026-11-01T00:00:00Z' },
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().results;
    };
    const before = await evaluate();
    expect(before[0].scores.fit).toBeGreaterThan(0);

    // What the service allows (new field, relabel, new options) ...
    const base = await revision();
    const industry = (await field('industry'))!;
    const allowed = await as.ops.fields.update({
      baseRevision: base,
      field: {
        ...industry,
        label: 'Sector',
        values: [...industry.values!, { value: 'biotech', label: 'Biotech' }],
      },
    });
    // ... and what it refuses, written behind its back: company size becomes text, industry
    // loses its options. The version keeps the catalog it was compiled with.
    const { catalog } = await as.ops.fields.catalog();
    await database.db.transaction().execute((trx) =>
      saveWorkspaceCatalog(trx, {
        workspaceId: as.users.ops.workspace_id,
        baseRevision: allowed.revision,
        userId: null,
        catalog: {
          ...catalog,
          fields: catalog.fields.map((f) =>
            f.id === 'company_size'
              ? { ...f, type: 'string' }
              : f.id === 'industry'
                ? { ...f, values: [{ value: 'other', label: 'Other' }] }
                : f,
          ),
        },
      }),
    );
    app.caches.evaluators.invalidateWorkflow(workflow.id);
    expect(await evaluate()).toEqual(before);
    // The draft, which uses the live catalog, says what changed since version 1.
    const draft = await as.marketing.draft.get({ workflowId: workflow.id });
    expect(draft.diagnostics).toContainEqual(
      expect.objectContaining({
        code: 'field-changed',
        message: 'Since version 1: Company size (employees) changed type from number to string',
      }),
    );
  });
});
