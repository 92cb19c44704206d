import { useCallback, useMemo, useRef, useState, type RefObject } from 'react';
import { WorkflowFlowEdge } from './flow-edge';
import {
  createFlowCache,
  FLOW_EDGE_TYPE,
  FLOW_NODE_TYPE,
  toFlow,
  type FlowCache,
  type FlowEdge,
  type FlowNode,
} from './flow-mapping';
import { WorkflowFlowNode } from './flow-node';
import type { EditorState } from './store';

/** React Flow's node and edge types: every workflow node and edge is drawn by one component. */
export const nodeTypes = { [FLOW_NODE_TYPE]: WorkflowFlowNode };
export const edgeTypes = { [FLOW_EDGE_TYPE]: WorkflowFlowEdge };

/**
 * The React Flow nodes and edges of a document, kept in step with the sizes React Flow measures:
 * call `remeasured()` when a change reports measurements. `shown` is the latest flow, for
 * change handlers that must not re-subscribe on every render.
 */
export function useMeasuredFlow(
  doc: EditorState['doc'],
  selection: EditorState['selection'],
  hidden?: ReadonlySet<string>,
): {
  flow: { nodes: FlowNode[]; edges: FlowEdge[] };
  shown: RefObject<{ nodes: FlowNode[]; edges: FlowEdge[] }>;
  cache: FlowCache;
  remeasured: () => void;
} {
  const cache = useMemo(() => createFlowCache(), []);
  const [measureTick, setMeasureTick] = useState(0);
  const flow = useMemo(
    () => toFlow(doc, selection, cache, hidden),
    // measureTick: React Flow measured nodes; hand the sizes back.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [doc, selection, cache, measureTick, hidden],
  );
  const shown = useRef(flow);
  shown.current = flow;
  const remeasured = useCallback(() => setMeasureTick((t) => t + 1), []);
  return { flow, shown, cache, remeasured };
}
