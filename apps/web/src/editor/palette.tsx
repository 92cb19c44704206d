import { NODE_KINDS, type NodeKind } from '@accord/engine';
import { useReactFlow } from '@xyflow/react';
import type { CSSProperties } from 'react';
import { NODE_KIND_MIME } from './canvas';
import { addNodeOfKind } from './commands';
import { freeSpot } from './doc-ops';
import { NODE_SPECS } from './kinds';
import { useEditorStoreApi } from './store';

/** The node kinds to drag onto the canvas, or click to add in the middle of the view. */
export function Palette() {
  const store = useEditorStoreApi();
  const reactFlow = useReactFlow();
  const addAtCentre = (kind: NodeKind) => {
    const pane = document.querySelector('.canvas')?.getBoundingClientRect();
    const centre = pane
      ? reactFlow.screenToFlowPosition({
          x: pane.left + pane.width / 2,
          y: pane.top + pane.height / 2,
        })
      : { x: 0, y: 0 };
    const taken = reactFlow.getNodes().map((n) => ({
      x: n.position.x,
      y: n.position.y,
      width: n.measured?.width ?? 248,
      height: n.measured?.height ?? 120,
    }));
    const at = freeSpot(
      { x: centre.x - 124, y: centre.y - 60 },
      { width: 248, height: 140 },
      taken,
    );
    addNodeOfKind(store, kind, at);
  };
  return (
    <aside className="palette" aria-label="Add a step">
      <h2>Add a step</h2>
      <p className="hint">Drag onto the canvas, or click to add.</p>
      <ul>
        {NODE_KINDS.filter((kind) => NODE_SPECS[kind].addable).map((kind) => {
          const spec = NODE_SPECS[kind];
          return (
            <li key={kind}>
              <button
                type="button"
                className="palette-item"
                draggable
                data-testid={`palette-${kind}`}
                style={{ '--node-accent': spec.colour } as CSSProperties}
                onDragStart={(event) => {
                  event.dataTransfer.setData(NODE_KIND_MIME, kind);
                  event.dataTransfer.effectAllowed = 'copy';
                }}
                onClick={() => addAtCentre(kind)}
                aria-label={`Add ${spec.label}`}
              >
                <span className="palette-icon" aria-hidden>
                  {spec.icon}
                </span>
                <span className="palette-text">
                  <span className="palette-label">{spec.label}</span>
                  <span className="palette-desc">{spec.description}</span>
                </span>
              </button>
            </li>
          );
        })}
      </ul>
    </aside>
  );
}
