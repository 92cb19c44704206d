/**
 * The simulation worker thread: compiles both sides once per run, then parses each page of
 * leads (one JSON text) and folds it into a streaming simulation, answering progress per page
 * and the aggregates at the end. It holds one page at a time, never the whole lead set.
 */
import { parentPort } from 'node:worker_threads';
import { createSimulation, simulationSide, type Lead } from '@accord/engine';
import type { FromWorker, ToWorker } from './protocol';

const port = parentPort!;
const send = (message: FromWorker) => port.postMessage(message);

let simulation: ReturnType<typeof createSimulation<Lead>> | null = null;
let done = 0;

port.on('message', (message: ToWorker) => {
  try {
    switch (message.type) {
      case 'start':
        simulation = createSimulation(
          {
            baseline: simulationSide<Lead>(message.baseline, {
              asOf: message.asOf,
              catalog: message.baselineCatalog,
              name: 'baseline',
            }),
            candidate: simulationSide<Lead>(message.candidate, {
              asOf: message.asOf,
              catalog: message.candidateCatalog,
              name: 'candidate',
            }),
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
