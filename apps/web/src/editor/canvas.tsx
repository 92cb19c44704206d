import type { NodeKind } from '@accord/engine';
import {
  Background,
  BackgroundVariant,
  ControlButton,
  Controls,
  MiniMap,
  ReactFlow,
  useNodesInitialized,
  useReactFlow,
  useStore as useFlowStore,
  type Connection,
  type EdgeChange,
  type NodeChange,
} from '@xyflow/react';
import { startTransition, useCallback, useEffect, useRef, useState, type DragEvent } from 'react';
import { addNodeOfKind } from './commands';
import { FIT_PADDING, planInitialView, type InitialView } from './initial-view';
import { canConnect, moveNodes, reconnect, connect, removeElements } from './doc-ops';
import {
  connectionToEdgeEnds,
  edgeChangesToSelection,
  nodeChangesToEdits,
  type FlowCache,
  type FlowEdge,
  type FlowNode,
} from './flow-mapping';
import { NODE_SPECS } from './kinds';
import { useEditor, useEditorStoreApi } from './store';
import { edgeTypes, nodeTypes, useMeasuredFlow } from './use-flow';
import { PresenceLayer } from './collab/presence-layer';

const SNAP: [number, number] = [20, 20];
/** The MIME type the palette drags node kinds with. */
export const NODE_KIND_MIME = 'application/x-accord-node-kind';

/** Nodes drawn per batch after the first view of a big workflow is up. */
const REVEAL_BATCH = 30;

/** The canvas size before it is laid out: the window minus the palette, side panel and bars. */
function paneSizeGuess() {
  return {
    width: Math.max(400, window.innerWidth - 196 - 364),
    height: Math.max(300, window.innerHeight - 104),
  };
}

/**
 * Places the first view (fitting the workflow once measured, or the planned view of a big one)
 * and reports when the canvas is ready for the user.
 */
function useInitialViewport(plan: InitialView): boolean {
  const reactFlow = useReactFlow<FlowNode, FlowEdge>();
  const initialised = useNodesInitialized();
  const width = useFlowStore((s) => s.width);
  const height = useFlowStore((s) => s.height);
  const [ready, setReady] = useState(false);
  useEffect(() => {
    if (ready || !initialised || !width || !height) return;
    if (!plan.viewport) void reactFlow.fitView({ padding: FIT_PADDING, maxZoom: 1 });
    setReady(true);
  }, [initialised, width, height, ready, reactFlow, plan]);
  return ready;
}

/** The graph: React Flow, fed by the editor store through the flow mapping. */
export function Canvas(props: { cacheRef?: { current: FlowCache | null } }) {
  const store = useEditorStoreApi();
  const doc = useEditor((s) => s.doc);
  const selection = useEditor((s) => s.selection);
  const readOnly = useEditor((s) => s.readOnly);
  const focusRequest = useEditor((s) => s.focusRequest);
  const { cacheRef } = props;
  const [plan] = useState(() => planInitialView(store.getState().doc, paneSizeGuess()));
  // Nodes of a big workflow not drawn yet; they follow in batches once the first view is up.
  const [deferred, setDeferred] = useState<ReadonlySet<string>>(() => new Set(plan.later));
  const { flow, shown, cache, remeasured } = useMeasuredFlow(doc, selection, deferred);
  useEffect(() => {
    if (cacheRef) cacheRef.current = cache;
  }, [cache, cacheRef]);
  const reactFlow = useReactFlow<FlowNode, FlowEdge>();
  const ready = useInitialViewport(plan);
  useEffect(() => {
    if (!ready || deferred.size === 0) return;
    // Drawn when the page is idle and as an interruptible transition: the user's clicks and
    // drags go first.
    const reveal = () =>
      startTransition(() =>
        setDeferred((current) => {
          const next = new Set(current);
          let count = 0;
          for (const id of plan.later) if (next.delete(id) && ++count >= REVEAL_BATCH) break;
          return next;
        }),
      );
    if (typeof requestIdleCallback === 'function') {
      const handle = requestIdleCallback(reveal, { timeout: 500 });
      return () => cancelIdleCallback(handle);
    }
    const timer = setTimeout(reveal, 30);
    return () => clearTimeout(timer);
  }, [ready, deferred, plan]);

  const onNodesChange = useCallback(
    (changes: NodeChange<FlowNode>[]) => {
      const state = store.getState();
      const outcome = nodeChangesToEdits(
        changes,
        shown.current.nodes,
        state.selection.edges,
        cache,
      );
      if (outcome.moves.size > 0)
        state.change((d) => moveNodes(d, outcome.moves), {
          coalesce: outcome.dragging ? 'drag' : undefined,
        });
      if (outcome.selection) state.select(outcome.selection);
      if (outcome.measured) remeasured();
    },
    [store, cache, shown, remeasured],
  );

  const onEdgesChange = useCallback(
    (changes: EdgeChange<FlowEdge>[]) => {
      const state = store.getState();
      const selection = edgeChangesToSelection(changes, shown.current.edges, state.selection.nodes);
      if (selection) state.select(selection);
    },
    [store, shown],
  );

  const onConnect = useCallback(
    (connection: Connection) => {
      const ends = connectionToEdgeEnds(connection);
      if (ends) store.getState().change((d) => connect(d, ends));
    },
    [store],
  );

  const isValidConnection = useCallback(
    (c: Connection | FlowEdge) =>
      !!c.source && !!c.target && canConnect(store.getState().doc, c.source, c.target),
    [store],
  );

  // An edge dragged off its target onto empty canvas is deleted.
  const reconnected = useRef(true);
  const onReconnectStart = useCallback(() => {
    reconnected.current = false;
  }, []);
  const onReconnect = useCallback(
    (old: FlowEdge, connection: Connection) => {
      reconnected.current = true;
      const ends = connectionToEdgeEnds(connection);
      if (ends) store.getState().change((d) => reconnect(d, old.id, ends));
    },
    [store],
  );
  const onReconnectEnd = useCallback(
    (_: unknown, edge: FlowEdge) => {
      if (!reconnected.current)
        store.getState().change((d) => removeElements(d, { nodes: [], edges: [edge.id] }));
      reconnected.current = true;
    },
    [store],
  );

  const onDragOver = useCallback((event: DragEvent) => {
    if (event.dataTransfer.types.includes(NODE_KIND_MIME)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  }, []);
  const onDrop = useCallback(
    (event: DragEvent) => {
      const kind = event.dataTransfer.getData(NODE_KIND_MIME) as NodeKind;
      if (!kind || !(kind in NODE_SPECS)) return;
      event.preventDefault();
      const at = reactFlow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      addNodeOfKind(store, kind, { x: at.x - 120, y: at.y - 30 });
    },
    [reactFlow, store],
  );

  useEffect(() => {
    if (!focusRequest) return;
    const node = store.getState().doc.nodes.find((n) => n.id === focusRequest.nodeId);
    if (!node) return;
    const size = cache.measured.get(node.id);
    void reactFlow.setCenter(
      node.position.x + (size?.width ?? 240) / 2,
      node.position.y + (size?.height ?? 100) / 2,
      { zoom: Math.max(reactFlow.getZoom(), 0.9), duration: 300 },
    );
  }, [focusRequest, reactFlow, store, cache]);

  const large = doc.nodes.length > 150 || plan.later.length > 0;
  const [overview, setOverview] = useOverviewMap(doc.nodes.length);
  return (
    <div
      className="canvas"
      data-testid="canvas"
      data-ready={ready ? 'true' : 'false'}
      data-complete={ready && deferred.size === 0 ? 'true' : 'false'}
    >
      <ReactFlow<FlowNode, FlowEdge>
        nodes={flow.nodes}
        edges={flow.edges}
        nodeTypes={nodeTypes}
        edgeTypes={edgeTypes}
        onNodesChange={onNodesChange}
        onEdgesChange={onEdgesChange}
        onConnect={onConnect}
        isValidConnection={isValidConnection}
        onReconnect={onReconnect}
        onReconnectStart={onReconnectStart}
        onReconnectEnd={onReconnectEnd}
        edgesReconnectable={!readOnly}
        nodesDraggable={!readOnly}
        nodesConnectable={!readOnly}
        onDragOver={onDragOver}
        onDrop={onDrop}
        deleteKeyCode={null}
        selectionKeyCode="Shift"
        multiSelectionKeyCode={['Control', 'Meta']}
        snapToGrid
        snapGrid={SNAP}
        minZoom={0.05}
        maxZoom={2}
        onlyRenderVisibleElements={large}
        defaultViewport={plan.viewport ?? undefined}
        proOptions={{ hideAttribution: true }}
      >
        <Background variant={BackgroundVariant.Dots} gap={20} size={1.2} color="#cbd2dc" />
        <Controls position="bottom-left" showInteractive={false}>
          <ControlButton
            onClick={() => setOverview(!overview)}
            title={overview ? 'Hide the overview map' : 'Show the overview map'}
            aria-label={overview ? 'Hide the overview map' : 'Show the overview map'}
            aria-pressed={overview}
          >
            ▦
          </ControlButton>
        </Controls>
        <PresenceLayer />
        {overview && (
          <MiniMap<FlowNode>
            position="bottom-right"
            pannable
            zoomable
            nodeColor={(n) => NODE_SPECS[n.data.node.kind].colour}
            nodeStrokeWidth={0}
            style={{ width: 168, height: 112 }}
            ariaLabel="Overview of the workflow"
          />
        )}
      </ReactFlow>
    </div>
  );
}

const OVERVIEW_KEY = 'accord.overviewMap';
/** Workflows this large open with the overview map; smaller ones fit on screen without it. */
const OVERVIEW_FROM_NODES = 40;

/**
 * Whether the canvas shows its overview map: the user's last choice (kept in this browser), or
 * by default only for large workflows, since on a small screen the map covers the steps at the
 * bottom right.
 */
function useOverviewMap(nodeCount: number): [boolean, (show: boolean) => void] {
  const [choice, setChoice] = useState<boolean | null>(() => {
    const saved = globalThis.localStorage?.getItem(OVERVIEW_KEY);
    return saved === 'shown' ? true : saved === 'hidden' ? false : null;
  });
  const show = (next: boolean) => {
    setChoice(next);
    globalThis.localStorage?.setItem(OVERVIEW_KEY, next ? 'shown' : 'hidden');
  };
  return [choice ?? nodeCount >= OVERVIEW_FROM_NODES, show];
}
