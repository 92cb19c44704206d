import { execFileSync } from 'node:child_process';
import type { Page } from 'playwright-core';
import { DuckDBInstance } from '@duckdb/node-api';
import { describe, expect, it } from 'vitest';
import { browserAvailable, browserSuite, screenshot, signIn } from './harness';

const VIEWPORT = { width: 1280, height: 800 };

/** Calls a tRPC procedure with the page's session, as the page itself would. */
async function call<T>(page: Page, path: string, input: unknown, kind: 'query' | 'mutation') {
  return page.evaluate(
    async ({ path, input, kind }) => {
      const res =
        kind === 'query'
          ? await fetch(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`)
          : await fetch(`/trpc/${path}`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(input),
            });
      const body = (await res.json()) as { result?: { data: unknown }; error?: unknown };
      if (!body.result) throw new Error(`${path}: ${JSON.stringify(body.error)}`);
      return body.result.data;
    },
    { path, input, kind },
  ) as Promise<T>;
}

interface Doc {
  nodes: { id: string; kind: string; data: { rows?: { points: number }[] } }[];
}

describe.runIf(browserAvailable())('workspace pages a newcomer understands (#15)', () => {
  const suite = browserSuite();

  it('#15: from the home page to the workflow slug and a copied curl example that a CRM can run', async () => {
    const context = await suite.browser.newContext({
      viewport: VIEWPORT,
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    const admin = await context.newPage();
    await signIn(admin, suite.app.url, 'admin@acme.test');
    await admin.goto(`${suite.app.url}/`);
    await admin
      .getByTestId('workflow-row-inbound-b2b-qualification')
      .getByRole('link', { name: 'Call it from your CRM' })
      .click();
    await admin.waitForURL(/\/workflows\/[0-9a-f-]+\/versions#crm$/);
    const crm = admin.getByTestId('crm-call');
    await expect
      .poll(() => crm.getByTestId('workflow-slug').textContent())
      .toBe('inbound-b2b-qualification');
    const slug = (await crm.getByTestId('workflow-slug').textContent())!;
    await crm.getByRole('button', { name: 'Copy the curl example' }).click();
    await expect
      .poll(() => crm.getByRole('button', { name: 'Copy the curl example' }).textContent())
      .toBe('Copied ✓');
    const copied = await admin.evaluate<string>('navigator.clipboard.readText()');
    expect(copied).toBe(await crm.getByTestId('crm-curl').textContent());
    expect(copied).toContain(`${suite.app.url}/v1/workflows/${slug}/evaluate`);
    expect(copied).toContain('<your API key>');
    await screenshot(admin, 'workflow-crm-call');

    // The section's link takes an admin to the API keys; the key is shown once.
    await crm.getByRole('link', { name: /API keys on the admin page/ }).click();
    await admin.waitForURL(/\/admin$/);
    await admin.getByLabel('Key name').fill('CRM (e2e #15)');
    await admin.getByRole('button', { name: 'Create API key' }).click();
    const key = (await admin.getByTestId('new-api-key').textContent())!.trim();
    expect(key.length).toBeGreaterThan(20);
    await admin.getByRole('button', { name: 'I have stored it' }).click();

    // The copied command runs as is in a shell once the key is in place.
    const command = `${copied.replace('<your API key>', key)} --silent --show-error --write-out '\\n%{http_code}'`;
    const output = execFileSync('sh', ['-c', command], { encoding: 'utf8', timeout: 30_000 });
    const status = output.slice(output.lastIndexOf('\n') + 1);
    const answer = JSON.parse(output.slice(0, output.lastIndexOf('\n'))) as {
      results: { leadId: string; stage: string; workflow: string; version: number }[];
    };
    expect(status).toBe('200');
    expect(answer.results).toHaveLength(1);
    expect(answer.results[0]).toMatchObject({
      leadId: 'crm-lead-1001',
      workflow: slug,
      version: 1,
    });
    expect(answer.results[0]!.stage).toMatch(/^[a-z_]+$/);
    await context.close();
  });

  it('#21: from the home page to the live version as a SQL view, copied and run in DuckDB', async () => {
    const context = await suite.browser.newContext({
      viewport: VIEWPORT,
      permissions: ['clipboard-read', 'clipboard-write'],
    });
    const auditor = await context.newPage();
    await signIn(auditor, suite.app.url, 'auditor@acme.test');
    await auditor.goto(`${suite.app.url}/`);
    await auditor
      .getByTestId('workflow-row-inbound-b2b-qualification')
      .getByRole('link', { name: 'Call it from your CRM' })
      .click();
    await auditor.waitForURL(/\/workflows\/[0-9a-f-]+\/versions#crm$/);
    const card = auditor.getByTestId('warehouse-view');
    await card.getByRole('button', { name: 'Show the SQL view' }).click();
    await card.getByLabel('Dialect').selectOption('duckdb');
    await card.getByLabel('Leads table').fill('a..b');
    await expect.poll(() => card.getByRole('alert').textContent()).toMatch(/not a table name/);
    await card.getByLabel('Leads table').fill('crm.leads');
    await card.getByLabel('Events table').fill('crm.events');
    const sqlText = card.getByTestId('warehouse-sql');
    // The view follows both names typed before it is read (each answer may come on its own).
    await expect.poll(() => sqlText.textContent()).toContain('and "crm"."events" (lead_id');
    const shown = (await sqlText.textContent())!;
    expect(shown).toContain('FROM "crm"."leads"');
    expect(shown).toMatch(/^-- Accord agreement "inbound-b2b-qualification", version \d+\n/);
    expect(shown).toContain('CREATE OR REPLACE VIEW');
    await card.getByRole('button', { name: 'Copy the SQL view' }).click();
    await expect
      .poll(() => card.getByRole('button', { name: 'Copy the SQL view' }).textContent())
      .toBe('Copied ✓');
    const copied = await auditor.evaluate<string>('navigator.clipboard.readText()');
    expect(copied).toBe(shown);
    await screenshot(auditor, 'workflow-warehouse-view');

    // The copied definition runs as is in DuckDB over tables of the catalog's fields.
    const catalog = await call<{ catalog: { fields: { id: string; type: string }[] } }>(
      auditor,
      'fields.catalog',
      {},
      'query',
    );
    const duck = await DuckDBInstance.create(':memory:');
    const connection = await duck.connect();
    try {
      const types: Record<string, string> = {
        number: 'DOUBLE',
        boolean: 'BOOLEAN',
        date: 'TIMESTAMPTZ',
        list: 'VARCHAR[]',
      };
      const columns = catalog.catalog.fields.map((f) => `"${f.id}" ${types[f.type] ?? 'VARCHAR'}`);
      await connection.run(
        `CREATE SCHEMA crm; CREATE TABLE crm.leads (id VARCHAR, ${columns.join(', ')}); ` +
          `CREATE TABLE crm.events (lead_id VARCHAR, type VARCHAR, "at" TIMESTAMPTZ, props JSON); ` +
          `INSERT INTO crm.leads (id, is_student) VALUES ('l1', true)`,
      );
      await connection.run(copied);
      const view = /CREATE OR REPLACE VIEW ("[^"]+")/.exec(copied)![1]!;
      const rows = await connection.runAndReadAll(`SELECT lead_id, stage FROM ${view}`);
      expect(rows.getRows()).toEqual([['l1', 'disqualified']]);
    } finally {
      connection.closeSync();
      duck.closeSync();
    }

    // The same as a dbt model: crm.leads is read as a source, events as a model.
    await card.getByLabel('Write it as').selectOption('dbt');
    await card.getByLabel('Events table').fill('events');
    await expect.poll(() => sqlText.textContent()).toContain("{{ ref('events') }}");
    const model = (await sqlText.textContent())!;
    expect(model).toContain("{{ config(materialized='view') }}");
    expect(model).toContain("FROM {{ source('crm', 'leads') }} AS l");
    expect(model).not.toContain('CREATE OR REPLACE VIEW');
    expect(await card.getByText('As a dbt model: save it in').isVisible()).toBe(true);
    // "Copied" belonged to the view; the model is copied afresh.
    const copyButton = card.getByRole('button', { name: 'Copy the dbt model' });
    expect(await copyButton.textContent()).toBe('Copy');
    await copyButton.click();
    await expect.poll(() => copyButton.textContent()).toBe('Copied ✓');
    expect(await auditor.evaluate<string>('navigator.clipboard.readText()')).toBe(model);
    await screenshot(auditor, 'workflow-warehouse-dbt');
    await context.close();
  });

  it('#15: the audit log fits its card at 1280 px and reads as words, with the JSON on expand', async () => {
    // Events with long texts: a long unbroken comment, a long workflow name and a draft save.
    const marketing = await suite.signedInPage('marketing@acme.test', { viewport: VIEWPORT });
    const [workflow] = await call<{ id: string }[]>(marketing, 'workflows.list', {}, 'query');
    const workflowId = workflow!.id;
    const draft = await call<{ revision: number; document: Doc }>(
      marketing,
      'draft.get',
      { workflowId },
      'query',
    );
    const scorecard = draft.document.nodes.find((n) => n.kind === 'scorecard' && n.data.rows)!;
    scorecard.data.rows![0]!.points += 5;
    await call(
      marketing,
      'draft.save',
      { workflowId, baseRevision: draft.revision, document: draft.document },
      'mutation',
    );
    await call(
      marketing,
      'comments.add',
      { workflowId, body: `see-${'x'.repeat(400)}` },
      'mutation',
    );
    await call(
      marketing,
      'workflows.rename',
      { workflowId, name: `Inbound_B2B_qualification_${'y'.repeat(80)}` },
      'mutation',
    );

    const auditor = await suite.signedInPage('auditor@acme.test', { viewport: VIEWPORT });
    await auditor.getByRole('link', { name: 'Audit log' }).click();
    const table = auditor.getByRole('table', { name: 'Audit events' });
    await expect.poll(() => table.textContent()).toContain('Renamed the workflow');
    const text = (await table.textContent())!;
    expect(text).toContain(`Saved the draft as revision ${draft.revision + 1}`);
    expect(text).toMatch(/Published version 1 \(nothing was live before\)/);
    expect(text).toContain('Commented: “see-xxx');

    // Words, not JSON, in what shows before anything is expanded.
    const shown = await table.evaluate((t) =>
      [...t.querySelectorAll('.audit-headline, .audit-items')].map((e) => e.textContent).join('\n'),
    );
    expect(shown).not.toContain('{"');

    // The table stays inside its card, and the page does not scroll sideways.
    const card = await auditor.getByTestId('audit-card').boundingBox();
    const box = await table.boundingBox();
    expect(box!.x).toBeGreaterThanOrEqual(card!.x - 0.5);
    expect(box!.x + box!.width).toBeLessThanOrEqual(card!.x + card!.width + 0.5);
    const main = await auditor.locator('main').boundingBox();
    expect(card!.x + card!.width).toBeLessThanOrEqual(main!.x + main!.width);
    expect(
      await auditor.evaluate<boolean>(
        'document.documentElement.scrollWidth <= document.documentElement.clientWidth',
      ),
    ).toBe(true);
    await screenshot(auditor, 'audit-log-auditor');

    // Auditors still get the stored JSON, one click away.
    const publish = table.locator('tr', { hasText: 'Published version 1' });
    await publish.getByText('Raw JSON').click();
    const raw = JSON.parse((await publish.getByTestId('audit-raw-json').textContent())!) as {
      after: { published: number };
    };
    expect(raw.after.published).toBe(1);
    const rawBox = await publish.getByTestId('audit-raw-json').boundingBox();
    expect(rawBox!.x + rawBox!.width).toBeLessThanOrEqual(card!.x + card!.width + 0.5);
    await screenshot(auditor, 'audit-log-raw-json');
  });
});
