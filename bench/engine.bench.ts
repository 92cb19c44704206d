/**
 * npm run bench:engine — one agreement of ~30 rules, 100,000 generated leads, four evaluators in
 * one process: Accord's compiled evaluator, the same rules hand-written (the ceiling),
 * json-rules-engine and zen-engine. Every implementation must give the same stage and scores on
 * every lead it ran; the bench stops if one does not. Ends with one JSON line.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  compile,
  defaultCatalog,
  parseWorkflow,
  type Lead,
  type WorkflowInput,
} from '@accord/engine';
import { ZenDecisionContent, ZenEngine } from '@gorules/zen-engine';
import { Engine } from 'json-rules-engine';
import {
  benchLeads,
  benchWorkflow,
  handWritten,
  jsonRulesEngineRules,
  jsonRulesEngineStage,
  zenDecisionGraph,
  type BenchOutput,
} from './bench-rules';

const LEADS = 100_000;
const JRE_LEADS = 5_000;
const ZEN_LEADS = 20_000;
const asOf = Date.UTC(2026, 10, 23);
/** Fresh processes per synchronous evaluator; the best counts (JIT outcomes vary by process). */
const PROCESSES = 3;

function accordEvaluator(workflow: WorkflowInput, explain = true) {
  const parsed = parseWorkflow(workflow);
  if (!parsed.ok)
    throw new Error(`bench workflow does not parse: ${JSON.stringify(parsed.errors)}`);
  const compiled = compile(parsed.workflow, defaultCatalog, { explain });
  if (!compiled.ok)
    throw new Error(`bench workflow does not compile: ${JSON.stringify(compiled.diagnostics)}`);
  return compiled.evaluate;
}

/** Best-of-`rounds` throughput of `run` over `leads`, after a warm-up pass. */
function throughput(leads: Lead[], run: (lead: Lead) => unknown, rounds = 10) {
  for (let i = 0; i < leads.length; i++) run(leads[i]!); // warm-up
  let best = Infinity;
  for (let r = 0; r < rounds; r++) {
    const t0 = performance.now();
    for (let i = 0; i < leads.length; i++) run(leads[i]!);
    best = Math.min(best, performance.now() - t0);
  }
  return Math.round((leads.length / best) * 1000);
}

/**
 * Each synchronous evaluator as it is timed (its own answer, as a caller gets it) and as its
 * answers are compared (stage and scores).
 */
interface SyncEvaluator {
  run: (lead: Lead) => unknown;
  output: (lead: Lead) => BenchOutput;
}

const SYNC_EVALUATORS: Record<string, () => SyncEvaluator> = {
  'hand-written JS': () => ({ run: handWritten, output: handWritten }),
  'Accord explained': () => accordOf(true),
  'Accord stage only': () => accordOf(false),
};
type SyncName = 'hand-written JS' | 'Accord explained' | 'Accord stage only';

function accordOf(explain: boolean): SyncEvaluator {
  const evaluate = accordEvaluator(benchWorkflow(), explain);
  const options = { asOf }; // one options object for the whole run, as a batch caller would
  return {
    run: (lead) => evaluate(lead, options),
    output: (lead) => {
      const r = evaluate(lead, options);
      return { stage: r.stage, fit: r.scores.fit ?? 0, engagement: r.scores.engagement ?? 0 };
    },
  };
}

/**
 * Times one synchronous evaluator in a fresh Node process: evaluators in one process share the
 * engine's runtime helpers, and the JIT feedback one leaves there (or a GC the previous one left
 * behind) moved results by up to 2× between runs. Its outputs are compared in this process.
 */
function timeSync(name: SyncName, leads: Lead[]) {
  const outputs = leads.map(SYNC_EVALUATORS[name]!().output);
  const runs = Array.from({ length: PROCESSES }, () => {
    const child = spawnSync(
      process.execPath,
      ['--import', 'tsx', fileURLToPath(import.meta.url), '--time', name],
      { encoding: 'utf8' },
    );
    const perSec = Number(/perSec=(\d+)/.exec(child.stdout)?.[1]);
    if (child.status !== 0 || !perSec)
      throw new Error(`timing ${name} failed: ${child.stderr || child.stdout}`);
    return perSec;
  });
  const perSec = Math.max(...runs);
  console.log(
    `${name.padEnd(18)} ${String(perSec).padStart(12)} leads/s  (${leads.length} leads, best of 10 rounds in each of ${PROCESSES} processes: ${runs.join(', ')})`,
  );
  return { perSec, outputs };
}

function assertSame(name: string, got: BenchOutput[], want: BenchOutput[]) {
  for (let i = 0; i < got.length; i++) {
    const a = got[i]!;
    const b = want[i]!;
    if (a.stage !== b.stage || a.fit !== b.fit || a.engagement !== b.engagement) {
      throw new Error(
        `${name} disagrees with hand-written on lead ${i}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`,
      );
    }
  }
}

async function jsonRulesEngine(leads: Lead[]) {
  const { rules, FREE } = jsonRulesEngineRules();
  const engine = new Engine(rules as never, { allowUndefinedFacts: true });
  engine.addOperator(
    'textContains',
    (a: unknown, b: string) => typeof a === 'string' && a.toLowerCase().includes(b),
  );
  engine.addOperator('isSet', (a: unknown) => a !== null && a !== undefined && a !== '');
  engine.addOperator(
    'freeEmail',
    (a: unknown) =>
      typeof a === 'string' && FREE.has(a.toLowerCase().slice(a.lastIndexOf('@') + 1)),
  );
  const count =
    (pred: (e: Lead['events'][number]) => boolean) =>
    async (_: unknown, almanac: { factValue: (f: string) => Promise<unknown> }) =>
      ((await almanac.factValue('events')) as Lead['events']).filter(pred).length;
  engine.addFact(
    'pageViews',
    count((e) => e.type === 'page_view'),
  );
  engine.addFact(
    'pricingViews',
    count(
      (e) =>
        e.type === 'page_view' &&
        String(e.props?.path ?? '')
          .toLowerCase()
          .startsWith('/pricing'),
    ),
  );
  engine.addFact(
    'webinars',
    count((e) => e.type === 'webinar_attended'),
  );
  engine.addFact(
    'fit',
    async (_: unknown, almanac) => ((await almanac.factValue('acc')) as { fit: number }).fit,
    { cache: false },
  );
  engine.addFact(
    'engagement',
    async (_: unknown, almanac) =>
      ((await almanac.factValue('acc')) as { engagement: number }).engagement,
    { cache: false },
  );
  engine.on('success', async (event, almanac) => {
    if (event.type !== 'points') return;
    const acc = (await almanac.factValue('acc')) as Record<string, number>;
    const { score, points } = event.params as { score: string; points: number };
    acc[score] = (acc[score] ?? 0) + points;
  });
  const run = async (lead: Lead): Promise<BenchOutput> => {
    const acc = { fit: 0, engagement: 0 };
    const { events } = await engine.run({ ...lead.attributes, events: lead.events, acc });
    const types = new Set(events.map((e) => e.type));
    const sqlMet = events.filter((e) => e.type === 'sqlCriterion').length;
    return jsonRulesEngineStage(types, sqlMet, acc.fit, acc.engagement);
  };
  const outputs: BenchOutput[] = [];
  for (const lead of leads.slice(0, 200)) await run(lead); // warm-up
  const t0 = performance.now();
  for (const lead of leads) outputs.push(await run(lead)); // one run at a time per Engine
  const ms = performance.now() - t0;
  const perSec = Math.round((leads.length / ms) * 1000);
  console.log(
    `${'json-rules-engine'.padEnd(18)} ${String(perSec).padStart(12)} leads/s  (${leads.length} leads, sequential runs)`,
  );
  return { perSec, outputs };
}

async function zen(leads: Lead[]) {
  const engine = new ZenEngine();
  const decision = engine.createDecision(new ZenDecisionContent(zenDecisionGraph() as never));
  const run = async (lead: Lead): Promise<BenchOutput> => {
    const { result } = await decision.evaluate({ a: lead.attributes, events: lead.events });
    return result as BenchOutput;
  };
  for (const lead of leads.slice(0, 500)) await run(lead); // warm-up
  const outputs: BenchOutput[] = new Array(leads.length);
  const t0 = performance.now();
  const BATCH = 1_000; // concurrent evaluations: zen's fastest mode from Node
  for (let i = 0; i < leads.length; i += BATCH) {
    const chunk = leads.slice(i, i + BATCH);
    const results = await Promise.all(chunk.map(run));
    results.forEach((r, k) => (outputs[i + k] = r));
  }
  const ms = performance.now() - t0;
  const perSec = Math.round((leads.length / ms) * 1000);
  console.log(
    `${'zen-engine'.padEnd(18)} ${String(perSec).padStart(12)} leads/s  (${leads.length} leads, ${BATCH} concurrent, content compiled once)`,
  );
  await engine.dispose?.();
  return { perSec, outputs };
}

/** A generated workflow of `n` nodes: a chain of conditions and scorecards ending in stages. */
function largeWorkflow(n: number): WorkflowInput {
  const nodes: WorkflowInput['nodes'] = [
    { id: 'start', kind: 'start', label: 'Start', position: { x: 0, y: 0 }, data: {} },
  ];
  const edges: WorkflowInput['edges'] = [];
  let prev = 'start';
  let prevHandle = 'next';
  let i = 0;
  while (nodes.length < n - 2) {
    const id = `n${i}`;
    if (i % 2 === 0) {
      nodes.push({
        id,
        kind: 'condition',
        label: `Check ${i}`,
        position: { x: i * 50, y: 0 },
        data: { when: { operand: { kind: 'field', field: 'company_size' }, op: 'gte', value: i } },
      });
      const out = `s${i}`;
      nodes.push({
        id: out,
        kind: 'stage',
        label: `Stage ${i}`,
        position: { x: i * 50, y: 200 },
        data: { stage: 'nurture' },
      });
      edges.push({ id: `e${id}f`, source: id, sourceHandle: 'false', target: out });
      edges.push({ id: `e${prev}${id}`, source: prev, sourceHandle: prevHandle, target: id });
      prev = id;
      prevHandle = 'true';
    } else {
      nodes.push({
        id,
        kind: 'scorecard',
        label: `Score ${i}`,
        position: { x: i * 50, y: 0 },
        data: {
          score: 'fit',
          rows: [
            {
              id: 'r',
              label: `Row ${i}`,
              category: 'profile',
              points: 1,
              when: {
                operand: { kind: 'field', field: 'job_title' },
                op: 'contains',
                value: `t${i}`,
              },
            },
          ],
        },
      });
      edges.push({ id: `e${prev}${id}`, source: prev, sourceHandle: prevHandle, target: id });
      prev = id;
      prevHandle = 'next';
    }
    i++;
  }
  nodes.push({
    id: 'end',
    kind: 'stage',
    label: 'End',
    position: { x: i * 50, y: 0 },
    data: { stage: 'mql' },
  });
  edges.push({ id: 'eend', source: prev, sourceHandle: prevHandle, target: 'end' });
  return {
    schemaVersion: 1,
    stages: [
      { id: 'nurture', label: 'Nurture', order: 0 },
      { id: 'mql', label: 'MQL', order: 1 },
    ],
    scores: [{ id: 'fit', label: 'Fit' }],
    nodes,
    edges,
  };
}

async function main() {
  const leads = benchLeads(LEADS);
  console.log(`Engine benchmark: ~30 rules, ${LEADS} leads, node ${process.version}\n`);
  const hand = timeSync('hand-written JS', leads);
  const accord = timeSync('Accord explained', leads);
  assertSame('Accord', accord.outputs, hand.outputs);
  // What the simulator and `explain=false` API calls run: stage and scores, no path or reasons.
  const stageOnly = timeSync('Accord stage only', leads);
  assertSame('Accord (stage only)', stageOnly.outputs, hand.outputs);
  const jre = await jsonRulesEngine(leads.slice(0, JRE_LEADS));
  assertSame('json-rules-engine', jre.outputs, hand.outputs);
  const z = await zen(leads.slice(0, ZEN_LEADS));
  assertSame('zen-engine', z.outputs, hand.outputs);
  const stages = new Map<string, number>();
  for (const o of hand.outputs) stages.set(o.stage, (stages.get(o.stage) ?? 0) + 1);
  console.log(
    `\nAll four agree on stage, fit and engagement for every lead they ran. Stage mix: ${JSON.stringify(Object.fromEntries(stages))}`,
  );

  const big = parseWorkflow(largeWorkflow(1000));
  if (!big.ok)
    throw new Error(
      `1,000-node workflow does not parse: ${JSON.stringify(big.errors.slice(0, 3))}`,
    );
  let compileMs = Infinity;
  for (let r = 0; r < 5; r++) {
    const t0 = performance.now();
    const c = compile(big.workflow, defaultCatalog);
    compileMs = Math.min(compileMs, performance.now() - t0);
    if (!c.ok)
      throw new Error(
        `1,000-node workflow does not compile: ${JSON.stringify(c.diagnostics.slice(0, 3))}`,
      );
  }
  console.log(`compile 1,000 nodes ${compileMs.toFixed(1)} ms (best of 5)`);
  console.log(
    `ratios, explained (stage only): Accord/hand-written ${(accord.perSec / hand.perSec).toFixed(2)}× (${(stageOnly.perSec / hand.perSec).toFixed(2)}×), ` +
      `Accord/zen ${(accord.perSec / z.perSec).toFixed(0)}× (${(stageOnly.perSec / z.perSec).toFixed(0)}×), ` +
      `Accord/json-rules-engine ${(accord.perSec / jre.perSec).toFixed(0)}× (${(stageOnly.perSec / jre.perSec).toFixed(0)}×)`,
  );
  console.log(
    JSON.stringify({
      accord: accord.perSec,
      accordStageOnly: stageOnly.perSec,
      handWritten: hand.perSec,
      zen: z.perSec,
      jsonRulesEngine: jre.perSec,
      compile1000NodesMs: Number(compileMs.toFixed(2)),
    }),
  );
}

const timing = process.argv.indexOf('--time');
if (timing > 0) {
  const name = process.argv[timing + 1] as SyncName;
  console.log(`perSec=${throughput(benchLeads(LEADS), SYNC_EVALUATORS[name]!().run)}`);
} else {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
