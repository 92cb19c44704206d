/**
 * #21: `accord sql` prints a published version as a view a team runs in its own warehouse. The
 * printed definition, executed on DuckDB and (with TEST_DATABASE_URL) PostgreSQL over tables of
 * generated leads, answers what the JS evaluator answers, lead by lead; its header names the
 * version and its hashes; bad options fail with exit code 2.
 */
import { runCli } from '@accord/api/cli';
import { sqlView } from '@accord/api/warehouse/sql-view';
import { findCatalogSnapshot } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import {
  defaultCatalog,
  defaultWorkflow,
  generateLeads,
  parseWorkflow,
  type LeadInput,
  type Workflow,
} from '@accord/engine';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openAccord, type Accord } from './support/accord';
import { renderDbtModel } from './support/jinja';
import {
  duckWarehouse,
  postgresWarehouse,
  runCompiled,
  runJs,
  type Warehouse,
} from './support/sql-warehouse';

const asOf = '2026-11-01T00:00:00Z';

describe('accord sql', () => {
  let accord: Accord;
  let slug: string;
  const warehouses: Warehouse[] = [];
  beforeAll(async () => {
    accord = await openAccord(testBackends()[0]!.open);
    slug = (await accord.as.ops.workflows.list({}))[0]!.slug;
    warehouses.push(await duckWarehouse());
    const pgw = await postgresWarehouse('sql_view');
    if (pgw) warehouses.push(pgw);
  }, 180_000);
  afterAll(async () => {
    for (const w of warehouses) await w.close();
    await accord?.close();
  });

  /** Runs the CLI, answering its exit code, what it printed and its errors. */
  const cli = async (args: string[]) => {
    let out = '';
    const errors: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      out += String(chunk);
      return true;
    });
    const error = vi.spyOn(console, 'error').mockImplementation((m: string) => void errors.push(m));
    try {
      const code = await runCli(['sql', ...args], { db: accord.database.db });
      return { code, out, errors };
    } finally {
      write.mockRestore();
      error.mockRestore();
    }
  };

  /** The published version of the workflow: its row, its document and its pinned catalog. */
  async function published() {
    const version = await accord.database.db
      .selectFrom('versions')
      .innerJoin('workflows', 'workflows.id', 'versions.workflow_id')
      .where('workflows.slug', '=', slug)
      .where('versions.status', '=', 'published')
      .select([
        'versions.document',
        'versions.number',
        'versions.compiled_hash',
        'versions.catalog_hash',
      ])
      .executeTakeFirstOrThrow();
    const parsed = parseWorkflow(version.document);
    if (!parsed.ok) throw new Error('published version');
    const catalog = (await findCatalogSnapshot(accord.database.db, version.catalog_hash))!;
    return { version, parsed, catalog };
  }

  /** Every lead's stage and scores read from `view` on `w` are the JavaScript evaluator's. */
  async function expectAsJs(
    w: Warehouse,
    view: string,
    workflow: Workflow,
    leads: readonly LeadInput[],
    js: ReturnType<typeof runJs>,
  ) {
    const rows = await runCompiled(w, {
      ok: true,
      sql: `SELECT * FROM ${view}`,
      params: [],
      scoreColumns: Object.fromEntries(workflow.scores.map((s) => [s.id, `score:${s.id}`])),
      ruleKeys: [],
    });
    expect(rows.size).toBe(leads.length);
    for (const lead of leads)
      expect(rows.get(lead.id), `${w.dialect} ${lead.id}`).toEqual(js.get(lead.id));
  }

  it('prints a view that answers as the JS evaluator does, on each warehouse', async () => {
    const { version, parsed, catalog } = await published();
    const leads = generateLeads({ count: 300, seed: 33, asOf }) as LeadInput[];
    const js = runJs(parsed.workflow, catalog, leads, Date.parse(asOf));
    for (const w of warehouses) {
      const { code, out, errors } = await cli([
        '--workflow',
        slug,
        '--dialect',
        w.dialect,
        '--leads-table',
        'leads',
        '--events-table',
        'events',
        '--as-of',
        asOf,
        '--view',
        'agreement',
      ]);
      expect(errors).toEqual([]);
      expect(code).toBe(0);
      expect(out).toContain(`-- Accord agreement "${slug}", version ${version.number}`);
      expect(out).toContain(`-- workflow hash "${version.compiled_hash}"`);
      expect(out).toContain(`-- catalog hash "${version.catalog_hash}"`);
      expect(out).toMatch(/CREATE OR REPLACE VIEW "agreement" AS\n/);
      expect(out).not.toMatch(/\$\d/);
      await w.load(leads, catalog);
      await w.query(out);
      await expectAsJs(w, 'agreement', parsed.workflow, leads, js);
    }
  });

  it('reads fields and the id from columns named as the team’s table names them (--column, --id-column)', async () => {
    const { parsed, catalog } = await published();
    const leads = generateLeads({ count: 200, seed: 35, asOf }) as LeadInput[];
    const js = runJs(parsed.workflow, catalog, leads, Date.parse(asOf));
    const renamed = { id: 'Record ID', company_size: 'Company Size', job_title: 'Job Title' };
    for (const w of warehouses) {
      await w.load(leads, catalog, 'crm_');
      for (const [from, to] of Object.entries(renamed))
        await w.query(`ALTER TABLE crm_leads RENAME COLUMN ${from} TO "${to}"`);
      const args = [
        ...['--workflow', slug, '--dialect', w.dialect, '--as-of', asOf],
        ...['--leads-table', 'crm_leads', '--events-table', 'crm_events', '--view', 'crm_view'],
        ...['--id-column', renamed.id],
        ...['--column', `company_size=${renamed.company_size}`],
        ...['--column', `job_title=${renamed.job_title}`],
      ];
      const { code, out, errors } = await cli(args);
      expect(errors).toEqual([]);
      expect(code).toBe(0);
      expect(out).toContain('-- field "company_size" <- column "Company Size"');
      await w.query(out);
      await expectAsJs(w, 'crm_view', parsed.workflow, leads, js);
      // Without the mapping the same table has no such columns: the database says so.
      const unmapped = await cli(args.slice(0, -2));
      expect(unmapped.code).toBe(0);
      await expect(w.query(unmapped.out)).rejects.toThrow(/job_title/);
    }
    const refused = async (...columns: string[]) => {
      const base = ['--workflow', slug, '--dialect', 'duckdb', '--leads-table', 'l'];
      const run = await cli([...base, ...columns.flatMap((c) => ['--column', c])]);
      expect(run.code).toBe(2);
      return run.errors.join(' ');
    };
    expect(await refused('lead_sorce=Lead Origin')).toContain(
      'the version\'s catalog has no field "lead_sorce"',
    );
    expect(await refused('lead_source')).toContain('--column "lead_source" is not FIELD=COLUMN');
    expect(await refused('lead_source=a', 'lead_source=b')).toContain(
      'names the field "lead_source" twice',
    );
  });

  it('without --as-of, the view evaluates as of now() when queried', async () => {
    const leads = generateLeads({ count: 50, seed: 34 }) as LeadInput[];
    for (const w of warehouses) {
      const { code, out } = await cli([
        '--workflow',
        slug,
        '--dialect',
        w.dialect,
        '--leads-table',
        'now_leads',
        '--events-table',
        'now_events',
        '--view',
        'agreement_now',
      ]);
      expect(code).toBe(0);
      expect(out).toContain('evaluated as of now() when queried');
      expect(out).toMatch(/now\(\)/);
      await w.load(leads, (await accord.as.admin.fields.catalog()).catalog, 'now_');
      await w.query(out);
      const rows = await w.query('SELECT stage, count(*) AS n FROM agreement_now GROUP BY stage');
      expect(rows.reduce((sum, r) => sum + Number(r.n), 0)).toBe(leads.length);
      expect(rows.every((r) => typeof r.stage === 'string')).toBe(true);
    }
  });

  it('prints a dbt model (--dbt) that dbt’s Jinja renders into a query answering as the JS evaluator', async () => {
    const { version, parsed, catalog } = await published();
    const leads = generateLeads({ count: 200, seed: 36, asOf }) as LeadInput[];
    const js = runJs(parsed.workflow, catalog, leads, Date.parse(asOf));
    for (const w of warehouses) {
      const { code, out, errors } = await cli([
        ...['--workflow', slug, '--dialect', w.dialect, '--as-of', asOf, '--dbt'],
        ...['--leads-table', 'crm_leads', '--events-table', 'crm.events'],
      ]);
      expect(errors).toEqual([]);
      expect(code).toBe(0);
      expect(out).toContain(`-- workflow hash "${version.compiled_hash}"`);
      expect(out).toContain(`-- reads ref('crm_leads')`);
      expect(out).toContain("{{ config(materialized='view') }}");
      expect(out).toContain("FROM {{ ref('crm_leads') }} AS l");
      expect(out).toContain("{{ source('crm', 'events') }}");
      expect(out).not.toContain('CREATE');
      expect(out).not.toContain('{% raw %}');
      await w.load(leads, catalog, 'dbt_');
      const rendered = renderDbtModel(out, {
        'ref:crm_leads': 'dbt_leads',
        'source:crm.events': 'dbt_events',
      });
      await w.query(`CREATE VIEW dbt_model AS ${rendered}`);
      await expectAsJs(w, 'dbt_model', parsed.workflow, leads, js);
    }
    const refused = async (...args: string[]) => {
      const run = await cli(['--workflow', slug, '--dialect', 'duckdb', '--dbt', ...args]);
      expect(run.code).toBe(2);
      return run.errors.join(' ');
    };
    expect(await refused('--leads-table', "x') }}{{ 7 * 7")).toContain('is not a dbt model');
    expect(await refused('--leads-table', 'a.b.c')).toContain('is not a dbt model');
    expect(await refused('--leads-table', 'l', '--view', 'v')).toContain('drop --view');
  });

  it('keeps Jinja-like text of a workflow as written in a dbt model, and refuses what Jinja could not keep', async () => {
    // A rule whose text holds Jinja: rendered, it would have become "42 manager".
    const jinjaText = '{{ 6 * 7 }} {# a note #} manager';
    const document = defaultWorkflow() as unknown as Record<string, unknown>;
    const asJson = JSON.stringify(document);
    expect(asJson).toContain('"contains","value":"manager"');
    const withText = (text: string) => {
      const parsed = parseWorkflow(
        JSON.parse(
          asJson.replace(
            '"contains","value":"manager"',
            `"contains","value":${JSON.stringify(text)}`,
          ),
        ),
      );
      if (!parsed.ok) throw new Error('the edited workflow');
      return parsed.workflow;
    };
    const workflow = withText(jinjaText);
    const leads = (generateLeads({ count: 120, seed: 37, asOf }) as LeadInput[]).map((lead, i) =>
      i % 3 === 0
        ? { ...lead, attributes: { ...lead.attributes, job_title: `Senior ${jinjaText}` } }
        : lead,
    );
    const js = runJs(workflow, defaultCatalog, leads, Date.parse(asOf));
    const view = (text: string) =>
      sqlView({
        ...{ workflow: withText(text), catalog: defaultCatalog, slug: 'jinja', version: 1 },
        ...{ workflowHash: 'h', catalogHash: 'c', dialect: 'duckdb', asOf, dbt: true },
        ...{ leadsTable: 'jl', eventsTable: 'je' },
      });
    const model = view(jinjaText);
    if (!model.ok) throw new Error(model.errors.join('; '));
    expect(model.sql).toContain('{% raw %}');
    const rendered = renderDbtModel(model.sql, {
      'ref:jl': 'jinja_leads',
      'ref:je': 'jinja_events',
    });
    expect(rendered).toContain(jinjaText.toLowerCase());
    expect(rendered).not.toContain('42 manager');
    const duck = warehouses.find((w) => w.dialect === 'duckdb')!;
    await duck.load(leads, defaultCatalog, 'jinja_');
    await duck.query(`CREATE VIEW jinja_model AS ${rendered}`);
    await expectAsJs(duck, 'jinja_model', workflow, leads, js);
    // The rule fires where the title holds the text, as in JavaScript: the literal reached the query.
    const fit = [...js.values()].map((r) => r.scores.fit);
    expect(new Set(fit).size).toBeGreaterThan(1);

    const closing = view('{% endraw %}{{ 6 * 7 }}');
    expect(closing).toEqual({ ok: false, errors: [expect.stringContaining('endraw')] });
  });

  it('fails with exit code 2 on a bad dialect, table name or workflow', async () => {
    const base = ['--leads-table', 'leads', '--events-table', 'events'];
    const dialect = await cli(['--workflow', slug, '--dialect', 'oracle', ...base]);
    expect(dialect.code).toBe(2);
    expect(dialect.errors.join(' ')).toMatch(/--dialect must be postgres or duckdb/);
    const table = await cli(['--workflow', slug, '--dialect', 'duckdb', '--leads-table', 'a..b']);
    expect(table.code).toBe(2);
    expect(table.errors.join(' ')).toMatch(/not a table name/);
    const view = await cli(['--workflow', slug, '--dialect', 'duckdb', ...base, '--view', 'a..b']);
    expect(view.code).toBe(2);
    expect(view.errors.join(' ')).toContain('"a..b" is not a table name');
    const missing = await cli(['--workflow', 'no-such-flow', '--dialect', 'duckdb', ...base]);
    expect(missing.code).toBe(2);
    expect(missing.errors.join(' ')).toMatch(/No workflow "no-such-flow"/);
  });
});
