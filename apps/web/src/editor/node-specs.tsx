import type { NodeKind, NodeOf, Workflow } from '@accord/engine';
import type { ComponentType } from 'react';
import {
  AssignInspector,
  ChecklistInspector,
  ConditionInspector,
  ScorecardInspector,
  StageInspector,
  StartInspector,
  SwitchInspector,
  TableInspector,
  type InspectorProps,
} from './inspector/kind-inspectors';
import { NEW_COMPARISON } from './inspector/predicate-editor';
import { NODE_BODIES } from './node-bodies';

/** Everything the editor knows about one node kind. */
export interface NodeSpec<K extends NodeKind> {
  /** What the palette and the node header call it. */
  label: string;
  /** One line for the palette: what it is for. */
  description: string;
  icon: string;
  /** The kind's colour: card stripe, palette, minimap. */
  colour: string;
  /** Shown in the palette (the entry exists once and is never added by hand). */
  addable: boolean;
  /** The new node's label and data, with the doc for context (scores, stages). */
  create(doc: Workflow): Pick<NodeOf<K>, 'label' | 'data'>;
  /** The node's content at a glance, on its card. */
  Body: ComponentType<{ node: NodeOf<K> }>;
  /** The form for the selected node. */
  Inspector: ComponentType<InspectorProps<K>>;
}

/**
 * The editor's registry of node kinds: adding a kind to the engine's NODE_KINDS is a type error
 * here until the editor can draw, create and edit it.
 */
export const NODE_SPECS: { [K in NodeKind]: NodeSpec<K> } = {
  start: {
    label: 'Start',
    description: 'Where every lead enters.',
    icon: '▶',
    colour: '#334155',
    addable: false,
    create: () => ({ label: 'Start', data: {} }),
    Body: NODE_BODIES.start,
    Inspector: StartInspector,
  },
  condition: {
    label: 'Condition',
    description: 'A yes/no question about the lead.',
    icon: '◆',
    colour: '#3756d4',
    addable: true,
    create: () => ({ label: 'New condition', data: { when: { all: [] } } }),
    Body: NODE_BODIES.condition,
    Inspector: ConditionInspector,
  },
  switch: {
    label: 'Switch',
    description: 'Several routes; the first matching case wins.',
    icon: '⇉',
    colour: '#7c3aed',
    addable: true,
    create: () => ({
      label: 'New switch',
      data: { cases: [{ id: 'case_1', label: 'Case 1', when: { all: [NEW_COMPARISON] } }] },
    }),
    Body: NODE_BODIES.switch,
    Inspector: SwitchInspector,
  },
  scorecard: {
    label: 'Scorecard',
    description: 'Points for profile, channel and behaviour.',
    icon: '★',
    colour: '#c2410c',
    addable: true,
    create: (doc) => ({
      label: 'New scorecard',
      data: { score: doc.scores[0]?.id ?? 'fit', rows: [] },
    }),
    Body: NODE_BODIES.scorecard,
    Inspector: ScorecardInspector,
  },
  checklist: {
    label: 'Checklist',
    description: 'Named criteria, e.g. SAL or BANT.',
    icon: '☑',
    colour: '#0e7c86',
    addable: true,
    create: () => ({ label: 'New checklist', data: { mode: 'all', criteria: [] } }),
    Body: NODE_BODIES.checklist,
    Inspector: ChecklistInspector,
  },
  table: {
    label: 'Decision table',
    description: 'Rows of rules over a few columns.',
    icon: '▦',
    colour: '#9333ea',
    addable: true,
    create: () => ({
      label: 'New decision table',
      data: {
        hitPolicy: 'first',
        inputs: [
          {
            id: 'input_1',
            label: 'Company size',
            operand: { kind: 'field', field: 'company_size' },
          },
        ],
        rows: [{ id: 'row_1', label: 'Row 1', cells: [{ op: 'any' }] }],
      },
    }),
    Body: NODE_BODIES.table,
    Inspector: TableInspector,
  },
  assign: {
    label: 'Assign',
    description: 'Set a tag: segment, owner, next step.',
    icon: '#',
    colour: '#4d7c0f',
    addable: true,
    create: () => ({ label: 'New assignment', data: { tags: [{ tag: 'segment', value: '' }] } }),
    Body: NODE_BODIES.assign,
    Inspector: AssignInspector,
  },
  stage: {
    label: 'Stage',
    description: 'The end: the lead’s stage and why.',
    icon: '⚑',
    colour: '#1f8a4c',
    addable: true,
    create: (doc) => {
      const stage = doc.stages.find((s) => s.id === 'mql') ?? doc.stages[0];
      return {
        label: stage?.label ?? 'Stage',
        data: { stage: stage?.id ?? 'nurture' },
      };
    },
    Body: NODE_BODIES.stage,
    Inspector: StageInspector,
  },
};

/** The spec of a kind, typed for a node of that kind. */
export function specOf<K extends NodeKind>(kind: K): NodeSpec<K> {
  return NODE_SPECS[kind] as NodeSpec<K>;
}
