import { groupDiagnostics, type Diagnostic } from '@accord/engine';
import { useMemo } from 'react';
import { useEditor, useEditorStoreApi } from './store';

/** How many problems the draft has: its diagnostics grouped by cause (see `groupDiagnostics`). */
export function useProblemGroups() {
  const diagnostics = useEditor((s) => s.diagnostics);
  const checkedDoc = useEditor((s) => s.checkedDoc);
  return useMemo(() => groupDiagnostics(checkedDoc, diagnostics), [checkedDoc, diagnostics]);
}

/**
 * The problems `validate` found, one per cause: a deleted connection reads as one problem, with
 * the steps it cuts off folded under it. Clicking one selects and centres its step.
 */
export function ProblemsPanel() {
  const groups = useProblemGroups();
  const nodes = useEditor((s) => s.doc.nodes);
  const edges = useEditor((s) => s.doc.edges);
  const store = useEditorStoreApi();
  if (groups.length === 0)
    return (
      <div className="empty-state" data-testid="problems-empty">
        <p className="big-check" aria-hidden>
          ✓
        </p>
        <p>No problems. This draft can be proposed as a version.</p>
      </div>
    );
  const nameOf = (id: string | undefined) => nodes.find((n) => n.id === id)?.label;
  const Problem = ({ d }: { d: Diagnostic }) => {
    const nodeId = d.nodeId ?? edges.find((e) => e.id === d.edgeId)?.source;
    return (
      <button
        type="button"
        className={`problem severity-${d.severity}`}
        disabled={!nodeId}
        onClick={() => {
          if (!nodeId) return;
          store.getState().focusNode(nodeId);
          if (d.edgeId) store.getState().select({ nodes: [], edges: [d.edgeId] });
        }}
      >
        <span className="problem-icon" aria-label={d.severity}>
          {d.severity === 'error' ? '!' : '⚠'}
        </span>
        <span className="problem-text">
          {nodeId && <span className="problem-where">{nameOf(nodeId) ?? nodeId}</span>}
          {d.message}
        </span>
      </button>
    );
  };
  return (
    <ul className="problems" data-testid="problems-list">
      {groups.map((group, i) => (
        <li key={i} className="problem-group" data-testid="problem-group">
          <Problem d={group.cause} />
          {group.consequences.length > 0 && (
            <details className="problem-consequences">
              <summary data-testid="problem-summary">
                {group.summary.length ? group.summary.join('; ') : 'and what follows from it'}
              </summary>
              <ul>
                {group.consequences.map((d, j) => (
                  <li key={j}>
                    <Problem d={d} />
                  </li>
                ))}
              </ul>
            </details>
          )}
        </li>
      ))}
    </ul>
  );
}
