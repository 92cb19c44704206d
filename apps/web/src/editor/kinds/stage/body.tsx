import { templateInWords, type NodeOf } from '@accord/engine';
import type { CSSProperties } from 'react';
import { stageColour } from '../../stage-colours';
import { useWorkflowContext } from '../../workflow-context';

/** The stage card: the stage as a coloured pill and its reason in words. */
export function StageBody({ node }: { node: NodeOf<'stage'> }) {
  const { stages, text } = useWorkflowContext();
  const stage = stages.find((s) => s.id === node.data.stage);
  const reason =
    node.data.reason &&
    templateInWords(node.data.reason, {
      score: (id) => text.scores.get(id)?.label,
      field: (id) => text.catalog.fields.get(id)?.label,
      stage: stage?.label ?? node.data.stage,
    });
  return (
    <>
      <span
        className="stage-pill"
        style={{ '--stage': stageColour(node.data.stage) } as CSSProperties}
      >
        {stage?.label ?? `Unknown stage ${node.data.stage}`}
      </span>
      {reason && (
        <p className="node-note" title={reason}>
          {reason}
        </p>
      )}
    </>
  );
}
