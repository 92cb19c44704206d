import { CountBadge } from '@accord/ui';
import { BaseEdge, EdgeLabelRenderer, getBezierPath, type EdgeProps } from '@xyflow/react';
import { memo } from 'react';
import { removeElements } from './doc-ops';
import type { FlowEdge } from './flow-mapping';
import { useEditor, useEditorStoreApi } from './store';

/**
 * A connection: highlighted on a tried lead's path, decorated (a diff, two paths), with its
 * problems and a delete button.
 */
export const WorkflowFlowEdge = memo(function WorkflowFlowEdge(props: EdgeProps<FlowEdge>) {
  const { id, selected } = props;
  const [path, labelX, labelY] = getBezierPath(props);
  const problems = useEditor((s) => s.problemsByEdge.get(id));
  const onPath = useEditor((s) => (s.highlight ? s.highlight.edges.has(id) : undefined));
  const decoration = useEditor((s) => s.decorations?.edges.get(id));
  const readOnly = useEditor((s) => s.readOnly);
  const store = useEditorStoreApi();
  const className = [
    'workflow-edge',
    onPath === true && 'is-highlighted',
    onPath === false && 'is-dimmed',
    problems && (problems.errors ? 'has-error' : 'has-warning'),
    decoration,
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <>
      <BaseEdge
        id={id}
        path={path}
        className={className}
        markerEnd={props.markerEnd}
        interactionWidth={18}
      />
      {(problems || (selected && !readOnly)) && (
        <EdgeLabelRenderer>
          <div
            className="edge-label nodrag nopan"
            style={{ transform: `translate(-50%, -50%) translate(${labelX}px, ${labelY}px)` }}
          >
            {problems && (
              <CountBadge
                tone={problems.errors ? 'error' : 'warning'}
                count={problems.errors + problems.warnings}
                title={problems.messages.join('\n')}
                aria-label={`Connection problem: ${problems.messages.join('; ')}`}
              />
            )}
            {selected && !readOnly && (
              <button
                type="button"
                className="edge-delete"
                aria-label="Delete connection"
                onClick={() =>
                  store.getState().change((d) => removeElements(d, { nodes: [], edges: [id] }))
                }
              >
                ×
              </button>
            )}
          </div>
        </EdgeLabelRenderer>
      )}
    </>
  );
});
