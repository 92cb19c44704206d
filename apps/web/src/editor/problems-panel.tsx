import { useEditor, useEditorStoreApi } from './store';

/** Every problem `validate` found; clicking one selects and centres its node. */
export function ProblemsPanel() {
  const diagnostics = useEditor((s) => s.diagnostics);
  const nodes = useEditor((s) => s.doc.nodes);
  const edges = useEditor((s) => s.doc.edges);
  const store = useEditorStoreApi();
  if (diagnostics.length === 0)
    return (
      <div className="empty-state" data-testid="problems-empty">
        <p className="big-check" aria-hidden>
          ✓
        </p>
        <p>No problems. This draft can be proposed as a version.</p>
      </div>
    );
  const sorted = [...diagnostics].sort((a, b) =>
    a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1,
  );
  const nameOf = (id: string | undefined) => nodes.find((n) => n.id === id)?.label;
  return (
    <ul className="problems" data-testid="problems-list">
      {sorted.map((d, i) => {
        const nodeId = d.nodeId ?? edges.find((e) => e.id === d.edgeId)?.source;
        return (
          <li key={i}>
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
          </li>
        );
      })}
    </ul>
  );
}
