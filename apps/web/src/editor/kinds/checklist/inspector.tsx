import { NumberInput } from '@accord/ui';
import { Field, withOptional } from '../../inspector/form-parts';
import { RuleEvidenceSlot } from '../../evidence/rule-evidence';
import { ItemCardList } from '../../inspector/item-card-list';
import { NEW_COMPARISON, PredicateEditor } from '../../inspector/predicate-editor';
import type { InspectorProps } from '../node-spec';

/** The checklist's pass rule (all, or at least some) and its named criteria. */
export function ChecklistInspector({ node, onChange, tags }: InspectorProps<'checklist'>) {
  const data = node.data;
  const criteria = data.criteria;
  const required = criteria.filter((c) => !c.optional).length;
  return (
    <>
      <section className="inspector-section">
        <div className="two-columns">
          <Field label="Passes when">
            <select
              aria-label="Passes when"
              value={data.mode}
              onChange={(e) =>
                onChange(
                  e.target.value === 'all'
                    ? { criteria, mode: 'all' }
                    : {
                        criteria,
                        mode: 'atLeast',
                        atLeast: data.atLeast ?? Math.max(1, required - 1),
                      },
                )
              }
            >
              <option value="all">all required criteria are met</option>
              <option value="atLeast">at least some are met</option>
            </select>
          </Field>
          {data.mode === 'atLeast' && (
            <Field label={`How many (of ${required})`}>
              <NumberInput
                value={data.atLeast}
                onChange={(n) => onChange({ ...data, atLeast: n })}
              />
            </Field>
          )}
        </div>
      </section>
      <section className="inspector-section">
        <h3>Criteria</h3>
        <ItemCardList
          items={criteria}
          onChange={(next) => onChange({ ...data, criteria: next })}
          open={criteria.length <= 2}
          what={(c) => `criterion ${c.label}`}
          editing={(c) => c.label}
          summary={(c) => (
            <>
              <span className="check-mark" aria-hidden>
                ✓
              </span>
              <span className="item-title">
                {c.label || 'Untitled criterion'}
                {c.optional && <span className="muted"> (optional)</span>}
              </span>
              <RuleEvidenceSlot nodeId={node.id} rowId={c.id} />
            </>
          )}
          addLabel="+ Criterion"
          idPrefix="criterion"
          newItem={(id) => ({
            id,
            label: 'New criterion',
            when: NEW_COMPARISON,
          })}
        >
          {(c, update) => (
            <>
              <Field label="Criterion">
                <input value={c.label} onChange={(e) => update({ ...c, label: e.target.value })} />
              </Field>
              <label className="check">
                <input
                  type="checkbox"
                  checked={c.optional ?? false}
                  onChange={(e) =>
                    update(withOptional(c, 'optional', e.target.checked || undefined))
                  }
                />
                Optional: reported, not needed to pass
              </label>
              <PredicateEditor
                value={c.when}
                tags={tags}
                label={`Criterion ${c.label}`}
                onChange={(when) => update({ ...c, when })}
              />
            </>
          )}
        </ItemCardList>
      </section>
    </>
  );
}
