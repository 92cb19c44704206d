import { assignedTags, type NodeKind, type WorkflowNode } from '@accord/engine';
import { useMemo, type ComponentType } from 'react';
import { deleteSelection, duplicateSelection } from './commands';
import { updateNode } from './doc-ops';
import { useEditingPresence } from './collab/shared-draft';
import { Field, withOptional } from './inspector/form-parts';
import { NODE_SPECS, type InspectorProps } from './kinds';
import { useEditor, useEditorStoreApi } from './store';

/** A key per form control: typing in one box is one undo step, the next box starts another. */
const controlKeys = new WeakMap<Element, number>();
let nextControlKey = 0;
function focusedControlKey(): number {
  const control = document.activeElement;
  if (!control) return -1;
  let key = controlKeys.get(control);
  if (key === undefined) controlKeys.set(control, (key = nextControlKey++));
  return key;
}

/** The form for what is selected: one node, several, an edge, or nothing. */
export function InspectorPanel() {
  const selection = useEditor((s) => s.selection);
  const readOnly = useEditor((s) => s.readOnly);
  if (selection.nodes.length === 1)
    return <NodeInspector nodeId={selection.nodes[0]!} readOnly={readOnly} />;
  if (selection.nodes.length > 1)
    return <MultiInspector count={selection.nodes.length} readOnly={readOnly} />;
  if (selection.edges.length === 1)
    return <EdgeInspector edgeId={selection.edges[0]!} readOnly={readOnly} />;
  return <WorkflowSummary />;
}

function NodeInspector({ nodeId, readOnly }: { nodeId: string; readOnly: boolean }) {
  const store = useEditorStoreApi();
  // Subscribing to the parts a form shows (not the position) keeps it still while the node is dragged.
  const kind = useEditor((s) => s.doc.nodes.find((n) => n.id === nodeId)?.kind);
  const label = useEditor((s) => s.doc.nodes.find((n) => n.id === nodeId)?.label);
  const description = useEditor((s) => s.doc.nodes.find((n) => n.id === nodeId)?.description);
  const data = useEditor((s) => s.doc.nodes.find((n) => n.id === nodeId)?.data);
  const checkedDoc = useEditor((s) => s.checkedDoc);
  const tags = useMemo(() => [...assignedTags(checkedDoc)].sort(), [checkedDoc]);
  const problems = useEditor((s) => s.problemsByNode.get(nodeId));
  const editing = useEditingPresence(nodeId, !readOnly);
  if (!kind || data === undefined) return null;
  const spec = NODE_SPECS[kind];
  const Inspector = spec.Inspector as ComponentType<InspectorProps<NodeKind>>;
  const edit = (recipe: (n: WorkflowNode) => WorkflowNode, key: string) =>
    store.getState().change((d) => updateNode(d, nodeId, recipe), { coalesce: `${nodeId}:${key}` });
  const node = {
    id: nodeId,
    kind,
    label: label ?? '',
    description,
    data,
    position: { x: 0, y: 0 },
  } as WorkflowNode;
  return (
    <div className="inspector" data-testid="inspector">
      <header className="inspector-head" style={{ borderColor: spec.colour }}>
        <span className="inspector-kind" style={{ color: spec.colour }}>
          <span aria-hidden>{spec.icon}</span> {spec.label}
        </span>
        <strong className="inspector-title" data-testid="inspector-title">
          {label || `Unnamed ${spec.label.toLowerCase()}`}
        </strong>
      </header>
      {problems && (
        <ul className={`inspector-problems${problems.errors ? ' has-errors' : ''}`}>
          {problems.messages.map((m, i) => (
            <li key={i}>{m}</li>
          ))}
        </ul>
      )}
      <fieldset
        disabled={readOnly}
        className="inspector-form"
        onFocus={editing.onFocus}
        onBlur={editing.onBlur}
      >
        <Field label="Name">
          <input
            data-testid="node-label-input"
            value={label ?? ''}
            onChange={(e) => {
              const value = e.target.value;
              edit((n) => ({ ...n, label: value }), 'label');
            }}
          />
        </Field>
        <Field label="Notes for the other team">
          <textarea
            rows={2}
            value={description ?? ''}
            placeholder="Why this step exists (optional)"
            onChange={(e) => {
              const value = e.target.value;
              edit((n) => withOptional(n, 'description', value || undefined), 'description');
            }}
          />
        </Field>
        <Inspector
          node={node}
          tags={tags}
          onChange={(next) =>
            edit((n) => ({ ...n, data: next }) as WorkflowNode, `data:${focusedControlKey()}`)
          }
        />
      </fieldset>
    </div>
  );
}

function MultiInspector({ count, readOnly }: { count: number; readOnly: boolean }) {
  const store = useEditorStoreApi();
  return (
    <div className="inspector empty-state">
      <p>
        <strong>{count} steps selected.</strong>
      </p>
      {!readOnly && (
        <div className="row center">
          <button type="button" onClick={() => duplicateSelection(store)}>
            Duplicate
          </button>
          <button type="button" className="danger" onClick={() => deleteSelection(store)}>
            Delete
          </button>
        </div>
      )}
    </div>
  );
}

function EdgeInspector({ edgeId, readOnly }: { edgeId: string; readOnly: boolean }) {
  const store = useEditorStoreApi();
  const edge = useEditor((s) => s.doc.edges.find((e) => e.id === edgeId));
  const nodes = useEditor((s) => s.doc.nodes);
  if (!edge) return null;
  const source = nodes.find((n) => n.id === edge.source);
  const target = nodes.find((n) => n.id === edge.target);
  return (
    <div className="inspector empty-state">
      <p>
        Connection from <strong>{source?.label ?? edge.source}</strong> ({edge.sourceHandle}) to{' '}
        <strong>{target?.label ?? edge.target}</strong>.
      </p>
      <p className="hint">Drag either end to another step to reconnect it.</p>
      {!readOnly && (
        <button type="button" className="danger" onClick={() => deleteSelection(store)}>
          Delete connection
        </button>
      )}
    </div>
  );
}

function WorkflowSummary() {
  const readOnly = useEditor((s) => s.readOnly);
  const stages = useEditor((s) => s.doc.stages);
  const scores = useEditor((s) => s.doc.scores);
  const count = useEditor((s) => s.doc.nodes.length);
  return (
    <div className="inspector empty-state" data-testid="inspector-empty">
      {readOnly ? (
        <p>
          <strong>Select a step to see its rules.</strong>
        </p>
      ) : (
        <>
          <p>
            <strong>Select a step to edit it.</strong>
          </p>
          <p className="hint">
            Add steps from the palette on the left, then connect an output (right edge) to the next
            step. Press <kbd>?</kbd> for shortcuts.
          </p>
        </>
      )}
      <dl className="summary">
        <dt>Steps</dt>
        <dd>{count}</dd>
        <dt>Stages</dt>
        <dd>
          {[...stages]
            .sort((a, b) => a.order - b.order)
            .map((s) => s.label)
            .join(' → ')}
        </dd>
        <dt>Scores</dt>
        <dd>{scores.map((s) => s.label).join(', ')}</dd>
      </dl>
    </div>
  );
}
