import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../catalog/default-catalog';
import { compile } from '../compile/compile';
import { defaultWorkflow } from '../defaults/default-workflow';
import { parseWorkflow } from '../schema/parse-workflow';
import type { Workflow } from '../schema/workflow';
import { compileSql, compileSqlSides } from './compile-sql';

const workflow = (): Workflow => {
  const parsed = parseWorkflow(defaultWorkflow());
  if (!parsed.ok) throw new Error('default workflow');
  return parsed.workflow;
};
const options = {
  dialect: 'postgres',
  leadsRelation: 'leads',
  eventsRelation: 'events',
  asOf: '2026-01-01',
} as const;

describe('compileSql', () => {
  it('keeps every text of the document out of the SQL: they are parameters', () => {
    const w = workflow();
    const q = compileSql(w, defaultCatalog, options);
    if (!q.ok) throw new Error(JSON.stringify(q.diagnostics));
    const texts = new Set<string>();
    JSON.stringify(w, (_k, v: unknown) => {
      if (typeof v === 'string' && v.length > 3) texts.add(v.toLowerCase());
      return v;
    });
    for (const t of texts) expect(q.sql.toLowerCase().includes(`'${t}'`), t).toBe(false);
    expect(q.params).toContain('gmail.com');
    expect(q.sql).toMatch(/\$1\b/);
  });

  it('numbers its parameters in order of use, each bound once', () => {
    const q = compileSql(workflow(), defaultCatalog, { ...options, dialect: 'duckdb' });
    if (!q.ok) throw new Error('compile');
    const used = [...q.sql.matchAll(/\$(\d+)/g)].map((m) => Number(m[1]));
    expect(Math.max(...used)).toBe(q.params.length);
    expect(new Set(used).size).toBe(q.params.length);
  });

  it('names the rule keys of the JS tally and a column per score', () => {
    const w = workflow();
    const q = compileSql(w, defaultCatalog, options);
    const js = compile(w, defaultCatalog, { tally: true });
    if (!q.ok || !js.ok) throw new Error('compile');
    expect(q.ruleKeys).toEqual(js.tallyKeys);
    expect(q.scoreColumns).toEqual({ fit: 'score:fit', engagement: 'score:engagement' });
    expect(q.sql).toContain('AS "score:fit"');
  });

  it('reads event properties from typed columns when given, instead of the JSON', () => {
    const props = Object.fromEntries(
      defaultCatalog.events.flatMap((e) => e.props).map((p) => [p.id, `prop:${p.id}`]),
    );
    const json = compileSql(workflow(), defaultCatalog, options);
    const typed = compileSql(workflow(), defaultCatalog, { ...options, eventPropColumns: props });
    if (!json.ok || !typed.ok) throw new Error('compile');
    expect(json.sql).toMatch(/jsonb_typeof/);
    expect(typed.sql).not.toMatch(/jsonb_typeof/);
    expect(typed.sql).toMatch(/"prop:path"/);
  });

  it('folds the events in lead order when the relation reads in that order (PostgreSQL only)', () => {
    const sqlOf = (extra: Partial<Parameters<typeof compileSql>[2]>) => {
      const q = compileSql(workflow(), defaultCatalog, { ...options, ...extra });
      if (!q.ok) throw new Error('compile');
      return q.sql;
    };
    const ordered = sqlOf({ eventsInLeadOrder: true });
    // Inside both fenced projections: a subquery PostgreSQL flattens loses its ORDER BY.
    expect(ordered).toContain('ORDER BY lid OFFSET 0');
    expect(ordered).toContain('ORDER BY x.lid OFFSET 0');
    expect(sqlOf({})).not.toContain('ORDER BY');
    expect(sqlOf({ eventsInLeadOrder: true, dialect: 'duckdb' })).not.toContain('ORDER BY');
    expect(
      sqlOf({ eventsInLeadOrder: true, eventsOfLead: true, leadIdColumn: 'id' }),
    ).not.toContain('ORDER BY');
  });

  it('reads each field, event aggregate and value once for two workflows in one query', () => {
    const one = compileSql(workflow(), defaultCatalog, options);
    const side = { workflow: workflow(), catalog: defaultCatalog };
    const both = compileSqlSides([side, side], { ...options, carry: { position: 'position' } });
    if (!one.ok || !both.ok) throw new Error('compile');
    const count = (sql: string, pattern: RegExp) => sql.match(pattern)?.length ?? 0;
    expect(count(both.sql, / AS f\d+\b/g)).toBe(count(one.sql, / AS f\d+\b/g));
    expect(count(both.sql, /FILTER \(WHERE/g)).toBe(count(one.sql, /FILTER \(WHERE/g));
    // Two alike workflows compute every test, route and score once; only the answers are twice.
    expect(count(one.sql, / AS z\d+\b/g)).toBeGreaterThan(40);
    expect(count(both.sql, / AS z\d+\b/g)).toBe(count(one.sql, / AS z\d+\b/g));
    expect(both.sql).toMatch(/^SELECT lead_id, k_position AS position, w0_stage/);
    expect(both.sides.map((s) => [s.stage, s.firedWords])).toEqual([
      ['w0_stage', ['w0_fm0']],
      ['w1_stage', ['w1_fm0']],
    ]);
    expect(both.sides[1]!.ruleKeys).toEqual(one.ruleKeys);
    expect(Object.keys(both.sides[0]!.scoreColumns)).toEqual(Object.keys(one.scoreColumns));
  });

  it('refuses a carried column name that could stand for another column', () => {
    const side = { workflow: workflow(), catalog: defaultCatalog };
    for (const name of ['w0_stage', 'lead_id', 'Position', 'a"b'])
      expect(() => compileSqlSides([side], { ...options, carry: { [name]: 'x' } })).toThrow(
        RangeError,
      );
  });

  it('refuses, by name, what SQL cannot do exactly and what does not validate', () => {
    const w = workflow();
    const withNul = JSON.parse(
      JSON.stringify(w).replace('"Mid-market"', '"Mid\\u0000market"'),
    ) as Workflow;
    const nul = compileSql(withNul, defaultCatalog, options);
    expect(nul.ok).toBe(false);
    if (!nul.ok) expect(nul.diagnostics.map((d) => d.code)).toEqual(['not-in-sql']);
    const broken = compileSql(
      { ...w, nodes: w.nodes.filter((n) => n.kind !== 'start') },
      defaultCatalog,
      options,
    );
    expect(broken.ok).toBe(false);
    if (!broken.ok) expect(broken.diagnostics.map((d) => d.code)).toContain('missing-start');
    const noEvents = compileSql(w, defaultCatalog, { dialect: 'postgres', leadsRelation: 'leads' });
    expect(noEvents.ok).toBe(false);
    if (!noEvents.ok) expect(noEvents.diagnostics[0]!.message).toMatch(/events relation is needed/);
  });
});
