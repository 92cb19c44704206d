/**
 * The million-lead simulation of `simulate.bench.ts`: both sides and the timed loop. Imported by
 * the bench for the one-thread run; started as a worker thread (one per lane) for the runs that
 * share the leads out over worker threads as the server's runs do.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import {
  createSimulation,
  defaultCatalog,
  defaultWorkflow,
  leadBatches,
  simulationSide,
  type Lead,
  type SimulationResult,
  type Workflow,
} from '@accord/engine';
import { lowerMqlThreshold } from '@accord/api/simulation/sample-candidate';

export const SIM_AS_OF = Date.UTC(2026, 0, 1);

/** The published default agreement against a candidate with a lower MQL threshold. */
export function benchSides() {
  const side = (workflow: Workflow) =>
    simulationSide<Lead>(workflow, { asOf: SIM_AS_OF, catalog: defaultCatalog });
  return {
    baseline: side(defaultWorkflow()),
    candidate: side(lowerMqlThreshold(defaultWorkflow())),
  };
}

export interface SimulatedShare {
  result: SimulationResult;
  /** Time spent simulating (both sides, all aggregates, the result): generation not counted. */
  simMs: number;
  /** Time spent generating the leads. */
  generateMs: number;
}

/**
 * Leads generated and simulated at a time. A batch lives until it is simulated, so every
 * young-generation collection meanwhile copies it: with batches of 10,000 the worker lanes took
 * about a quarter longer than with batches of 2,000.
 */
export const SIM_BATCH = 2_000;

/**
 * Simulates `count` generated leads (seed `seed`) through freshly compiled sides, with no
 * warm-up: as a server run starts. Leads are generated in batches of `SIM_BATCH` and only
 * simulating is timed.
 */
export function simulateShare(count: number, seed: number): SimulatedShare {
  const sides = benchSides();
  const simulation = createSimulation(sides);
  let simMs = 0;
  let generateMs = 0;
  let t0 = performance.now();
  for (const batch of leadBatches({ count, seed, asOf: SIM_AS_OF, batchSize: SIM_BATCH })) {
    const t1 = performance.now();
    generateMs += t1 - t0;
    simulation.add(batch);
    t0 = performance.now();
    simMs += t0 - t1;
  }
  const t1 = performance.now();
  const result = simulation.result();
  simMs += performance.now() - t1;
  return { result, simMs, generateMs };
}

/** A lane: simulates a share for each message `{ count, seed }` and answers its `SimulatedShare`. */
if (!isMainThread && parentPort && (workerData as { lane?: boolean } | null)?.lane) {
  const port = parentPort;
  port.on('message', ({ count, seed }: { count: number; seed: number }) =>
    port.postMessage(simulateShare(count, seed)),
  );
}
