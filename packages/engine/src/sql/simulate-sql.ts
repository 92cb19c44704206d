/**
 * A side-by-side simulation as SQL: two compiled per-lead queries (baseline and candidate, from
 * `compileSql`) over the same leads, joined lead by lead into one temporary table, then folded by
 * a few aggregate queries into the counts `simulationResultFromCounts` turns into the very result
 * the JavaScript simulation gives (funnel, matrix, histograms, coverage, changed leads, outcomes).
 * Pure: it writes SQL and reads rows; running it is the caller's (PostgreSQL, DuckDB).
 */
import type { TallyKey } from '../compile/compile';
import type { SqlSideColumns } from './compile-sql';
import { quoteIdent as ident } from './quote';
import { replaceSqlParams } from './scan';
import {
  simulationResultFromCounts,
  type ChangedLead,
  type SimulatedWorkflow,
  type SimulationResult,
} from '../simulate/simulate';

/** What the simulation needs of a compiled per-lead query (a `compileSql` success). */
export interface CompiledSideSql {
  /** One SELECT answering lead_id, stage, one column per score and `fired` (indices into ruleKeys). */
  sql: string;
  /** Its positional parameters, `$1 …`. */
  params: readonly unknown[];
  /** Score id → its output column. */
  scoreColumns: Readonly<Record<string, string>>;
  ruleKeys: readonly TallyKey[];
}

/**
 * The leads both sides read, as the simulation needs them beside the compiled queries: `key` is
 * what the compiled queries answer as `lead_id` (unique per lead), `position` orders the input
 * (changed leads are kept in that order), `id` is the lead's own id and `converted` its outcome
 * (boolean, or NULL where the lead has none). Column names are quoted here; `relation` is
 * inserted as written (a table name or a parenthesised subquery the caller made safe).
 */
export interface SimulationLeadsRelation {
  relation: string;
  key: string;
  position: string;
  id: string;
  converted: string;
}

/**
 * Both sides compiled into one query (`compileSqlSides` with the leads' position, id and outcome
 * carried): the fields and events are read once for both, and no join pairs the sides up.
 */
export interface CompiledSidesSql {
  sql: string;
  params: readonly unknown[];
  /** The query's columns holding each lead's position, id and outcome (as `SimulationLeadsRelation`). */
  carried: { position: string; id: string; converted: string };
  baseline: SqlSideColumns;
  candidate: SqlSideColumns;
}

export type SimulationSqlInput = SimulationSqlOptions &
  (
    | { baseline: CompiledSideSql; candidate: CompiledSideSql; leads: SimulationLeadsRelation }
    | { sides: CompiledSidesSql }
  );

export interface SimulationSqlOptions {
  /** Width of a score histogram bin (default 10, as the JavaScript simulation). */
  binWidth?: number;
  /** Changed leads to keep (default 100,000, as the JavaScript simulation). */
  keepChanged?: number;
  /** Name of the temporary table (default `accord_simulation`): a plain identifier. */
  table?: string;
}

export interface SqlStatement {
  sql: string;
  params: unknown[];
}

/** The statements of one SQL simulation, run in order on ONE connection (temporary tables). */
export interface SimulationSql {
  /** Evaluates every lead on both sides into the temporary table. */
  prepare: SqlStatement;
  /** Leads per pair of stages, with outcomes: `b_stage, c_stage, leads, with_outcome, converted`. */
  pairs: SqlStatement;
  /** Leads per side, score and bin: `side, score, bin, leads`. */
  bins: SqlStatement;
  /** Leads per side and rule key index: `side, rule, leads`. */
  hits: SqlStatement;
  /** The first changed leads: `position, lead_id, b_stage, c_stage, b_0 …, c_0 …`. */
  changed: SqlStatement;
  /** Drops the temporary table. */
  cleanup: SqlStatement;
  /** What reading the rows needs to know. */
  layout: {
    scores: Record<'baseline' | 'candidate', string[]>;
    ruleKeys: Record<'baseline' | 'candidate', readonly TallyKey[]>;
    binWidth: number;
    /** Changed leads the `changed` query keeps. */
    keepChanged: number;
  };
}

const PLAIN_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const SIDES = ['baseline', 'candidate'] as const;
const SIDE_PREFIX = { baseline: 'b', candidate: 'c' } as const;

/**
 * The SQL text with every positional parameter `$n` renumbered `$(n + offset)`, so two compiled
 * queries share one statement. Quoted identifiers, string literals and comments are copied
 * untouched: only parameters outside them move.
 * @example offsetParams('select $1, "$1"', 2) // 'select $3, "$1"'
 */
export function offsetParams(sql: string, offset: number): string {
  if (offset === 0) return sql;
  return replaceSqlParams(sql, (n) => `$${n + offset}`);
}

/**
 * The statements of a side-by-side simulation in SQL (PostgreSQL and DuckDB read them alike).
 * Run `prepare`, then the four queries, then `cleanup`, on one connection; fold the rows with
 * `simulationResultFromSqlRows`.
 * @example
 * const statements = simulationSql({ baseline, candidate, leads });
 * await run(statements.prepare); const pairs = await run(statements.pairs); …
 */
export function simulationSql(input: SimulationSqlInput): SimulationSql {
  const binWidth = input.binWidth ?? 10;
  const keepChanged = input.keepChanged ?? 100_000;
  if (!(Number.isFinite(binWidth) && binWidth > 0))
    throw new RangeError(`binWidth must be a positive number (got ${binWidth}).`);
  if (!(Number.isInteger(keepChanged) && keepChanged >= 0))
    throw new RangeError(`keepChanged must be a whole number ≥ 0 (got ${keepChanged}).`);
  const table = input.table ?? 'accord_simulation';
  if (!PLAIN_IDENTIFIER.test(table))
    throw new RangeError(`The temporary table name "${table}" is not a plain identifier.`);
  const t = ident(table);
  const { prepare, scores, ruleKeys, hits } =
    'sides' in input ? togetherTable(t, input.sides) : joinedTable(t, input);
  const none = (sql: string): SqlStatement => ({ sql, params: [] });
  const pairs = none(
    `select b_stage, c_stage, count(*) as leads, count(converted) as with_outcome,\n` +
      `  sum(case when converted then 1 else 0 end) as converted\n` +
      `from ${t} group by b_stage, c_stage`,
  );
  const binSelects = SIDES.flatMap((side) =>
    scores[side].map((_, i) => {
      const column = `${SIDE_PREFIX[side]}_${i}`;
      return (
        `select '${side}' as side, ${i} as score, floor(${column} / ${binWidth}) as bin, count(*) as leads\n` +
        `from ${t} where ${column} is not null group by floor(${column} / ${binWidth})`
      );
    }),
  );
  const bins = none(
    binSelects.length
      ? binSelects.join('\nunion all\n')
      : `select 'baseline' as side, 0 as score, 0 as bin, 0 as leads where false`,
  );
  const changedColumns = SIDES.flatMap((side) =>
    scores[side].map((_, i) => `${SIDE_PREFIX[side]}_${i}`),
  );
  const changed = none(
    `select position, lead_id, b_stage, c_stage${changedColumns.map((c) => `, ${c}`).join('')}\n` +
      `from ${t} where b_stage <> c_stage order by position limit ${keepChanged}`,
  );
  return {
    prepare,
    pairs,
    bins,
    hits,
    changed,
    cleanup: none(`drop table if exists ${t}`),
    layout: { scores, ruleKeys, binWidth, keepChanged },
  };
}

type Sides<T> = Record<'baseline' | 'candidate', T>;

/** Two compiled queries joined to the leads relation lead by lead; hits by unnesting `fired`. */
function joinedTable(
  t: string,
  input: { baseline: CompiledSideSql; candidate: CompiledSideSql; leads: SimulationLeadsRelation },
) {
  const scores: Sides<string[]> = {
    baseline: Object.keys(input.baseline.scoreColumns),
    candidate: Object.keys(input.candidate.scoreColumns),
  };
  const l = input.leads;
  const scoreColumns = SIDES.flatMap((side) =>
    scores[side].map(
      (scoreId, i) =>
        `cast(${SIDE_PREFIX[side]}.${ident(input[side].scoreColumns[scoreId]!)} as double precision) as ${SIDE_PREFIX[side]}_${i}`,
    ),
  );
  const prepare: SqlStatement = {
    sql: [
      `create temporary table ${t} as`,
      `select l.${ident(l.position)} as position, l.${ident(l.id)} as lead_id, l.${ident(l.converted)} as converted,`,
      `  b.stage as b_stage, c.stage as c_stage,`,
      ...scoreColumns.map((column) => `  ${column},`),
      `  b.fired as b_fired, c.fired as c_fired`,
      `from ${l.relation} as l`,
      `join (${input.baseline.sql}) as b on b.lead_id = l.${ident(l.key)}`,
      `join (${offsetParams(input.candidate.sql, input.baseline.params.length)}) as c on c.lead_id = l.${ident(l.key)}`,
    ].join('\n'),
    params: [...input.baseline.params, ...input.candidate.params],
  };
  const hits: SqlStatement = {
    sql: SIDES.map(
      (side) =>
        `select '${side}' as side, r as rule, count(*) as leads\n` +
        `from ${t}, unnest(${SIDE_PREFIX[side]}_fired) as u(r) group by r`,
    ).join('\nunion all\n'),
    params: [],
  };
  const ruleKeys = { baseline: input.baseline.ruleKeys, candidate: input.candidate.ruleKeys };
  return { prepare, scores, ruleKeys, hits };
}

/** One query answering both sides; hits counted from the fired bit words, in one pass. */
function togetherTable(t: string, q: CompiledSidesSql) {
  const scores: Sides<string[]> = {
    baseline: Object.keys(q.baseline.scoreColumns),
    candidate: Object.keys(q.candidate.scoreColumns),
  };
  const columns = SIDES.flatMap((side) => {
    const p = SIDE_PREFIX[side];
    return [
      `q.${ident(q[side].stage)} as ${p}_stage`,
      ...scores[side].map(
        (scoreId, i) =>
          `cast(q.${ident(q[side].scoreColumns[scoreId]!)} as double precision) as ${p}_${i}`,
      ),
      ...q[side].firedWords.map((word, w) => `q.${ident(word)} as ${p}_w${w}`),
    ];
  });
  const prepare: SqlStatement = {
    sql: [
      `create temporary table ${t} as`,
      `select q.${ident(q.carried.position)} as position, q.${ident(q.carried.id)} as lead_id, q.${ident(q.carried.converted)} as converted,`,
      `  ${columns.join(',\n  ')}`,
      `from (${q.sql}) as q`,
    ].join('\n'),
    params: [...q.params],
  };
  // Leads grouped by their fired words first (few distinct combinations; both sides' words in one
  // grouping, one pass over the table), then every rule's bit summed over the groups in one pass,
  // one column a rule, turned into a row a rule: far cheaper than a list, or a bit test, per lead
  // (a join of groups × rules had to sort ~1M rows at 200k leads).
  const allWords = SIDES.flatMap((side) =>
    q[side].firedWords.map((_, w) => `${SIDE_PREFIX[side]}_w${w}`),
  );
  const perSide = SIDES.flatMap((side) => {
    const p = SIDE_PREFIX[side];
    const words = q[side].firedWords.map((_, w) => `${p}_w${w}`);
    if (q[side].ruleKeys.length === 0 || words.length === 0) return [];
    const sums = q[side].ruleKeys.map(
      (_, i) => `sum(((g.${words[Math.floor(i / 63)]} >> ${i % 63}) & 1) * g.n) as h${i}`,
    );
    const leads = `(case r.rule ${q[side].ruleKeys.map((_, i) => `when ${i} then s.h${i}`).join(' ')} end)`;
    return [
      `select '${side}' as side, r.rule, ${leads} as leads\n` +
        `from (select ${sums.join(', ')} from g) as s\n` +
        `cross join (values ${q[side].ruleKeys.map((_, i) => `(${i})`).join(', ')}) as r(rule)\n` +
        `where ${leads} > 0`,
    ];
  });
  const hits: SqlStatement = {
    sql: perSide.length
      ? `with g as (select ${allWords.join(', ')}, count(*) as n from ${t} group by ${allWords.join(', ')})\n` +
        perSide.join('\nunion all\n')
      : `select 'baseline' as side, 0 as rule, 0 as leads where false`,
    params: [],
  };
  const ruleKeys = { baseline: q.baseline.ruleKeys, candidate: q.candidate.ruleKeys };
  return { prepare, scores, ruleKeys, hits };
}

type Row = Record<string, unknown>;

/** A count or number as a database driver answers it (bigint, numeric text, number). */
function num(value: unknown, what: string): number {
  const n = typeof value === 'bigint' ? Number(value) : Number(value);
  if (value === null || value === undefined || !Number.isFinite(n))
    throw new Error(`The SQL simulation answered ${String(value)} for ${what}.`);
  return n;
}

function side(value: unknown): 'baseline' | 'candidate' {
  if (value === 'baseline' || value === 'candidate') return value;
  throw new Error(`The SQL simulation answered an unknown side ${String(value)}.`);
}

/**
 * The simulation result from the rows of `simulationSql`'s four queries: exactly what
 * `createSimulation` gives for the same leads and the same two workflows.
 * @example const result = simulationResultFromSqlRows(statements.layout, rows, { baseline, candidate });
 */
export function simulationResultFromSqlRows(
  layout: SimulationSql['layout'],
  rows: { pairs: Row[]; bins: Row[]; hits: Row[]; changed: Row[] },
  workflows: { baseline: SimulatedWorkflow; candidate: SimulatedWorkflow },
): SimulationResult {
  const pairs = rows.pairs.map((row) => ({
    from: String(row.b_stage),
    to: String(row.c_stage),
    leads: num(row.leads, 'leads'),
    withOutcome: num(row.with_outcome, 'leads with an outcome'),
    converted: num(row.converted, 'converted leads'),
  }));
  const bins: Record<'baseline' | 'candidate', { scoreId: string; bin: number; leads: number }[]> =
    { baseline: [], candidate: [] };
  for (const row of rows.bins) {
    const which = side(row.side);
    const scoreId = layout.scores[which][num(row.score, 'a score index')];
    if (scoreId === undefined) throw new Error(`The SQL simulation answered an unknown score.`);
    bins[which].push({
      scoreId,
      bin: num(row.bin, 'a histogram bin'),
      leads: num(row.leads, 'leads'),
    });
  }
  const hits: Record<
    'baseline' | 'candidate',
    { nodeId: string; rowId?: string; leads: number }[]
  > = { baseline: [], candidate: [] };
  for (const row of rows.hits) {
    const which = side(row.side);
    const key = layout.ruleKeys[which][num(row.rule, 'a rule index')];
    if (key === undefined) throw new Error(`The SQL simulation answered an unknown rule.`);
    hits[which].push({ ...key, leads: num(row.leads, 'leads') });
  }
  const scoresOf = (row: Row, which: 'baseline' | 'candidate') => {
    const out: Record<string, number> = {};
    layout.scores[which].forEach((scoreId, i) => {
      out[scoreId] = num(row[`${SIDE_PREFIX[which]}_${i}`], `score ${scoreId}`);
    });
    return out;
  };
  const kept: ChangedLead[] = rows.changed.map((row) => ({
    index: num(row.position, 'a lead position'),
    leadId: String(row.lead_id),
    from: String(row.b_stage),
    to: String(row.c_stage),
    baselineScores: scoresOf(row, 'baseline'),
    candidateScores: scoresOf(row, 'candidate'),
  }));
  const total = pairs.reduce((n, p) => (p.from === p.to ? n : n + p.leads), 0);
  return simulationResultFromCounts(
    workflows,
    { pairs, bins, hits, changed: { total, kept } },
    { binWidth: layout.binWidth },
  );
}

/** The rows of a SQL simulation's four queries. */
export interface SimulationSqlRows {
  pairs: Row[];
  bins: Row[];
  hits: Row[];
  changed: Row[];
}

/**
 * Runs a SQL simulation's statements through `run` (one connection: they share a temporary
 * table) and answers the rows of its four queries; the temporary table is dropped even when a
 * query fails.
 * @example const rows = await simulationSqlRows((s) => query(s.sql, s.params), statements);
 */
export async function simulationSqlRows(
  run: (statement: SqlStatement) => Promise<Row[]>,
  statements: SimulationSql,
): Promise<SimulationSqlRows> {
  await run(statements.cleanup);
  let rows: SimulationSqlRows;
  try {
    await run(statements.prepare);
    const pairs = await run(statements.pairs);
    const bins = await run(statements.bins);
    const hits = await run(statements.hits);
    const changed = await run(statements.changed);
    rows = { pairs, bins, hits, changed };
  } catch (error) {
    // The first error is the one to report: after it a PostgreSQL transaction refuses the drop too.
    await run(statements.cleanup).catch(() => undefined);
    throw error;
  }
  await run(statements.cleanup);
  return rows;
}

/**
 * The rows of one simulation run in parts over disjoint slices of the same leads (each part the
 * same statements over its slice), added up into the rows one run over all of them answers:
 * counts summed per stage pair, histogram bin and rule; the changed leads merged in the leads'
 * order, the first `layout.keepChanged` kept.
 * @example const rows = mergeSimulationSqlRows(statements.layout, [first, second]);
 */
export function mergeSimulationSqlRows(
  layout: SimulationSql['layout'],
  parts: readonly SimulationSqlRows[],
): SimulationSqlRows {
  if (parts.length === 1) return parts[0]!;
  const summed = (
    rows: Row[],
    keys: readonly string[],
    counts: readonly string[],
    what: string,
  ): Row[] => {
    const byKey = new Map<string, Row>();
    for (const row of rows) {
      const key = JSON.stringify(keys.map((k) => row[k]));
      const into = byKey.get(key);
      if (!into)
        byKey.set(key, {
          ...row,
          ...Object.fromEntries(counts.map((c) => [c, num(row[c], what)])),
        });
      else for (const c of counts) into[c] = (into[c] as number) + num(row[c], what);
    }
    return [...byKey.values()];
  };
  const all = (k: keyof SimulationSqlRows) => parts.flatMap((part) => part[k]);
  const changed = all('changed')
    .map((row) => ({ row, at: num(row.position, 'a lead position') }))
    .sort((a, b) => a.at - b.at)
    .slice(0, layout.keepChanged)
    .map(({ row }) => row);
  return {
    pairs: summed(
      all('pairs'),
      ['b_stage', 'c_stage'],
      ['leads', 'with_outcome', 'converted'],
      'leads',
    ),
    bins: summed(all('bins'), ['side', 'score', 'bin'], ['leads'], 'leads'),
    hits: summed(all('hits'), ['side', 'rule'], ['leads'], 'leads'),
    changed,
  };
}

/**
 * Runs a SQL simulation through `run` (one connection: the statements share a temporary table)
 * and folds its rows into the result; the temporary table is dropped even when a query fails.
 * @example const result = await runSimulationSql((s) => query(s.sql, s.params), statements, workflows);
 */
export async function runSimulationSql(
  run: (statement: SqlStatement) => Promise<Row[]>,
  statements: SimulationSql,
  workflows: { baseline: SimulatedWorkflow; candidate: SimulatedWorkflow },
): Promise<SimulationResult> {
  const rows = await simulationSqlRows(run, statements);
  return simulationResultFromSqlRows(statements.layout, rows, workflows);
}
