import { predicateText, type NodeOf } from '@accord/engine';
import { useWorkflowContext } from '../../workflow-context';

/** What a condition asks, as a sentence: "Yes when …", or "Always yes" for an empty group. */
export function conditionText(when: string): string {
  return when === 'always' ? 'Always yes' : when === 'never' ? 'Always no' : `Yes when ${when}`;
}

/** The condition card: its question in words. */
export function ConditionBody({ node }: { node: NodeOf<'condition'> }) {
  const { text } = useWorkflowContext();
  const sentence = conditionText(predicateText(node.data.when, text));
  return (
    <p className="node-predicate" title={sentence}>
      {sentence}
    </p>
  );
}
