/**
 * Runs one engine fuzz suite in a worker thread, so the test can stop a case that hangs. Before
 * each case it bumps a shared counter; the watchdog in `run-in-worker.ts` reads it.
 */
import { parentPort, workerData } from 'node:worker_threads';
import {
  compile,
  defaultWorkflow,
  generateLeads,
  parseLead,
  parseWorkflow,
  type Evaluate,
  type Lead,
  type Workflow,
  defaultCatalog,
} from '@accord/engine';
import fc from 'fast-check';
import { benchWorkflow } from '../../../bench/bench-rules';
import { fuzzDocument, hostileValidDocument } from './documents';
import { checkDocumentCase, checkLeadCase, emptyStats, type FuzzStats } from './engine-checks';
import { fuzzAsOf, fuzzLead } from './leads';
import type { FuzzSuite, WorkerInput, WorkerOutput } from './run-in-worker';

const input = workerData as WorkerInput;
const progress = new Int32Array(input.progress);

/** Leads each compiled document is evaluated on: realistic sample leads and valid hostile ones. */
const DOC_LEADS: Lead[] = [
  ...generateLeads({ count: 3, seed: 'fuzz-documents' }),
  ...fc
    .sample(fuzzLead, { seed: 7, numRuns: 200 })
    .flatMap((lead) => {
      const parsed = parseLead(lead);
      return parsed.ok ? [parsed.lead] : [];
    })
    .slice(0, 3),
];

function evaluatorsForLeads(): { evaluate: Evaluate; workflow: Workflow }[] {
  const documents: unknown[] = [
    defaultWorkflow(),
    benchWorkflow(),
    ...fc.sample(hostileValidDocument, { seed: 11, numRuns: 2 }),
  ];
  return documents.flatMap((doc) => {
    const parsed = parseWorkflow(doc);
    const compiled = compile(doc, defaultCatalog);
    return parsed.ok && compiled.ok
      ? [{ evaluate: compiled.evaluate, workflow: parsed.workflow }]
      : [];
  });
}

function property(suite: FuzzSuite, stats: FuzzStats) {
  const timed = (run: () => void) => {
    Atomics.add(progress, 0, 1);
    const started = performance.now();
    run();
    const ms = performance.now() - started;
    stats.maxCaseMs = Math.max(stats.maxCaseMs, ms);
    if (ms > input.caseBudgetMs)
      throw new Error(`one case took ${ms.toFixed(0)} ms; the bound is ${input.caseBudgetMs} ms`);
  };
  if (suite === 'documents') {
    return fc.property(fuzzDocument, fuzzAsOf, (doc, asOf) =>
      timed(() => checkDocumentCase(doc, DOC_LEADS, asOf, stats)),
    );
  }
  const evaluators = evaluatorsForLeads();
  if (evaluators.length < 3)
    throw new Error('the lead fuzz needs at least three compiled workflows');
  return fc.property(fuzzLead, fuzzAsOf, (lead, asOf) =>
    timed(() => checkLeadCase(lead, evaluators, asOf, stats)),
  );
}

const stats = emptyStats();
let output: WorkerOutput;
try {
  const report = fc.check(property(input.suite, stats), {
    seed: input.seed,
    numRuns: input.numRuns,
    ...(input.path ? { path: input.path } : {}),
  });
  output = {
    stats,
    failure: report.failed
      ? `${fc.defaultReportMessage(report) ?? 'failed'}\nError: ${String((report.errorInstance as Error | undefined)?.stack ?? report.errorInstance)}`
      : null,
  };
} catch (error) {
  output = { stats, failure: `the fuzz run itself failed: ${(error as Error).stack ?? error}` };
}
parentPort!.postMessage(output);
