import { SCORE_CATEGORIES, type ScorecardRow } from '@accord/engine';
import { NumberInput } from '@accord/ui';
import { Field, formatPoints } from '../../inspector/form-parts';
import {
  ScorecardEvidenceHead,
  RuleEvidenceSlot,
  SuggestedPoints,
} from '../../evidence/rule-evidence';
import { ItemCardList } from '../../inspector/item-card-list';
import { NEW_COMPARISON } from '../../inspector/predicate-editor';
import { useWorkflowContext } from '../../workflow-context';
import type { InspectorProps } from '../node-spec';
import { ScorecardRowEditor } from './row-editor';
import { SCORE_CATEGORY_LABELS } from './score-category-labels';

/** The scorecard's score, category caps and rows. */
export function ScorecardInspector({ node, onChange, tags }: InspectorProps<'scorecard'>) {
  const { scores, catalog } = useWorkflowContext();
  const data = node.data;
  const rows = data.rows;
  return (
    <>
      <section className="inspector-section">
        <Field label="Adds to score">
          <select value={data.score} onChange={(e) => onChange({ ...data, score: e.target.value })}>
            {!scores.some((s) => s.id === data.score) && (
              <option value={data.score}>Unknown: {data.score}</option>
            )}
            {scores.map((s) => (
              <option key={s.id} value={s.id}>
                {s.label}
              </option>
            ))}
          </select>
        </Field>
        <fieldset className="caps">
          <legend>Category caps (most points a category adds)</legend>
          {SCORE_CATEGORIES.map((category) => (
            <label key={category} className="field compact">
              <span className="field-label">{SCORE_CATEGORY_LABELS[category]}</span>
              <NumberInput
                placeholder="no cap"
                value={data.categoryCaps?.[category]}
                onChange={(n) => {
                  const caps = { ...data.categoryCaps, [category]: n };
                  if (n === undefined) delete caps[category];
                  onChange({
                    ...data,
                    categoryCaps: Object.keys(caps).length ? caps : undefined,
                  });
                }}
              />
            </label>
          ))}
        </fieldset>
      </section>
      <section className="inspector-section">
        <h3>Rows</h3>
        <ScorecardEvidenceHead nodeId={node.id} />
        <ItemCardList
          items={rows}
          onChange={(next) => onChange({ ...data, rows: next })}
          testId={(row) => `score-row-${row.id}`}
          what={(row) => `row ${row.label}`}
          editing={(row) => row.label}
          summary={(row) => (
            <>
              <span className={`points ${row.points < 0 ? 'negative' : ''}`}>
                {formatPoints(row.points)}
              </span>
              <span className="item-title">{row.label || 'Untitled row'}</span>
              <RuleEvidenceSlot nodeId={node.id} rowId={row.id} />
              <SuggestedPoints nodeId={node.id} rowId={row.id} current={row.points} />
            </>
          )}
          addLabel="+ Row"
          idPrefix="row"
          newItem={(id): ScorecardRow => ({
            id,
            label: 'New row',
            category: 'profile',
            points: 5,
            when: NEW_COMPARISON,
          })}
        >
          {(row, update) => (
            <ScorecardRowEditor
              row={row}
              tags={tags}
              onChange={update}
              firstEvent={catalog.events[0]?.id ?? 'page_view'}
            />
          )}
        </ItemCardList>
      </section>
    </>
  );
}
