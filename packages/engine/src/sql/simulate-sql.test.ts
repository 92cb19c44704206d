import { describe, expect, it } from 'vitest';
import { defaultCatalog } from '../catalog/default-catalog';
import { compile } from '../compile/compile';
import { defaultWorkflow } from '../defaults/default-workflow';
import { generateLeads } from '../generate/generate-leads';
import { parseWorkflow } from '../schema/parse-workflow';
import type { Workflow } from '../schema/workflow';
import { simulate } from '../simulate/simulate';
import { simulationSide } from '../simulate/simulation-side';
import {
  mergeSimulationSqlRows,
  offsetParams,
  simulationResultFromSqlRows,
  simulationSql,
} from './simulate-sql';

const AS_OF = Date.UTC(2026, 0, 1);

/** The default agreement with a lower MQL threshold and more points for large companies. */
function candidateWorkflow(): Workflow {
  const parsed = parseWorkflow(defaultWorkflow());
  if (!parsed.ok) throw new Error('default workflow does not parse');
  const workflow = structuredClone(parsed.workflow);
  for (const node of workflow.nodes) {
    if (node.kind === 'condition' && node.id === 'mql_threshold')
      (node.data.when as { all: { value?: unknown }[] }).all[1]!.value = 20;
    if (node.kind === 'scorecard')
      for (const row of node.data.rows) if (row.id === 'size_large') row.points = 25;
  }
  return workflow;
}

describe('offsetParams', () => {
  it('renumbers parameters and leaves quoted text and comments alone', () => {
    expect(offsetParams('select $1, $12 from t where a = $2', 3)).toBe(
      'select $4, $15 from t where a = $5',
    );
    expect(offsetParams(`select "x$1", 'it''s $2', "a""$3" -- $4\n, $1 /* $5 */`, 10)).toBe(
      `select "x$1", 'it''s $2', "a""$3" -- $4\n, $11 /* $5 */`,
    );
    expect(offsetParams('select $1', 0)).toBe('select $1');
  });

  it('refuses unterminated quotes instead of guessing', () => {
    expect(() => offsetParams(`select 'open $1`, 1)).toThrow(/Unterminated/);
  });
});

describe('simulationSql', () => {
  const compiled = {
    sql: 'select lead_id, stage, "score:fit", fired from x where a = $1',
    params: ['a'],
    scoreColumns: { fit: 'score:fit' },
    ruleKeys: [{ nodeId: 'start' }],
  };
  const leads = {
    relation: 'leads_view',
    key: 'k',
    position: 'pos',
    id: 'id',
    converted: 'conv',
  };

  it('joins both sides in one statement with the candidate parameters after the baseline ones', () => {
    const statements = simulationSql({ baseline: compiled, candidate: compiled, leads });
    expect(statements.prepare.params).toEqual(['a', 'a']);
    expect(statements.prepare.sql).toContain('where a = $1) as b');
    expect(statements.prepare.sql).toContain('where a = $2) as c');
    expect(statements.changed.sql).toContain('limit 100000');
  });

  it('names what is wrong with its options', () => {
    expect(() =>
      simulationSql({ baseline: compiled, candidate: compiled, leads, binWidth: 0 }),
    ).toThrow(/binWidth/);
    expect(() =>
      simulationSql({ baseline: compiled, candidate: compiled, leads, table: 'x; drop' }),
    ).toThrow(/plain identifier/);
    expect(() =>
      simulationSql({
        baseline: compiled,
        candidate: compiled,
        leads: { ...leads, id: 'a\u0000' },
      }),
    ).toThrow(/NUL/);
  });
});

describe('simulationResultFromSqlRows', () => {
  it('folds per-lead rows, grouped as the SQL groups them, into the JavaScript simulation result', () => {
    const leads = generateLeads({ count: 3000, seed: 11, asOf: AS_OF });
    // Some leads without an outcome, so outcome metrics count only the known ones.
    for (const lead of leads.slice(0, 200)) delete (lead as { outcome?: unknown }).outcome;
    const documents = { baseline: defaultWorkflow(), candidate: candidateWorkflow() };
    const expected = simulate(
      simulationSide(documents.baseline, { asOf: AS_OF, catalog: defaultCatalog }),
      simulationSide(documents.candidate, { asOf: AS_OF, catalog: defaultCatalog }),
      leads,
      { keepChanged: 50 },
    );

    // What the SQL answers, computed here lead by lead with the tally evaluator.
    const perLead = (['baseline', 'candidate'] as const).map((which) => {
      const c = compile(documents[which], defaultCatalog, { tally: true });
      if (!c.ok) throw new Error('does not compile');
      return {
        keys: c.tallyKeys,
        results: leads.map((lead) => {
          const hits = new Uint32Array(c.tallyKeys.length);
          const r = c.bindTally!({ asOf: AS_OF, hits })(lead);
          const fired = [...hits.keys()].filter((i) => hits[i]! > 0);
          return { ...r, fired };
        }),
      };
    });
    const [b, c] = perLead as [(typeof perLead)[0], (typeof perLead)[0]];
    const scores = Object.keys(b.results[0]!.scores);
    /** The four queries' rows over leads from … to − 1, as one SQL run over that slice answers them. */
    const rowsOf = (from: number, to: number, keep: number) => {
      const pairs = new Map<string, Record<string, unknown>>();
      const bins = new Map<string, Record<string, unknown>>();
      const hits = new Map<string, Record<string, unknown>>();
      const changed: Record<string, unknown>[] = [];
      const bump = (map: Map<string, Record<string, unknown>>, key: string, row: object) => {
        const into = map.get(key) ?? { ...row, leads: 0 };
        into.leads = (into.leads as number) + 1;
        map.set(key, into);
        return into;
      };
      leads.forEach((lead, i) => {
        if (i < from || i >= to) return;
        const rb = b.results[i]!;
        const rc = c.results[i]!;
        const pair = bump(pairs, `${rb.stage}>${rc.stage}`, {
          b_stage: rb.stage,
          c_stage: rc.stage,
          with_outcome: 0,
          converted: 0,
        });
        if (lead.outcome) {
          pair.with_outcome = (pair.with_outcome as number) + 1;
          if (lead.outcome.converted) pair.converted = (pair.converted as number) + 1;
        }
        for (const [side, r] of [
          ['baseline', rb],
          ['candidate', rc],
        ] as const) {
          scores.forEach((scoreId, s) => {
            const bin = Math.floor(r.scores[scoreId]! / 10);
            bump(bins, `${side}:${s}:${bin}`, { side, score: s, bin });
          });
          for (const rule of r.fired) bump(hits, `${side}:${rule}`, { side, rule });
        }
        if (rb.stage !== rc.stage && changed.length < keep)
          changed.push({
            position: BigInt(i),
            lead_id: lead.id,
            b_stage: rb.stage,
            c_stage: rc.stage,
            ...Object.fromEntries(scores.map((id, s) => [`b_${s}`, rb.scores[id]])),
            ...Object.fromEntries(scores.map((id, s) => [`c_${s}`, String(rc.scores[id])])),
          });
      });
      return {
        pairs: [...pairs.values()],
        bins: [...bins.values()],
        hits: [...hits.values()],
        changed,
      };
    };
    const layout = {
      scores: { baseline: scores, candidate: scores },
      ruleKeys: { baseline: b.keys, candidate: c.keys },
      binWidth: 10,
      keepChanged: 50,
    };
    const workflows = { baseline: documents.baseline, candidate: documents.candidate };
    const result = simulationResultFromSqlRows(layout, rowsOf(0, leads.length, 50), workflows);
    expect(result.changed.total).toBeGreaterThan(50);
    expect(result.outcomes?.baseline.leadsWithOutcome).toBe(2800);
    expect(result).toEqual(expected);

    // The same leads run in three slices (each keeps its own first 50 changed leads), added up.
    const slices = [rowsOf(0, 1000, 50), rowsOf(1000, 1700, 50), rowsOf(1700, leads.length, 50)];
    expect(slices.every((slice) => slice.changed.length === 50)).toBe(true);
    const merged = mergeSimulationSqlRows(layout, [slices[2]!, slices[0]!, slices[1]!]);
    expect(simulationResultFromSqlRows(layout, merged, workflows)).toEqual(expected);
  });

  it('refuses rows it cannot read', () => {
    const layout = {
      scores: { baseline: ['fit'], candidate: ['fit'] },
      ruleKeys: { baseline: [], candidate: [] },
      binWidth: 10,
      keepChanged: 100_000,
    };
    const workflows = { baseline: defaultWorkflow(), candidate: defaultWorkflow() };
    const empty = { pairs: [], bins: [], hits: [], changed: [] };
    expect(() =>
      simulationResultFromSqlRows(
        layout,
        { ...empty, hits: [{ side: 'baseline', rule: 3, leads: 1 }] },
        workflows,
      ),
    ).toThrow(/unknown rule/);
    expect(() =>
      simulationResultFromSqlRows(
        layout,
        { ...empty, pairs: [{ b_stage: 'mql', c_stage: 'mql', leads: null }] },
        workflows,
      ),
    ).toThrow(/answered null for leads/);
  });
});
