import type { NodeDataOf, NodeKind, NodeOf, Workflow } from '@accord/engine';
import type { ComponentType } from 'react';

/** What every kind's inspector form receives. */
export interface InspectorProps<K extends NodeKind> {
  node: NodeOf<K>;
  onChange: (data: NodeDataOf<K>) => void;
  /** Tags some step of the workflow sets, for tag comparisons. */
  tags: readonly string[];
}

/**
 * Everything the editor knows about one node kind. Its output handles are not here: they come
 * from the engine's `nodeHandles(node)`, which the validator reads too.
 */
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

/** One spec per node kind, each typed for its own kind. */
export type NodeSpecs = { [K in NodeKind]: NodeSpec<K> };
