/**
 * Side-by-side simulation: the same leads through a baseline and a candidate evaluator, folded
 * into aggregates chunk by chunk, so a million leads never sit in memory at once.
 */

/** What simulate needs of a lead: an id, and an outcome where the sample has one. */
export interface SimulatedLead {
  id: string;
  outcome?: { converted?: boolean } | null;
}

/** What simulate needs of an evaluation result. */
export interface SimulatedResult {
  stage: string;
  scores: Record<string, number>;
  path: readonly string[];
  reasons: readonly { nodeId: string; rowId?: string; text: string; points?: number }[];
}

/** What simulate needs of a workflow: its stages in funnel order and its nodes for coverage. */
export interface SimulatedWorkflow {
  stages: readonly { id: string; label: string; order: number }[];
  nodes: readonly {
    id: string;
    kind: string;
    label: string;
    data?: unknown;
  }[];
}

export interface SimulationSide<L extends SimulatedLead> {
  workflow: SimulatedWorkflow;
  evaluate: (lead: L) => SimulatedResult;
  /**
   * A faster way to the same aggregates (from `compile(…, { tally: true })`): `start(hits)`
   * gives an evaluator that counts the steps each lead passed and the rows that fired into
   * `hits` (named by `keys`) instead of explaining them. Used instead of `evaluate` when present.
   */
  tally?: {
    keys: readonly { nodeId: string; rowId?: string }[];
    start: (hits: Uint32Array) => (lead: L) => { stage: string; scores: Record<string, number> };
  };
}

export interface ChangedLead {
  /** Position of the lead in the input, to fetch it again for its explanations. */
  index: number;
  leadId: string;
  from: string;
  to: string;
  baselineScores: Record<string, number>;
  candidateScores: Record<string, number>;
}

export interface HistogramBin {
  from: number;
  to: number;
  baseline: number;
  candidate: number;
}

export interface CoverageEntry {
  nodeId: string;
  rowId: string | null;
  label: string;
  baseline: number | null;
  candidate: number | null;
}

export interface OutcomeMetrics {
  leadsWithOutcome: number;
  converted: number;
  baseRate: number;
  conversionByStage: Record<string, { leads: number; converted: number; rate: number }>;
  /** "Qualified" means MQL or better (not disqualified or recycled). */
  qualified: number;
  truePositives: number;
  precision: number;
  recall: number;
  lift: number;
}

export interface SimulationResult {
  leads: number;
  funnel: { baseline: Record<string, number>; candidate: Record<string, number> };
  stages: { id: string; label: string; order: number }[];
  /** matrix[from][to] = leads that went from baseline stage `from` to candidate stage `to`. */
  matrix: Record<string, Record<string, number>>;
  histograms: Record<string, HistogramBin[]>;
  coverage: CoverageEntry[];
  changed: { total: number; kept: ChangedLead[]; truncated: boolean };
  outcomes: { baseline: OutcomeMetrics; candidate: OutcomeMetrics } | null;
}

export interface SimulationOptions {
  /** Width of a score histogram bin. */
  binWidth?: number;
  /** How many changed leads to keep (the rest are counted). */
  keepChanged?: number;
}

const NO_STEPS: readonly string[] = [];
const NO_REASONS: SimulatedResult['reasons'] = [];
const NOT_QUALIFIED = new Set(['nurture', 'lead', 'disqualified', 'recycled']);

// Tallies are mutable counter objects found with one Map lookup (no get-then-set, no key strings
// built per lead): this loop runs twice per lead, a million leads a run.
interface Counter {
  n: number;
}
interface StageTally extends Counter {
  /** Leads with a known outcome that got this stage, and how many of them converted. */
  leads: number;
  converted: number;
}
interface NodeTally extends Counter {
  rows: Map<string, Counter> | null;
}
interface SideTally {
  stages: Map<string, StageTally>;
  hits: Map<string, NodeTally>;
  bins: Map<string, Map<number, Counter>>;
}

const newTally = (): SideTally => ({ stages: new Map(), hits: new Map(), bins: new Map() });
const counter = <K>(map: Map<K, Counter>, key: K): Counter => {
  let c = map.get(key);
  if (c === undefined) map.set(key, (c = { n: 0 }));
  return c;
};
/**
 * A record keyed by user ids (stage ids, score ids) with no prototype, so a stage called
 * `constructor`, `toString` or `__proto__` is a key like any other: reading one nobody reached
 * gives undefined, not Object's function, and writing `__proto__` makes a key, not a prototype.
 */
export function idRecord<V>(entries: Iterable<readonly [string, V]> = []): Record<string, V> {
  const out = Object.create(null) as Record<string, V>;
  for (const [key, value] of entries) out[key] = value;
  return out;
}
/**
 * The value a record keyed by user ids holds for `id`, own keys only: a result that went through
 * JSON has Object's prototype again, and `funnel.constructor` must not read its function.
 * @example idValue(result.funnel.baseline, 'constructor') ?? 0
 */
export function idValue<V>(
  record: Readonly<Record<string, V>> | undefined,
  id: string,
): V | undefined {
  return record !== undefined && Object.hasOwn(record, id) ? record[id] : undefined;
}
const counts = (map: Map<string, Counter>) => idRecord([...map].map(([key, c]) => [key, c.n]));

/**
 * A streaming simulation: `add` chunks of leads, read `result()` at any time (e.g. for progress).
 * @example
 * const sim = createSimulation({ baseline, candidate });
 * for (const chunk of chunks) sim.add(chunk);
 * const { funnel, matrix } = sim.result();
 */
export function createSimulation<L extends SimulatedLead>(
  sides: { baseline: SimulationSide<L>; candidate: SimulationSide<L> },
  options: SimulationOptions = {},
) {
  const binWidth = options.binWidth ?? 10;
  const keepChanged = options.keepChanged ?? 100_000;
  const tallies = { baseline: newTally(), candidate: newTally() };
  const matrix = new Map<string, Map<string, Counter>>();
  const changed: ChangedLead[] = [];
  let changedTotal = 0;
  let count = 0;
  let withOutcome = 0;
  let converted = 0;

  const nodeTally = (hits: Map<string, NodeTally>, nodeId: string): NodeTally => {
    let t = hits.get(nodeId);
    if (t === undefined) hits.set(nodeId, (t = { n: 0, rows: null }));
    return t;
  };

  const hits = {
    baseline: sides.baseline.tally ? new Uint32Array(sides.baseline.tally.keys.length) : null,
    candidate: sides.candidate.tally ? new Uint32Array(sides.candidate.tally.keys.length) : null,
  };
  const evaluator = (side: 'baseline' | 'candidate') =>
    sides[side].tally?.start(hits[side]!) ?? sides[side].evaluate;
  const evaluateBaseline = evaluator('baseline');
  const evaluateCandidate = evaluator('candidate');
  /** The side's tallies with its tally counters folded into the hit counts (a copy). */
  const withCounters = (side: 'baseline' | 'candidate'): SideTally => {
    const counters = hits[side];
    const keys = sides[side].tally?.keys;
    if (!counters || !keys) return tallies[side];
    const merged = new Map<string, NodeTally>();
    for (const [id, t] of tallies[side].hits)
      merged.set(id, {
        n: t.n,
        rows: t.rows && new Map([...t.rows].map(([r, c]) => [r, { n: c.n }])),
      });
    keys.forEach((key, i) => {
      const n = counters[i]!;
      if (n === 0) return;
      const node = nodeTally(merged, key.nodeId);
      if (key.rowId === undefined) node.n += n;
      else counter((node.rows ??= new Map()), key.rowId).n += n;
    });
    return { ...tallies[side], hits: merged };
  };

  const tally = (
    side: SideTally,
    result: {
      stage: string;
      scores: Record<string, number>;
      path?: readonly string[];
      reasons?: SimulatedResult['reasons'];
    },
    outcome: boolean | undefined,
  ) => {
    let stage = side.stages.get(result.stage);
    if (stage === undefined)
      side.stages.set(result.stage, (stage = { n: 0, leads: 0, converted: 0 }));
    stage.n++;
    if (outcome !== undefined) {
      stage.leads++;
      if (outcome) stage.converted++;
    }
    const path = result.path ?? NO_STEPS;
    for (let i = 0; i < path.length; i++) nodeTally(side.hits, path[i]!).n++;
    const reasons = result.reasons ?? NO_REASONS;
    for (let i = 0; i < reasons.length; i++) {
      const reason = reasons[i]!;
      if (reason.rowId === undefined) continue;
      const node = nodeTally(side.hits, reason.nodeId);
      counter((node.rows ??= new Map()), reason.rowId).n++;
    }
    const scores = result.scores;
    for (const scoreId in scores) {
      let bins = side.bins.get(scoreId);
      if (bins === undefined) side.bins.set(scoreId, (bins = new Map()));
      counter(bins, Math.floor(scores[scoreId]! / binWidth)).n++;
    }
  };

  return {
    /**
     * Evaluates a chunk of leads on both sides and folds them into the aggregates. `firstIndex`
     * is the position of the chunk's first lead in the whole input when chunks are shared out
     * among several simulations (see `mergeSimulationResults`); by default chunks follow on.
     */
    add(leads: readonly L[], firstIndex?: number) {
      let index = firstIndex ?? count;
      for (const lead of leads) {
        const a = evaluateBaseline(lead);
        const b = evaluateCandidate(lead);
        const outcome =
          typeof lead.outcome?.converted === 'boolean' ? lead.outcome.converted : undefined;
        if (outcome !== undefined) {
          withOutcome++;
          if (outcome) converted++;
        }
        tally(tallies.baseline, a, outcome);
        tally(tallies.candidate, b, outcome);
        let row = matrix.get(a.stage);
        if (!row) matrix.set(a.stage, (row = new Map()));
        counter(row, b.stage).n++;
        if (a.stage !== b.stage) {
          changedTotal++;
          if (changed.length < keepChanged) {
            changed.push({
              index,
              leadId: lead.id,
              from: a.stage,
              to: b.stage,
              baselineScores: a.scores,
              candidateScores: b.scores,
            });
          }
        }
        count++;
        index++;
      }
    },
    /** The aggregates so far. */
    result(): SimulationResult {
      const stages = mergeStages(sides.baseline.workflow, sides.candidate.workflow);
      return {
        leads: count,
        funnel: {
          baseline: counts(tallies.baseline.stages),
          candidate: counts(tallies.candidate.stages),
        },
        stages,
        matrix: idRecord([...matrix].map(([from, row]) => [from, counts(row)])),
        histograms: histograms(tallies, binWidth),
        coverage: coverage(sides.baseline.workflow, sides.candidate.workflow, {
          baseline: withCounters('baseline'),
          candidate: withCounters('candidate'),
        }),
        changed: { total: changedTotal, kept: changed, truncated: changedTotal > changed.length },
        outcomes:
          withOutcome > 0
            ? {
                baseline: outcomeMetrics(tallies.baseline, withOutcome, converted),
                candidate: outcomeMetrics(tallies.candidate, withOutcome, converted),
              }
            : null,
      };
    },
  };
}

/** Counts of a simulation computed elsewhere (e.g. by SQL in a database), to fold into a result. */
export interface SimulationCounts {
  /** Leads per pair of stages, with how many had a known outcome and how many of those converted. */
  pairs: readonly {
    from: string;
    to: string;
    leads: number;
    withOutcome: number;
    converted: number;
  }[];
  /** Per side: leads per score and bin (bin k holds scores in [k·binWidth, (k+1)·binWidth)). */
  bins: Record<
    'baseline' | 'candidate',
    readonly { scoreId: string; bin: number; leads: number }[]
  >;
  /** Per side: how many leads passed each step and fired each row (`rowId` set). */
  hits: Record<
    'baseline' | 'candidate',
    readonly { nodeId: string; rowId?: string; leads: number }[]
  >;
  /** The first changed leads in input order, and how many changed in all. */
  changed: { total: number; kept: ChangedLead[] };
}

/**
 * The result `createSimulation` gives for the same leads, from counts made elsewhere: the same
 * funnel, matrix, histogram bins, coverage entries and outcome metrics (one code path folds both).
 * @example const result = simulationResultFromCounts({ baseline, candidate }, counted);
 */
export function simulationResultFromCounts(
  workflows: { baseline: SimulatedWorkflow; candidate: SimulatedWorkflow },
  input: SimulationCounts,
  options: Pick<SimulationOptions, 'binWidth'> = {},
): SimulationResult {
  const binWidth = options.binWidth ?? 10;
  const tallies = { baseline: newTally(), candidate: newTally() };
  const matrix = new Map<string, Map<string, Counter>>();
  let leads = 0;
  let withOutcome = 0;
  let converted = 0;
  const stageOf = (side: SideTally, id: string) => {
    let stage = side.stages.get(id);
    if (stage === undefined) side.stages.set(id, (stage = { n: 0, leads: 0, converted: 0 }));
    return stage;
  };
  for (const pair of input.pairs) {
    leads += pair.leads;
    withOutcome += pair.withOutcome;
    converted += pair.converted;
    for (const [side, id] of [
      [tallies.baseline, pair.from],
      [tallies.candidate, pair.to],
    ] as const) {
      const stage = stageOf(side, id);
      stage.n += pair.leads;
      stage.leads += pair.withOutcome;
      stage.converted += pair.converted;
    }
    let row = matrix.get(pair.from);
    if (!row) matrix.set(pair.from, (row = new Map()));
    counter(row, pair.to).n += pair.leads;
  }
  for (const side of ['baseline', 'candidate'] as const) {
    for (const { scoreId, bin, leads: n } of input.bins[side]) {
      let bins = tallies[side].bins.get(scoreId);
      if (bins === undefined) tallies[side].bins.set(scoreId, (bins = new Map()));
      counter(bins, bin).n += n;
    }
    for (const { nodeId, rowId, leads: n } of input.hits[side]) {
      let node = tallies[side].hits.get(nodeId);
      if (node === undefined) tallies[side].hits.set(nodeId, (node = { n: 0, rows: null }));
      if (rowId === undefined) node.n += n;
      else counter((node.rows ??= new Map()), rowId).n += n;
    }
  }
  const kept = [...input.changed.kept];
  return {
    leads,
    funnel: {
      baseline: counts(tallies.baseline.stages),
      candidate: counts(tallies.candidate.stages),
    },
    stages: mergeStages(workflows.baseline, workflows.candidate),
    matrix: idRecord([...matrix].map(([from, row]) => [from, counts(row)])),
    histograms: histograms(tallies, binWidth),
    coverage: coverage(workflows.baseline, workflows.candidate, tallies),
    changed: { total: input.changed.total, kept, truncated: input.changed.total > kept.length },
    outcomes:
      withOutcome > 0
        ? {
            baseline: outcomeMetrics(tallies.baseline, withOutcome, converted),
            candidate: outcomeMetrics(tallies.candidate, withOutcome, converted),
          }
        : null,
  };
}

/**
 * Runs a whole array through both sides at once.
 * @example const result = simulate(baseline, candidate, leads);
 */
export function simulate<L extends SimulatedLead>(
  baseline: SimulationSide<L>,
  candidate: SimulationSide<L>,
  leads: readonly L[],
  options?: SimulationOptions,
): SimulationResult {
  const simulation = createSimulation({ baseline, candidate }, options);
  simulation.add(leads);
  return simulation.result();
}

/**
 * One result from the results of simulations that each took a share of the leads (chunks added
 * with their `firstIndex`): counts add up, the changed leads come in input order (the first
 * `keepChanged` of them), outcome metrics are computed again from the summed counts.
 * @example const result = mergeSimulationResults([a.result(), b.result()]);
 */
export function mergeSimulationResults(
  results: readonly SimulationResult[],
  options: Pick<SimulationOptions, 'keepChanged'> = {},
): SimulationResult {
  const keepChanged = options.keepChanged ?? 100_000;
  const first = results[0];
  if (!first) throw new Error('Nothing to merge.');
  const sum = (records: Record<string, number>[]) => {
    const out = idRecord<number>();
    for (const record of records)
      for (const key in record) out[key] = (out[key] ?? 0) + record[key]!;
    return out;
  };
  const matrix: SimulationResult['matrix'] = idRecord();
  for (const r of results)
    for (const from in r.matrix) matrix[from] = sum([matrix[from] ?? {}, r.matrix[from]!]);
  const histograms: SimulationResult['histograms'] = idRecord();
  for (const r of results)
    for (const scoreId in r.histograms) {
      const bins = new Map((histograms[scoreId] ?? []).map((b) => [b.from, { ...b }]));
      for (const bin of r.histograms[scoreId]!) {
        const into = bins.get(bin.from);
        if (into) {
          into.baseline += bin.baseline;
          into.candidate += bin.candidate;
        } else bins.set(bin.from, { ...bin });
      }
      histograms[scoreId] = [...bins.values()].sort((a, b) => a.from - b.from);
    }
  // Shares may leave gaps between their ranges: fill them with empty bins, as one run would.
  for (const scoreId in histograms) {
    const bins = histograms[scoreId]!;
    const filled: HistogramBin[] = [];
    for (const bin of bins) {
      const last = filled.at(-1);
      if (last)
        for (let from = last.to; from < bin.from; from += last.to - last.from)
          filled.push({ from, to: from + (last.to - last.from), baseline: 0, candidate: 0 });
      filled.push(bin);
    }
    histograms[scoreId] = filled;
  }
  const addNullable = (a: number | null, b: number | null) =>
    a === null && b === null ? null : (a ?? 0) + (b ?? 0);
  const coverage = new Map<string, CoverageEntry>();
  for (const r of results)
    for (const entry of r.coverage) {
      const key = `${entry.nodeId}\u0000${entry.rowId ?? ''}`;
      const into = coverage.get(key);
      if (!into) coverage.set(key, { ...entry });
      else {
        into.baseline = addNullable(into.baseline, entry.baseline);
        into.candidate = addNullable(into.candidate, entry.candidate);
      }
    }
  const kept = firstInInputOrder(
    results.map((r) => r.changed.kept),
    keepChanged,
  );
  const total = results.reduce((n, r) => n + r.changed.total, 0);
  const withOutcomes = results.filter((r) => r.outcomes !== null);
  const outcomes = (side: 'baseline' | 'candidate') => {
    const tally: SideTally = newTally();
    let leads = 0;
    let converted = 0;
    for (const r of withOutcomes) {
      const metrics = r.outcomes![side];
      leads += metrics.leadsWithOutcome;
      converted += metrics.converted;
      for (const [stage, entry] of Object.entries(metrics.conversionByStage)) {
        let t = tally.stages.get(stage);
        if (!t) tally.stages.set(stage, (t = { n: 0, leads: 0, converted: 0 }));
        t.leads += entry.leads;
        t.converted += entry.converted;
      }
    }
    return outcomeMetrics(tally, leads, converted);
  };
  return {
    leads: results.reduce((n, r) => n + r.leads, 0),
    funnel: {
      baseline: sum(results.map((r) => r.funnel.baseline)),
      candidate: sum(results.map((r) => r.funnel.candidate)),
    },
    stages: first.stages,
    matrix,
    histograms,
    coverage: [...coverage.values()],
    changed: { total, kept, truncated: total > kept.length },
    outcomes: withOutcomes.length
      ? { baseline: outcomes('baseline'), candidate: outcomes('candidate') }
      : null,
  };
}

/**
 * The first `limit` changed leads of all shares by input position. Each share's list is already
 * in order (a share takes its chunks in order), so the lists are merged rather than sorted; a
 * list out of order is sorted first. Ties keep the order of the shares.
 */
function firstInInputOrder(lists: readonly ChangedLead[][], limit: number): ChangedLead[] {
  const byIndex = (a: ChangedLead, b: ChangedLead) => a.index - b.index;
  const ordered = lists.map((list) =>
    list.every((lead, i) => i === 0 || list[i - 1]!.index <= lead.index)
      ? list
      : [...list].sort(byIndex),
  );
  const next = ordered.map(() => 0);
  const out: ChangedLead[] = [];
  while (out.length < limit) {
    let from = -1;
    for (let i = 0; i < ordered.length; i++) {
      const lead = ordered[i]![next[i]!];
      if (lead && (from < 0 || lead.index < ordered[from]![next[from]!]!.index)) from = i;
    }
    if (from < 0) break;
    out.push(ordered[from]![next[from]!++]!);
  }
  return out;
}

/** Whether a stage counts as "MQL or better" for outcome metrics. */
export function isQualifiedStage(stageId: string): boolean {
  return !NOT_QUALIFIED.has(stageId);
}

function mergeStages(a: SimulatedWorkflow, b: SimulatedWorkflow) {
  const byId = new Map<string, { id: string; label: string; order: number }>();
  for (const stage of [...a.stages, ...b.stages])
    if (!byId.has(stage.id)) byId.set(stage.id, { ...stage });
  return [...byId.values()].sort((x, y) => x.order - y.order);
}

function histograms(tallies: { baseline: SideTally; candidate: SideTally }, binWidth: number) {
  const out = idRecord<HistogramBin[]>();
  const scoreIds = new Set([...tallies.baseline.bins.keys(), ...tallies.candidate.bins.keys()]);
  for (const scoreId of scoreIds) {
    const a = tallies.baseline.bins.get(scoreId) ?? new Map<number, Counter>();
    const b = tallies.candidate.bins.get(scoreId) ?? new Map<number, Counter>();
    const keys = [...new Set([...a.keys(), ...b.keys()])];
    const lo = Math.min(...keys);
    const hi = Math.max(...keys);
    const bins: HistogramBin[] = [];
    for (let k = lo; k <= hi; k++) {
      bins.push({
        from: k * binWidth,
        to: (k + 1) * binWidth,
        baseline: a.get(k)?.n ?? 0,
        candidate: b.get(k)?.n ?? 0,
      });
    }
    out[scoreId] = bins;
  }
  return out;
}

interface RowLike {
  id?: unknown;
  label?: unknown;
}

function rowsOf(node: SimulatedWorkflow['nodes'][number]): { id: string; label: string }[] {
  const data = node.data as { rows?: RowLike[]; criteria?: RowLike[] } | undefined;
  const rows =
    node.kind === 'scorecard' ? data?.rows : node.kind === 'table' ? data?.rows : undefined;
  return (rows ?? [])
    .filter((r): r is { id: string; label?: unknown } => typeof r.id === 'string')
    .map((r) => ({ id: r.id, label: typeof r.label === 'string' ? r.label : r.id }));
}

function coverage(
  a: SimulatedWorkflow,
  b: SimulatedWorkflow,
  tallies: { baseline: SideTally; candidate: SideTally },
): CoverageEntry[] {
  const entries = new Map<string, CoverageEntry>();
  const visit = (workflow: SimulatedWorkflow, side: 'baseline' | 'candidate') => {
    for (const node of workflow.nodes) {
      const hits = tallies[side].hits.get(node.id);
      const keys: [string, string | null, string, number][] = [
        [node.id, null, node.label, hits?.n ?? 0],
        ...rowsOf(node).map((row): [string, string | null, string, number] => [
          `${node.id}\u0000${row.id}`,
          row.id,
          `${node.label} › ${row.label}`,
          hits?.rows?.get(row.id)?.n ?? 0,
        ]),
      ];
      for (const [key, rowId, label, n] of keys) {
        let entry = entries.get(key);
        if (!entry)
          entries.set(
            key,
            (entry = { nodeId: node.id, rowId, label, baseline: null, candidate: null }),
          );
        entry[side] = n;
      }
    }
  };
  visit(a, 'baseline');
  visit(b, 'candidate');
  return [...entries.values()];
}

function outcomeMetrics(side: SideTally, leads: number, converted: number): OutcomeMetrics {
  const conversionByStage: OutcomeMetrics['conversionByStage'] = idRecord();
  let qualified = 0;
  let truePositives = 0;
  for (const [stage, entry] of side.stages) {
    if (entry.leads === 0) continue;
    conversionByStage[stage] = {
      leads: entry.leads,
      converted: entry.converted,
      rate: entry.converted / entry.leads,
    };
    if (isQualifiedStage(stage)) {
      qualified += entry.leads;
      truePositives += entry.converted;
    }
  }
  const baseRate = leads ? converted / leads : 0;
  const precision = qualified ? truePositives / qualified : 0;
  return {
    leadsWithOutcome: leads,
    converted,
    baseRate,
    conversionByStage,
    qualified,
    truePositives,
    precision,
    recall: converted ? truePositives / converted : 0,
    lift: baseRate ? precision / baseRate : 0,
  };
}
