/**
 * The simulation worker thread: compiles both sides once per run, then parses each page of
 * leads (one JSON text) and folds it into a streaming simulation, answering progress per page
 * and the aggregates at the end. It holds one page at a time, never the whole lead set.
 */
import { parentPort } from 'node:worker_threads';
import {
  compile,
  createSimulation,
  defaultCatalog,
  type Lead,
  type SimulatedWorkflow,
  type SimulationSide,
} from '@accord/engine';
import type { FromWorker, ToWorker } from './protocol';

const port = parentPort!;
const send = (message: FromWorker) => port.postMessage(message);

let simulation: ReturnType<typeof createSimulation<Lead>> | null = null;
let done = 0;

function side(document: unknown, asOf: number, name: string): SimulationSide<Lead> {
  const compiled = compile(document, defaultCatalog);
  if (!compiled.ok) throw new Error(`The ${name} does not compile.`);
  const options = { asOf };
  const evaluate = compiled.evaluate;
  return {
    workflow: document as SimulatedWorkflow,
    evaluate: (lead) => evaluate(lead, options),
  };
}

port.on('message', (message: ToWorker) => {
  try {
    switch (message.type) {
      case 'start':
        simulation = createSimulation(
          {
            baseline: side(message.baseline, message.asOf, 'baseline'),
            candidate: side(message.candidate, message.asOf, 'candidate'),
          },
          { keepChanged: message.keepChanged },
        );
        done = 0;
        break;
      case 'page': {
        if (!simulation) throw new Error('A page came before the run started.');
        const leads = JSON.parse(message.json) as Lead[];
        simulation.add(leads, message.firstIndex);
        done += leads.length;
        send({ type: 'progress', leads: done });
        break;
      }
      case 'finish':
        if (!simulation) throw new Error('The run finished before it started.');
        send({ type: 'result', result: simulation.result() });
        simulation = null;
        break;
    }
  } catch (error) {
    simulation = null;
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  }
});
