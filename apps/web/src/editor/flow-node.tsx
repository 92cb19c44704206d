import { nodeHandles, type WorkflowNode } from '@accord/engine';
import { CountBadge, NodeCard } from '@accord/ui';
import { useUpdateNodeInternals, type NodeProps } from '@xyflow/react';
import { memo, useEffect, useRef, type ComponentType } from 'react';
import type { FlowNode } from './flow-mapping';
import { NodeEvidenceBadge } from './evidence/rule-evidence';
import { NodeComments } from './node-comments';
import { NODE_SPECS } from './kinds';
import { useEditor, useEditorStoreApi } from './store';

/** A workflow node on the canvas: its kind's card, content, labelled handles and badges. */
export const WorkflowFlowNode = memo(function WorkflowFlowNode({
  id,
  data,
  selected,
}: NodeProps<FlowNode>) {
  const node = data.node;
  const spec = NODE_SPECS[node.kind];
  const Body = spec.Body as ComponentType<{ node: WorkflowNode }>;
  const handles = nodeHandles(node);
  const problems = useEditor((s) => s.problemsByNode.get(id));
  const onPath = useEditor((s) => (s.highlight ? s.highlight.nodes.has(id) : undefined));
  const decoration = useEditor((s) => s.decorations?.nodes.get(id));
  const store = useEditorStoreApi();

  // Handles come and go with switch cases and table rows; React Flow must measure them again.
  const updateNodeInternals = useUpdateNodeInternals();
  const handleKey = handles.map((h) => h.id).join('|');
  const firstRun = useRef(true);
  useEffect(() => {
    if (firstRun.current) {
      firstRun.current = false;
      return;
    }
    updateNodeInternals(id);
  }, [handleKey, id, updateNodeInternals]);

  return (
    <NodeCard
      testId={`node-${id}`}
      title={node.label}
      kindLabel={spec.label}
      icon={spec.icon}
      accent={spec.colour}
      hasInput={node.kind !== 'start'}
      outputs={handles}
      selected={selected}
      highlighted={onPath === true}
      dimmed={onPath === false}
      className={decoration}
      status={problems ? (problems.errors > 0 ? 'error' : 'warning') : undefined}
      badges={
        <>
          {problems && (
            <CountBadge
              tone={problems.errors > 0 ? 'error' : 'warning'}
              icon={problems.errors > 0 ? '!' : '⚠'}
              count={problems.errors + problems.warnings}
              className="nodrag"
              data-testid={`node-problems-${id}`}
              title={problems.messages.join('\n')}
              aria-label={`${problems.errors + problems.warnings} problem(s): ${problems.messages.join('; ')}`}
              onClick={() => {
                store.getState().select({ nodes: [id], edges: [] });
                store.getState().setPanel('problems');
              }}
            />
          )}
          <NodeEvidenceBadge nodeId={id} />
          <NodeComments nodeId={id} nodeLabel={node.label} />
        </>
      }
    >
      <Body node={node} />
    </NodeCard>
  );
});
