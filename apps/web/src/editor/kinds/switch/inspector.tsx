import { Field } from '../../inspector/form-parts';
import { RuleEvidenceSlot } from '../../evidence/rule-evidence';
import { ItemCardList } from '../../inspector/item-card-list';
import { NEW_COMPARISON, PredicateEditor } from '../../inspector/predicate-editor';
import type { InspectorProps } from '../node-spec';

/** The switch's cases, checked in order, each a name and a predicate. */
export function SwitchInspector({ node, onChange, tags }: InspectorProps<'switch'>) {
  const cases = node.data.cases;
  return (
    <section className="inspector-section">
      <h3>Cases, checked in order</h3>
      <p className="hint">The first case that matches decides the route; otherwise “Otherwise”.</p>
      <ItemCardList
        items={cases}
        onChange={(next) => onChange({ ...node.data, cases: next })}
        open={cases.length <= 3}
        what={(c) => `case ${c.label}`}
        editing={(c) => c.label}
        summary={(c) => (
          <>
            <span className="item-title">{c.label || 'Untitled case'}</span>
            <RuleEvidenceSlot nodeId={node.id} rowId={c.id} />
          </>
        )}
        addLabel="+ Case"
        idPrefix="case"
        newItem={(id) => ({
          id,
          label: `Case ${cases.length + 1}`,
          when: { all: [NEW_COMPARISON] },
        })}
      >
        {(c, update) => (
          <>
            <Field label="Case name">
              <input value={c.label} onChange={(e) => update({ ...c, label: e.target.value })} />
            </Field>
            <PredicateEditor
              value={c.when}
              tags={tags}
              label={`Case ${c.label}`}
              onChange={(when) => update({ ...c, when })}
            />
          </>
        )}
      </ItemCardList>
    </section>
  );
}
