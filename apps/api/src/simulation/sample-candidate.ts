import { parseWorkflow, type Workflow } from '@accord/engine';

/**
 * A candidate change to the default agreement for tests and benchmarks: the MQL engagement
 * threshold 30 → 20 and "Company with 200+ employees" 15 → 25 points, so some leads move
 * between stages and scores change.
 * @example const candidate = lowerMqlThreshold(defaultWorkflow());
 */
export function lowerMqlThreshold(document: unknown): Workflow {
  const parsed = parseWorkflow(document);
  if (!parsed.ok) throw new Error('not a workflow');
  const workflow = structuredClone(parsed.workflow);
  for (const node of workflow.nodes) {
    if (node.kind === 'condition' && node.id === 'mql_threshold') {
      const all = (node.data.when as { all: { value?: unknown }[] }).all;
      all[1]!.value = 20;
    }
    if (node.kind === 'scorecard')
      for (const row of node.data.rows) if (row.id === 'size_large') row.points = 25;
  }
  return workflow;
}
