import { RuleEvidenceSlot } from '../../evidence/rule-evidence';
import { PredicateEditor } from '../../inspector/predicate-editor';
import type { InspectorProps } from '../node-spec';

/** The condition's question: when leads go to "Yes". */
export function ConditionInspector({ node, onChange, tags }: InspectorProps<'condition'>) {
  return (
    <section className="inspector-section">
      <h3>Leads go to “Yes” when</h3>
      <RuleEvidenceSlot nodeId={node.id} rowId={null} />
      <PredicateEditor
        value={node.data.when}
        tags={tags}
        onChange={(when) => onChange({ ...node.data, when })}
      />
    </section>
  );
}
