import type { NodeKind } from '@accord/engine';
import { assignSpec } from './assign/spec';
import { checklistSpec } from './checklist/spec';
import { conditionSpec } from './condition/spec';
import type { NodeSpec, NodeSpecs } from './node-spec';
import { scorecardSpec } from './scorecard/spec';
import { stageSpec } from './stage/spec';
import { startSpec } from './start/spec';
import { switchSpec } from './switch/spec';
import { tableSpec } from './table/spec';

export type { InspectorProps, NodeSpec, NodeSpecs } from './node-spec';

/**
 * The editor's registry of node kinds, one folder each under `kinds/` (spec, body, inspector):
 * adding a kind to the engine's NODE_KINDS is a type error here until the editor can draw,
 * create and edit it.
 */
export const NODE_SPECS = {
  start: startSpec,
  condition: conditionSpec,
  switch: switchSpec,
  scorecard: scorecardSpec,
  checklist: checklistSpec,
  table: tableSpec,
  assign: assignSpec,
  stage: stageSpec,
} as const satisfies NodeSpecs;

/** The spec of a kind, typed for a node of that kind. */
export function specOf<K extends NodeKind>(kind: K): NodeSpec<K> {
  return (NODE_SPECS as NodeSpecs)[kind];
}
