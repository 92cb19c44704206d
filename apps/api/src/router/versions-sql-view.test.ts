import type { AccordDatabase } from '@accord/db';
import { testBackends } from '@accord/db/testing';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codeOf, demoCallers } from '../testing';

/** #21: the version page's "Run it in your warehouse" asks for what `accord sql` prints. */
describe('versions.sqlView', () => {
  let database: AccordDatabase;
  let as: Awaited<ReturnType<typeof demoCallers>>;
  let versionId: string;
  let slug: string;
  beforeAll(async () => {
    database = await testBackends()[0]!.open();
    as = await demoCallers(database);
    const seeded = (await as.auditor.workflows.list({})).find((w) => w.publishedVersion)!;
    slug = seeded.slug;
    versionId = (await as.auditor.versions.list({ workflowId: seeded.id })).find(
      (v) => v.status === 'published',
    )!.id;
  });
  afterAll(() => database?.close());

  it('answers the view with its header, and the view runs in DuckDB', async () => {
    const version = await as.auditor.versions.get({ versionId });
    const view = await as.auditor.versions.sqlView({
      versionId,
      dialect: 'duckdb',
      leadsTable: 'crm.leads',
      eventsTable: 'crm.events',
    });
    expect(view.errors).toEqual([]);
    expect(view.sql).toContain(`-- Accord agreement "${slug}", version ${version.number}`);
    expect(view.sql).toContain(`-- workflow hash "${version.compiled_hash}"`);
    expect(view.sql).toContain('FROM "crm"."leads"');
    // Over empty tables of the catalog's columns, the view is valid SQL that answers no rows.
    const catalog = (await as.auditor.versions.catalog({ versionId })).catalog;
    const duck = await DuckDBInstance.create(':memory:');
    const connection = await duck.connect();
    try {
      const type = { number: 'DOUBLE', boolean: 'BOOLEAN', date: 'TIMESTAMPTZ', list: 'VARCHAR[]' };
      await connection.run(
        `CREATE SCHEMA crm; CREATE TABLE crm.leads (id VARCHAR, ${catalog.fields
          .map((f) => `"${f.id}" ${type[f.type as keyof typeof type] ?? 'VARCHAR'}`)
          .join(
            ', ',
          )}); CREATE TABLE crm.events (lead_id VARCHAR, type VARCHAR, "at" TIMESTAMPTZ, props JSON)`,
      );
      await connection.run(view.sql!);
      const rows = await connection.runAndReadAll(
        'SELECT count(*) FROM accord_' + slug.replaceAll('-', '_') + `_v${version.number}`,
      );
      expect(rows.getRows()).toEqual([[0n]]);
    } finally {
      connection.closeSync();
      duck.closeSync();
    }
  });

  it('answers the version as a dbt model when asked, naming a bad model name', async () => {
    const model = await as.auditor.versions.sqlView({
      versionId,
      dialect: 'postgres',
      leadsTable: 'stg_leads',
      eventsTable: 'crm.events',
      dbt: true,
    });
    expect(model.errors).toEqual([]);
    expect(model.sql).toContain("{{ config(materialized='view') }}");
    expect(model.sql).toContain("FROM {{ ref('stg_leads') }} AS l");
    expect(model.sql).toContain("{{ source('crm', 'events') }}");
    expect(model.sql).not.toContain('CREATE OR REPLACE VIEW');
    const bad = await as.auditor.versions.sqlView({
      versionId,
      dialect: 'postgres',
      leadsTable: 'stg leads',
      dbt: true,
    });
    expect(bad.sql).toBeNull();
    expect(bad.errors.join(' ')).toContain('"stg leads" is not a dbt model');
  });

  it('answers why it cannot write the view, and refuses what is not a table name', async () => {
    const bad = await as.auditor.versions.sqlView({
      versionId,
      dialect: 'postgres',
      leadsTable: 'a..b',
    });
    expect(bad.sql).toBeNull();
    expect(bad.errors.join(' ')).toMatch(/not a table name/);
    expect(
      await codeOf(
        as.auditor.versions.sqlView({ versionId, dialect: 'postgres', leadsTable: ' ' }),
      ),
    ).toBe('BAD_REQUEST');
    expect(
      await codeOf(
        as.auditor.versions.sqlView({
          versionId: '00000000-0000-4000-8000-000000000000',
          dialect: 'postgres',
          leadsTable: 'leads',
        }),
      ),
    ).toBe('NOT_FOUND');
  });
});
