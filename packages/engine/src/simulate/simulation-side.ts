import { defaultCatalog } from '../catalog/default-catalog';
import { compile, type EvaluableLead } from '../compile/compile';
import type { FieldCatalog } from '../schema/field-catalog';
import type { SimulatedLead, SimulatedWorkflow, SimulationSide } from './simulate';

/**
 * One side of a simulation from a workflow document: compiled twice, once counting rule
 * coverage (what the simulation runs for every lead) and once explaining (for a lead opened
 * later). Throws when the document does not compile, naming `name`.
 * @example createSimulation({ baseline: simulationSide(published, { asOf }), candidate: … })
 */
export function simulationSide<L extends SimulatedLead & EvaluableLead>(
  document: unknown,
  options: { asOf: number; catalog?: FieldCatalog; name?: string },
): SimulationSide<L> {
  const catalog = options.catalog ?? defaultCatalog;
  const explained = compile(document, catalog);
  const counted = compile(document, catalog, { tally: true });
  if (!explained.ok || !counted.ok)
    throw new Error(`The ${options.name ?? 'workflow'} does not compile.`);
  const explainOptions = { asOf: options.asOf };
  // One options object per side, its counters swapped in: no allocation per lead.
  const countOptions: { asOf: number; hits: Uint32Array | undefined } = {
    asOf: options.asOf,
    hits: undefined,
  };
  return {
    workflow: document as SimulatedWorkflow,
    evaluate: (lead) => explained.evaluate(lead, explainOptions),
    tally: {
      keys: counted.tallyKeys,
      evaluate: (lead, hits) => {
        countOptions.hits = hits;
        return counted.evaluate(lead, countOptions);
      },
    },
  };
}
