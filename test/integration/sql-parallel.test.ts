/**
 * #21: the compiled query is per-lead work plus decomposable aggregates, so PostgreSQL runs it in
 * parallel over a leads table partitioned four ways (hash on id) — the shape Citus distributes.
 * PostgreSQL only (TEST_DATABASE_URL); DuckDB parallelises on its own.
 */
import {
  compileSql,
  defaultCatalog,
  defaultWorkflow,
  generateLeads,
  parseWorkflow,
  quoteIdent,
  type LeadInput,
} from '@accord/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresWarehouse, runJs, type Warehouse } from './support/sql-warehouse';

const AS_OF = Date.UTC(2026, 0, 1);
const url = process.env.TEST_DATABASE_URL;

describe.runIf(url)('compileSql on partitioned PostgreSQL with parallel query', () => {
  let w: Warehouse;
  const leads = generateLeads({ count: 6000, seed: 4, asOf: AS_OF }) as LeadInput[];
  beforeAll(async () => {
    w = (await postgresWarehouse('sql_parallel'))!;
    await w.load(leads, defaultCatalog, 'flat_');
    const columns = await w.query(
      `SELECT column_name, data_type, udt_name FROM information_schema.columns WHERE table_schema = 'sql_parallel' AND table_name = 'flat_leads' ORDER BY ordinal_position`,
    );
    const defs = columns.map(
      (c) =>
        `${quoteIdent(String(c.column_name))} ${c.data_type === 'ARRAY' ? `${String(c.udt_name).slice(1)}[]` : c.data_type}`,
    );
    await w.query(`CREATE TABLE leads (${defs.join(', ')}) PARTITION BY HASH (id)`);
    for (let i = 0; i < 4; i++)
      await w.query(
        `CREATE TABLE leads_p${i} PARTITION OF leads FOR VALUES WITH (MODULUS 4, REMAINDER ${i})`,
      );
    await w.query('INSERT INTO leads SELECT * FROM flat_leads');
    await w.query('ALTER TABLE flat_events RENAME TO events');
    await w.query('ANALYZE leads');
    await w.query('ANALYZE events');
    for (const setting of [
      'max_parallel_workers_per_gather = 2',
      'parallel_setup_cost = 0',
      'parallel_tuple_cost = 0',
      'min_parallel_table_scan_size = 0',
    ])
      await w.query(`SET ${setting}`);
  });
  afterAll(async () => {
    await w?.close();
  });

  it('plans a Gather over parallel scans of the partitions and counts stages as JS does', async () => {
    const parsed = parseWorkflow(defaultWorkflow());
    if (!parsed.ok) throw new Error('default workflow');
    const compiled = compileSql(parsed.workflow, defaultCatalog, {
      dialect: 'postgres',
      leadsRelation: 'leads',
      eventsRelation: 'events',
      asOf: AS_OF,
    });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
    const perStage = `SELECT stage, count(*) AS n FROM (${compiled.sql}) AS r GROUP BY stage ORDER BY stage`;
    const plan = (await w.query(`EXPLAIN ${perStage}`, compiled.params))
      .map((r) => String(r['QUERY PLAN']))
      .join('\n');
    expect(plan).toMatch(/Gather/);
    expect(plan).toMatch(/Parallel Append/);
    expect(plan).toMatch(/Parallel Seq Scan on leads_p\d/);
    const rows = await w.query(perStage, compiled.params);
    const js = new Map<string, number>();
    for (const r of runJs(parsed.workflow, defaultCatalog, leads, AS_OF).values())
      js.set(r.stage!, (js.get(r.stage!) ?? 0) + 1);
    expect(Object.fromEntries(rows.map((r) => [r.stage, Number(r.n)]))).toEqual(
      Object.fromEntries(js),
    );
  });
});
