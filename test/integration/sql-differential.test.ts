/**
 * #21: the agreement compiled to SQL gives, lead by lead, the JavaScript evaluator's stage, scores
 * and fired rules: random workflows of every node kind × messy leads, on DuckDB (in process,
 * always) and on PostgreSQL (when TEST_DATABASE_URL is set).
 */
import {
  compileSql,
  compileSqlSides,
  defaultCatalog,
  defaultWorkflow,
  generateLeads,
  parseWorkflow,
  type LeadInput,
  type Workflow,
} from '@accord/engine';
import { leadArb, workflowArb } from '@accord/engine/testing';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  duckWarehouse,
  postgresWarehouse,
  runCompiled,
  runJs,
  type Warehouse,
} from './support/sql-warehouse';

const AS_OF = Date.UTC(2026, 2, 1);
const SEED = Number(process.env.SQL_DIFF_SEED ?? 2121);

const propColumns = Object.fromEntries(
  defaultCatalog.events.flatMap((e) => e.props).map((p) => [p.id, `prop:${p.id}`]),
);

const warehouses: Warehouse[] = [];
beforeAll(async () => {
  warehouses.push(await duckWarehouse());
  const pgw = await postgresWarehouse('sql_differential');
  if (pgw) warehouses.push(pgw);
});
afterAll(async () => {
  for (const w of warehouses) await w.close();
});

async function agree(
  workflow: Workflow,
  leads: LeadInput[],
  normalizedText = false,
  together = true,
) {
  const asOf = AS_OF;
  const js = runJs(workflow, defaultCatalog, leads, asOf);
  for (const w of warehouses) {
    const compiled = compileSql(workflow, defaultCatalog, {
      dialect: w.dialect,
      leadsRelation: 'leads',
      eventsRelation: 'events',
      asOf,
      normalizedText,
      // With normalised text, properties come from the typed columns instead of the JSON.
      ...(normalizedText ? { eventPropColumns: propColumns } : {}),
    });
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.diagnostics));
    await w.load(leads, defaultCatalog, '', { normalized: normalizedText });
    const sql = await runCompiled(w, compiled);
    expect(sql.size, w.dialect).toBe(leads.length);
    for (const lead of leads)
      expect(sql.get(lead.id), `${w.dialect} ${lead.id}`).toEqual(js.get(lead.id));
    if (together) await agreeTogether(w, workflow, leads, normalizedText);
  }
}

const defaultDocument = parseWorkflow(defaultWorkflow());
if (!defaultDocument.ok) throw new Error('default workflow');

/**
 * The workflow and the default agreement in one query (as simulations run them: fields and
 * events shared): each side answers, lead by lead, what the JavaScript evaluator answers.
 */
async function agreeTogether(
  w: Warehouse,
  workflow: Workflow,
  leads: LeadInput[],
  normalizedText: boolean,
) {
  const workflows = [workflow, defaultDocument.ok ? defaultDocument.workflow : workflow];
  const together = compileSqlSides(
    workflows.map((wf) => ({
      workflow: wf,
      catalog: defaultCatalog,
      ...(normalizedText ? { eventPropColumns: propColumns } : {}),
    })),
    {
      dialect: w.dialect,
      leadsRelation: 'leads',
      eventsRelation: 'events',
      asOf: AS_OF,
      normalizedText,
      carry: { lead: 'id' },
    },
  );
  if (!together.ok) throw new Error(JSON.stringify(together.diagnostics));
  const rows = await w.query(together.sql, together.params);
  expect(rows.length).toBe(leads.length);
  for (const [i, side] of together.sides.entries()) {
    const js = runJs(workflows[i]!, defaultCatalog, leads, AS_OF);
    for (const row of rows) {
      const scores: Record<string, number> = {};
      for (const [id, col] of Object.entries(side.scoreColumns)) scores[id] = Number(row[col]) + 0;
      const fired = side.ruleKeys.flatMap((_, key) =>
        (BigInt(String(row[side.firedWords[Math.floor(key / 63)]!])) >> BigInt(key % 63)) & 1n
          ? [key]
          : [],
      );
      const got = {
        leadId: String(row.lead),
        stage: (row[side.stage] as string | null) ?? null,
        scores,
        fired,
      };
      expect(got, `${w.dialect} side ${i} ${got.leadId}`).toEqual(js.get(got.leadId));
    }
  }
}

describe('compileSql equals the JavaScript evaluator', () => {
  it('on the default agreement over 400 generated leads', async () => {
    const leads = generateLeads({ count: 400, seed: 7 }) as LeadInput[];
    const workflow = parseWorkflow(defaultWorkflow());
    if (!workflow.ok) throw new Error('default workflow');
    await agree(workflow.workflow, leads);
    await agree(workflow.workflow, leads, true);
  });

  it('with more rule keys than one 63-bit word holds (each scorecard row four times)', async () => {
    const document = defaultWorkflow();
    for (const node of document.nodes)
      if (node.kind === 'scorecard')
        node.data.rows = [0, 1, 2, 3].flatMap((copy) =>
          node.data.rows.map((row) => ({ ...row, id: copy ? `${row.id}_${copy}` : row.id })),
        );
    const workflow = parseWorkflow(document);
    if (!workflow.ok) throw new Error('workflow');
    const compiled = compileSql(workflow.workflow, defaultCatalog, {
      dialect: 'duckdb',
      leadsRelation: 'leads',
      asOf: AS_OF,
      eventsRelation: 'events',
    });
    if (!compiled.ok) throw new Error('compile');
    expect(compiled.ruleKeys.length).toBeGreaterThan(63);
    await agree(workflow.workflow, generateLeads({ count: 300, seed: 11 }) as LeadInput[]);
  });

  it('on random workflows of every node kind × messy leads', async () => {
    const kinds = new Set<string>();
    let compiled = 0;
    await fc.assert(
      fc.asyncProperty(
        workflowArb,
        fc.array(leadArb, { minLength: 1, maxLength: 12 }),
        async (workflow, raw) => {
          const leads = raw.map((l, i) => ({ ...l, id: `L${i}` }));
          const sql = compileSql(workflow, defaultCatalog, {
            dialect: 'duckdb',
            leadsRelation: 'leads',
            eventsRelation: 'events',
            asOf: AS_OF,
          });
          if (!sql.ok) {
            // Only what SQL cannot do exactly may be refused, and it is named.
            expect(sql.diagnostics.map((d) => d.code)).toEqual(['not-in-sql']);
            return;
          }
          compiled++;
          for (const n of workflow.nodes) kinds.add(n.kind);
          // Half the runs read text the loader normalised (the faster `normalizedText` query).
          // A sixth of them also in one query with the default agreement (as simulations run).
          await agree(workflow, leads, leads.length % 2 === 0, compiled % 6 === 0);
        },
      ),
      { seed: SEED, numRuns: Number(process.env.SQL_DIFF_RUNS ?? 300) },
    );
    expect(compiled).toBeGreaterThan(60);
    expect([...kinds].sort()).toEqual([
      'assign',
      'checklist',
      'condition',
      'scorecard',
      'stage',
      'start',
      'switch',
      'table',
    ]);
  });
});
