import {
  MAX_HALF_LIFE_DAYS,
  MIN_HALF_LIFE_DAYS,
  SCORE_CATEGORIES,
  type ScoreCategory,
  type ScorecardRow,
} from '@accord/engine';
import { NumberInput } from '@accord/ui';
import { EventFilterEditor } from '../../inspector/comparison-editor';
import { Field } from '../../inspector/form-parts';
import { NEW_COMPARISON, PredicateEditor } from '../../inspector/predicate-editor';
import { useWorkflowContext } from '../../workflow-context';
import { SCORE_CATEGORY_LABELS } from './score-category-labels';

/** One scorecard row: its name, category, points and when it counts (once, or per event). */
export function ScorecardRowEditor(props: {
  row: ScorecardRow;
  onChange: (row: ScorecardRow) => void;
  tags: readonly string[];
  firstEvent: string;
}) {
  const { catalog } = useWorkflowContext();
  const { row, onChange } = props;
  const perEvent = row.perEvent !== undefined;
  return (
    <div className="row-editor">
      <Field label="Row name">
        <input value={row.label} onChange={(e) => onChange({ ...row, label: e.target.value })} />
      </Field>
      <div className="two-columns">
        <Field label="Category">
          <select
            value={row.category}
            onChange={(e) => onChange({ ...row, category: e.target.value as ScoreCategory })}
          >
            {SCORE_CATEGORIES.map((c) => (
              <option key={c} value={c}>
                {SCORE_CATEGORY_LABELS[c]}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Points">
          <NumberInput
            value={row.points}
            onChange={(n) => {
              if (n !== undefined) onChange({ ...row, points: n });
            }}
          />
        </Field>
      </div>
      <Field label="Counts">
        <select
          aria-label="Counts"
          value={perEvent ? 'perEvent' : 'once'}
          onChange={(e) => {
            if (e.target.value === 'perEvent') {
              const next: ScorecardRow = { ...row, perEvent: { event: props.firstEvent } };
              delete next.when;
              onChange(next);
            } else {
              const next: ScorecardRow = { ...row, when: row.when ?? NEW_COMPARISON };
              delete next.perEvent;
              delete next.decayHalfLifeDays;
              onChange(next);
            }
          }}
        >
          <option value="once">Once, when a condition holds</option>
          <option value="perEvent">For every matching event</option>
        </select>
      </Field>
      {perEvent ? (
        <>
          <Field label="Event">
            <select
              value={row.perEvent!.event}
              onChange={(e) => onChange({ ...row, perEvent: { event: e.target.value } })}
            >
              {catalog.events.map((ev) => (
                <option key={ev.id} value={ev.id}>
                  {ev.label}
                </option>
              ))}
            </select>
          </Field>
          <EventFilterEditor
            filter={row.perEvent!}
            onChange={(perEvent) => onChange({ ...row, perEvent })}
          />
          <div className="two-columns">
            <Field label="Decay: half-life (days)" hint="Older events count less.">
              <NumberInput
                placeholder="no decay"
                min={MIN_HALF_LIFE_DAYS}
                max={MAX_HALF_LIFE_DAYS}
                value={row.decayHalfLifeDays}
                onChange={(n) => {
                  const next = { ...row, decayHalfLifeDays: n };
                  if (n === undefined) delete next.decayHalfLifeDays;
                  onChange(next);
                }}
              />
            </Field>
            <Field label="Row cap (points)">
              <NumberInput
                placeholder="no cap"
                value={row.cap}
                onChange={(n) => {
                  const next = { ...row, cap: n };
                  if (n === undefined) delete next.cap;
                  onChange(next);
                }}
              />
            </Field>
          </div>
        </>
      ) : (
        <PredicateEditor
          value={row.when ?? NEW_COMPARISON}
          tags={props.tags}
          label={`Row ${row.label}`}
          onChange={(when) => onChange({ ...row, when })}
        />
      )}
    </div>
  );
}
