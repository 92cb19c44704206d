import type { NodeKind, WorkflowNode } from './schema/node';

/** One output of a node that an edge can leave from. */
export interface NodeHandle {
  id: string;
  label: string;
}

const NEXT: readonly NodeHandle[] = [{ id: 'next', label: 'Next' }];

const handlesByKind = {
  start: () => NEXT,
  condition: () => [
    { id: 'true', label: 'Yes' },
    { id: 'false', label: 'No' },
  ],
  switch: (node) => [
    ...node.data.cases.map((c) => ({ id: c.id, label: c.label })),
    { id: 'default', label: 'Otherwise' },
  ],
  scorecard: () => NEXT,
  checklist: () => [
    { id: 'pass', label: 'Passes' },
    { id: 'fail', label: 'Fails' },
  ],
  table: (node) =>
    node.data.hitPolicy === 'first'
      ? [
          ...node.data.rows.map((r) => ({ id: r.id, label: r.label })),
          { id: 'default', label: 'No row matches' },
        ]
      : NEXT,
  assign: () => NEXT,
  stage: () => [],
} satisfies {
  [K in NodeKind]: (node: Extract<WorkflowNode, { kind: K }>) => readonly NodeHandle[];
};

/**
 * The output handles of a node, in display order: the one definition the validator, the
 * compiler and the editor's renderer share.
 * @example nodeHandles(conditionNode) // [{ id: 'true', label: 'Yes' }, { id: 'false', label: 'No' }]
 */
export function nodeHandles(node: WorkflowNode): readonly NodeHandle[] {
  const handles = handlesByKind[node.kind] as (n: WorkflowNode) => readonly NodeHandle[];
  return handles(node);
}
