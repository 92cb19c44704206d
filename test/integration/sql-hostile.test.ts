/**
 * #21: texts of a document reach the database as data only. The engine's hostile documents and
 * hand-written injections in every text slot (values, ids, stage and tag names, field and
 * property names) are compiled to SQL and run, as bound parameters and as the inlined literals of
 * a view; a sentinel table made before stays as it was, on DuckDB and (with TEST_DATABASE_URL)
 * PostgreSQL, and where the texts are valid SQL text the results equal the JS evaluator's. As a
 * dbt model (`accord sql --dbt`), rendered by Jinja2 as dbt renders it, every text comes back as
 * written, Jinja-like text included: the query is the view's, character for character.
 */
import {
  compileSql,
  defaultCatalog,
  defaultWorkflow,
  extendCatalog,
  generateLeads,
  inlineParams,
  parseWorkflow,
  type FieldCatalog,
  type LeadInput,
  type Workflow,
} from '@accord/engine';
import { sqlView } from '@accord/api/warehouse/sql-view';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMutation, hostileValidDocument } from '../fuzz/support/documents';
import { renderDbtModel } from './support/jinja';
import {
  duckWarehouse,
  postgresWarehouse,
  runCompiled,
  runJs,
  type Warehouse,
} from './support/sql-warehouse';

const AS_OF = Date.UTC(2026, 2, 1);
const INJECTIONS = [
  "'); drop table sentinel; --",
  "'; delete from sentinel; select '",
  '"; drop table sentinel; --',
  '$1',
  '$2::text); drop table sentinel; --',
  '\\',
  "\\'; drop table sentinel; --",
  'it’s “quoted” ‘unicode’',
  '\u0000',
  "E'\\x27'",
  '*/ drop table sentinel; /*',
  '\u0001\u0001',
  '\uE0001\uE000',
  '\u00011\u0001',
];

const warehouses: Warehouse[] = [];
beforeAll(async () => {
  warehouses.push(await duckWarehouse());
  const pgw = await postgresWarehouse('sql_hostile');
  if (pgw) warehouses.push(pgw);
  for (const w of warehouses) {
    await w.query('CREATE TABLE sentinel (id INTEGER, note VARCHAR)');
    await w.query("INSERT INTO sentinel VALUES (1, 'untouched'), (2, 'still here')");
  }
});
afterAll(async () => {
  for (const w of warehouses) await w.close();
});

async function sentinelIntact(w: Warehouse) {
  const rows = await w.query('SELECT id, note FROM sentinel ORDER BY id');
  expect(
    rows.map((r) => [Number(r.id), r.note]),
    w.dialect,
  ).toEqual([
    [1, 'untouched'],
    [2, 'still here'],
  ]);
}

const leads = generateLeads({ count: 30, seed: 21, asOf: AS_OF }) as LeadInput[];

/** Compiles and runs (bound, then as a view's inlined literals); the results of both ways. */
async function runBoth(w: Warehouse, workflow: Workflow, catalog: FieldCatalog) {
  const compiled = compileSql(workflow, catalog, {
    dialect: w.dialect,
    leadsRelation: 'leads',
    eventsRelation: 'events',
    asOf: AS_OF,
  });
  if (!compiled.ok) return { refused: compiled.diagnostics.map((d) => d.code) };
  await w.load(leads, catalog);
  const bound = await runCompiled(w, compiled);
  const inlined = await runCompiled(w, {
    ...compiled,
    sql: inlineParams(compiled, w.dialect),
    params: [],
  });
  await sentinelIntact(w);
  return { bound, inlined };
}

/** The default catalog with a text field named after each text (NUL cannot be a field id). */
const catalogOf = (texts: readonly string[]) =>
  extendCatalog(defaultCatalog, {
    fields: texts
      .filter((t) => !t.includes('\u0000'))
      .map((id, i) => ({
        id,
        label: `Hostile ${i}`,
        type: 'string' as const,
        category: 'profile' as const,
      })),
  });

/**
 * The default workflow with `text` in every text slot: node, stage, score and tag ids renamed to
 * it, every text value of a comparison on a text field or a tag, and a condition on the field
 * named `text` comparing it to `text`.
 */
function documentWith(text: string): Workflow {
  const doc = structuredClone(defaultWorkflow()) as unknown as Record<string, unknown>;
  // Ids renamed to the text (node 0 is 'start', whose id is also its kind: rename another).
  for (const [which, at] of [
    ['node', 3],
    ['stage', 1],
    ['score', 0],
    ['tag', 0],
  ] as const)
    applyMutation(doc, { op: 'renameId', which, at, to: `${text}#${which}` });
  // Every text value of a comparison on a text field or a tag, and every tag value.
  const textTypes = new Set(['string', 'email', 'phone']);
  const json = JSON.stringify(doc, (_key, value: unknown) => {
    if (typeof value !== 'object' || value === null || !('value' in value)) return value;
    const o = value as {
      value: unknown;
      tag?: unknown;
      operand?: { kind: string; field?: string };
    };
    const field =
      o.operand?.kind === 'field'
        ? defaultCatalog.fields.find((f) => f.id === o.operand!.field)
        : undefined;
    const texty =
      (field && textTypes.has(field.type)) ||
      o.operand?.kind === 'tag' ||
      typeof o.tag === 'string';
    if (!texty || (typeof o.value !== 'string' && !Array.isArray(o.value))) return value;
    return { ...o, value: Array.isArray(o.value) ? [text, ...o.value] : text };
  });
  const parsed = parseWorkflow(JSON.parse(json));
  if (!parsed.ok) throw new Error(`not a workflow for ${JSON.stringify(text)}`);
  const workflow = parsed.workflow;
  if (!text.includes('\u0000'))
    workflow.nodes.push({
      id: 'hostile-field',
      kind: 'condition',
      label: text,
      position: { x: 0, y: 0 },
      data: { when: { operand: { kind: 'field', field: text }, op: 'eq', value: text } },
    });
  return workflow;
}

describe('compileSql keeps document texts as data', () => {
  it('injections in every text slot stay literals, bound or inlined', async () => {
    const catalog = catalogOf(INJECTIONS);
    let ran = 0;
    for (const text of INJECTIONS) {
      const workflow = documentWith(text);
      for (const w of warehouses) {
        const out = await runBoth(w, workflow, catalog);
        if ('refused' in out) {
          // NUL cannot be SQL text: refused by name, never sent.
          expect(out.refused, JSON.stringify(text)).toEqual(['not-in-sql']);
          expect(text).toContain('\u0000');
          continue;
        }
        ran++;
        const js = runJs(workflow, catalog, leads, AS_OF);
        for (const lead of leads) {
          expect(out.bound.get(lead.id), `${w.dialect} ${JSON.stringify(text)}`).toEqual(
            js.get(lead.id),
          );
          expect(out.inlined.get(lead.id), `${w.dialect} inlined ${JSON.stringify(text)}`).toEqual(
            js.get(lead.id),
          );
        }
      }
    }
    expect(ran).toBe((INJECTIONS.length - 1) * warehouses.length);
  });

  it('as a dbt model, Jinja renders every text back as written: the query is the view’s', async () => {
    // What dbt's Jinja would run, evaluate or swallow, and text around the model's own tags.
    const jinja = [
      '{{ 7 * 7 }}',
      '{% for i in range(3) %}x{% endfor %}',
      '{# hidden #}',
      "{{ config.__class__.__init__.__globals__['os'] }}",
      '{%',
      '{{',
      '}} {{',
      'ends with {',
      '{% raw %}',
      "{{ '}}' }}",
      '{%- if true -%}',
      ...INJECTIONS.filter((t) => !t.includes('\u0000')),
    ];
    const catalog = catalogOf(jinja);
    const relations = { 'ref:leads': '"leads"', 'source:crm.events': '"events"' };
    for (const text of jinja) {
      const input = {
        ...{ workflow: documentWith(text), catalog, slug: 'hostile', version: 1 },
        ...{ workflowHash: 'w', catalogHash: 'c', asOf: new Date(AS_OF).toISOString() },
        ...{ dialect: 'duckdb' as const, leadsTable: 'leads' },
      };
      const view = sqlView({ ...input, eventsTable: 'events' });
      const model = sqlView({ ...input, eventsTable: 'crm.events', dbt: true });
      if (!view.ok || !model.ok) throw new Error(`${JSON.stringify(text)} was refused`);
      const at = view.sql.indexOf('\nCREATE OR REPLACE VIEW ');
      const header = view.sql.slice(0, at).split('\n');
      const body = view.sql.slice(view.sql.indexOf(' AS\n', at) + 4, -2);
      const rendered = renderDbtModel(model.sql, relations);
      const lines = rendered.split('\n');
      // The header as the view's (the line naming the tables aside), then the query, unchanged.
      const kept = (line: string) => !/^-- (reads |a dbt model:)/.test(line);
      expect(lines.filter(kept).slice(0, header.length - 1), JSON.stringify(text)).toEqual(
        header.filter(kept),
      );
      expect(rendered.endsWith(`\n${body}`) || rendered.endsWith(`\n${body}\n`)).toBe(true);
    }
    // Text that would end a raw block early is refused, not written.
    const closing = sqlView({
      ...{ workflow: documentWith('{% endraw %}{{ 7 * 7 }}'), catalog: catalogOf(['x']) },
      ...{ slug: 'hostile', version: 1, workflowHash: 'w', catalogHash: 'c' },
      ...{ dialect: 'duckdb', leadsTable: 'leads', dbt: true },
    });
    expect(closing.ok).toBe(false);
  });

  it("the engine's hostile documents run and touch nothing", async () => {
    let ran = 0;
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(hostileValidDocument, async (doc) => {
        const parsed = parseWorkflow(doc);
        if (!parsed.ok) return;
        for (const w of warehouses) {
          const out = await runBoth(w, parsed.workflow, defaultCatalog);
          if ('refused' in out) refused++;
          else ran++;
          await sentinelIntact(w);
        }
      }),
      { seed: 2122, numRuns: 40 },
    );
    expect(ran).toBeGreaterThan(15);
    expect(refused + ran).toBeGreaterThan(0);
  });
});
