import {
  useInternalNode,
  useReactFlow,
  useStore as useFlowStore,
  ViewportPortal,
} from '@xyflow/react';
import { useContext, useEffect } from 'react';
import { selectionsByNode, throttle, type Peer } from './presence';
import { SharedDraftContext, useSharedDraftSnapshot } from './shared-draft';

/** How often my pointer is sent to the others at most. */
export const CURSOR_THROTTLE_MS = 50;

/**
 * What the others do on the canvas, drawn in flow coordinates inside React Flow: their pointers
 * (a coloured arrow with the name) and the steps they selected (outlined in their colour). Also
 * sends my own pointer (throttled). Renders nothing outside a shared draft.
 */
export function PresenceLayer() {
  const session = useContext(SharedDraftContext);
  const { peers } = useSharedDraftSnapshot();
  const pane = useFlowStore((s) => s.domNode);
  const reactFlow = useReactFlow();
  useEffect(() => {
    if (!session || !pane) return;
    const send = throttle((cursor: { x: number; y: number } | null) => {
      session.setPresence({ cursor });
    }, CURSOR_THROTTLE_MS);
    const move = (event: PointerEvent) => {
      const at = reactFlow.screenToFlowPosition({ x: event.clientX, y: event.clientY });
      send({ x: Math.round(at.x), y: Math.round(at.y) });
    };
    const leave = () => send(null);
    pane.addEventListener('pointermove', move);
    pane.addEventListener('pointerleave', leave);
    return () => {
      pane.removeEventListener('pointermove', move);
      pane.removeEventListener('pointerleave', leave);
      send.cancel();
    };
  }, [session, pane, reactFlow]);
  if (!session || peers.length === 0) return null;
  return (
    <ViewportPortal>
      {[...selectionsByNode(peers)].map(([nodeId, selecting]) => (
        <SelectionOutline key={nodeId} nodeId={nodeId} peers={selecting} />
      ))}
      {peers.map((peer) => (peer.cursor ? <RemoteCursor key={peer.clientId} peer={peer} /> : null))}
    </ViewportPortal>
  );
}

function RemoteCursor({ peer }: { peer: Peer }) {
  const { x, y } = peer.cursor!;
  return (
    <div
      className="remote-cursor"
      data-testid="remote-cursor"
      data-user={peer.user.name}
      style={{ transform: `translate(${x}px, ${y}px)`, color: peer.user.colour }}
    >
      <svg width="16" height="20" viewBox="0 0 16 20" aria-hidden>
        <path d="M1 1 L1 16 L5 12 L8 19 L11 18 L8 11 L14 11 Z" fill="currentColor" stroke="white" />
      </svg>
      <span className="remote-cursor-name" style={{ background: peer.user.colour }}>
        {peer.user.name}
      </span>
    </div>
  );
}

/** A step others selected: outlined in the first one's colour, everyone's name on top. */
function SelectionOutline({ nodeId, peers }: { nodeId: string; peers: readonly Peer[] }) {
  const node = useInternalNode(nodeId);
  if (!node) return null;
  const { x, y } = node.internals.positionAbsolute;
  const width = node.measured.width ?? 0;
  const height = node.measured.height ?? 0;
  return (
    <div
      className="remote-selection"
      data-testid="remote-selection"
      data-node-id={nodeId}
      data-users={peers.map((p) => p.user.name).join(', ')}
      style={{
        transform: `translate(${x - 5}px, ${y - 5}px)`,
        width: width + 10,
        height: height + 10,
        borderColor: peers[0]!.user.colour,
      }}
    >
      <span className="remote-selection-names">
        {peers.map((p) => (
          <span key={p.clientId} style={{ background: p.user.colour }}>
            {p.user.name}
          </span>
        ))}
      </span>
    </div>
  );
}
