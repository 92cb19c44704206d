import type { FieldCatalog, Workflow } from '@accord/engine';
import {
  Background,
  BackgroundVariant,
  Controls,
  ReactFlow,
  ReactFlowProvider,
  useNodesInitialized,
  useReactFlow,
  type NodeChange,
} from '@xyflow/react';
import { useCallback, useEffect, useState } from 'react';
import { nodeChangesToEdits, type FlowEdge, type FlowNode } from './flow-mapping';
import { createEditorStore, EditorStoreContext, useEditor, type Decorations } from './store';
import { edgeTypes, nodeTypes, useMeasuredFlow } from './use-flow';
import { WorkflowContextProvider } from './workflow-context';
import './editor.css';

const NO_SELECTION = { nodes: [], edges: [] };

/** One entry of the canvas's legend: a swatch drawn with the decoration's class. */
export interface LegendItem {
  /** The decoration class the swatch shows, e.g. `is-added`. */
  className: string;
  label: string;
  count?: number;
}

/**
 * A workflow drawn read only with classes on its nodes and edges (a diff, two leads' paths) and
 * a legend; the editor's node and edge components draw it, from a read-only editor store.
 */
export function DecoratedCanvas(props: {
  doc: Workflow;
  /** The catalog the document is read with (its fields' names and types). */
  catalog: FieldCatalog;
  decorations: Decorations;
  legend: readonly LegendItem[];
  /** What the canvas shows, for screen readers, e.g. "Changes on the canvas". */
  label: string;
  /** A short line after the legend, e.g. what clicking a step does. */
  note?: string;
  onNodeClick?: (nodeId: string) => void;
  testId?: string;
}) {
  const { doc, decorations } = props;
  const [store] = useState(() => createEditorStore(doc, { readOnly: true, decorations }));
  useEffect(() => {
    if (store.getState().doc !== doc) store.getState().replaceDoc(doc, { record: false });
    store.getState().setDecorations(decorations);
  }, [store, doc, decorations]);
  return (
    <figure
      className={props.onNodeClick ? 'decorated is-clickable' : 'decorated'}
      aria-label={props.label}
      data-testid={props.testId}
    >
      <EditorStoreContext.Provider value={store}>
        <WorkflowContextProvider stages={doc.stages} scores={doc.scores} catalog={props.catalog}>
          <ReactFlowProvider>
            <ReadOnlyFlow onNodeClick={props.onNodeClick} />
          </ReactFlowProvider>
        </WorkflowContextProvider>
      </EditorStoreContext.Provider>
      <figcaption className="decorated-legend">
        {props.legend.map((item) => (
          <span key={item.className} className="legend-item">
            <span className={`legend-swatch ${item.className}`} aria-hidden />
            {item.count !== undefined && <strong>{item.count}</strong>}
            {item.label}
          </span>
        ))}
        {props.note && <span className="legend-note">{props.note}</span>}
      </figcaption>
    </figure>
  );
}

function ReadOnlyFlow(props: { onNodeClick?: (nodeId: string) => void }) {
  const doc = useEditor((s) => s.doc);
  const { flow, shown, cache, remeasured } = useMeasuredFlow(doc, NO_SELECTION);
  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      if (nodeChangesToEdits(changes, shown.current.nodes, [], cache).measured) remeasured();
    },
    [cache, shown, remeasured],
  );
  // Fits the workflow once its nodes are measured, and again for another document.
  const reactFlow = useReactFlow<FlowNode, FlowEdge>();
  const initialised = useNodesInitialized();
  const [fitted, setFitted] = useState<Workflow | null>(null);
  useEffect(() => {
    if (!initialised) return;
    void reactFlow.fitView({ padding: 0.06 }).then(() => setFitted(doc));
  }, [initialised, doc, reactFlow]);
  const { onNodeClick } = props;
  return (
    <div className="canvas decorated-canvas" data-ready={fitted === doc ? 'true' : 'false'}>
      <ReactFlow<FlowNode, FlowEdge>
        nodes={flow.nodes}
        edges={flow.edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onNodeClick={onNodeClick && ((_, node) => onNodeClick(node.id))}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        edgesReconnectable={false}
        deleteKeyCode={null}
        // Embedded in a scrolling page: the wheel scrolls the page; zoom with the controls.
        zoomOnScroll={false}
        preventScrolling={false}
        minZoom={0.05}
        maxZoom={1.5}
        proOptions={{ hideAttribution: true }}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#cbd2dc" />
        <Controls position="bottom-left" showInteractive={false} />
      </ReactFlow>
    </div>
  );
}
