import { compile, type EvaluableLead, type Evaluate } from '../compile/compile';
import type { FieldCatalog } from '../schema/field-catalog';
import type { SimulatedLead, SimulatedWorkflow, SimulationSide } from './simulate';

/**
 * One side of a simulation from a workflow document: compiled counting rule coverage (what the
 * simulation runs for every lead), and compiled again to explain only when `evaluate` is first
 * called (a simulation with a tally never does). Throws when the document does not compile,
 * naming `name`.
 * @example createSimulation({ baseline: simulationSide(published, { asOf }), candidate: … })
 */
export function simulationSide<L extends SimulatedLead & EvaluableLead>(
  document: unknown,
  options: { asOf: number; catalog: FieldCatalog; name?: string },
): SimulationSide<L> {
  const catalog = options.catalog;
  const notCompiling = () => new Error(`The ${options.name ?? 'workflow'} does not compile.`);
  const counted = compile(document, catalog, { tally: true });
  if (!counted.ok) throw notCompiling();
  let explained: Evaluate | undefined;
  const explainOptions = { asOf: options.asOf };
  const bindTally = counted.bindTally!;
  return {
    workflow: document as SimulatedWorkflow,
    evaluate: (lead) => {
      if (!explained) {
        const compiled = compile(document, catalog);
        if (!compiled.ok) throw notCompiling();
        explained = compiled.evaluate;
      }
      return explained(lead, explainOptions);
    },
    tally: {
      keys: counted.tallyKeys,
      start: (hits) => bindTally({ asOf: options.asOf, hits }),
    },
  };
}
