import {
  type HIT_POLICIES,
  operandType,
  operatorsForType,
  SCORE_CATEGORIES,
  valueKindFor,
  type NodeDataOf,
  type NodeKind,
  type NodeOf,
  type Operator,
  type ScoreCategory,
  type ScorecardRow,
  type TableCell,
  type TagAssignment,
} from '@accord/engine';
import { NumberInput } from '@accord/ui';
import { Dialog } from 'radix-ui';
import { useState, type CSSProperties } from 'react';
import { stageColour } from '../stage-colours';
import { useWorkflowContext } from '../workflow-context';
import { EventFilterEditor } from './comparison-editor';
import { ItemCardList } from './item-card-list';
import {
  Field,
  formatPoints,
  freshItemId,
  ItemActions,
  moveItem,
  replaceAt,
  withOptional,
} from './form-parts';
import { OperandPicker } from './operand-picker';
import { operatorLabel } from './operator-select';
import { NEW_COMPARISON, PredicateEditor } from './predicate-editor';
import { initialValue, ValueInput } from './value-input';

/** What every kind's inspector form receives. */
export interface InspectorProps<K extends NodeKind> {
  node: NodeOf<K>;
  onChange: (data: NodeDataOf<K>) => void;
  /** Tags some step of the workflow sets, for tag comparisons. */
  tags: readonly string[];
}

export const SCORE_CATEGORY_LABELS: Record<ScoreCategory, string> = {
  profile: 'Profile',
  channel: 'Channel',
  behaviour: 'Behaviour',
  undesirable: 'Undesirable',
};

export function StartInspector() {
  return (
    <p className="hint">
      Every new or updated lead enters the agreement here. Connect it to the first check.
    </p>
  );
}

export function ConditionInspector({ node, onChange, tags }: InspectorProps<'condition'>) {
  return (
    <section className="inspector-section">
      <h3>Leads go to “Yes” when</h3>
      <PredicateEditor
        value={node.data.when}
        tags={tags}
        onChange={(when) => onChange({ ...node.data, when })}
      />
    </section>
  );
}

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
        summary={(c) => <span className="item-title">{c.label || 'Untitled case'}</span>}
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
        <ItemCardList
          items={rows}
          onChange={(next) => onChange({ ...data, rows: next })}
          testId={(row) => `score-row-${row.id}`}
          what={(row) => `row ${row.label}`}
          summary={(row) => (
            <>
              <span className={`points ${row.points < 0 ? 'negative' : ''}`}>
                {formatPoints(row.points)}
              </span>
              <span className="item-title">{row.label || 'Untitled row'}</span>
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
          summary={(c) => (
            <>
              <span className="check-mark" aria-hidden>
                ✓
              </span>
              <span className="item-title">
                {c.label || 'Untitled criterion'}
                {c.optional && <span className="muted"> (optional)</span>}
              </span>
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

export function TableInspector(props: InspectorProps<'table'>) {
  const { node, onChange } = props;
  const { scores } = useWorkflowContext();
  const data = node.data;
  const [wide, setWide] = useState(false);
  return (
    <>
      <section className="inspector-section">
        <Field label="Hit policy">
          <select
            aria-label="Hit policy"
            value={data.hitPolicy}
            onChange={(e) => {
              const hitPolicy = e.target.value as (typeof HIT_POLICIES)[number];
              onChange(
                hitPolicy === 'collect'
                  ? { ...data, hitPolicy, score: data.score ?? scores[0]?.id }
                  : { ...data, hitPolicy },
              );
            }}
          >
            <option value="first">First matching row decides the route</option>
            <option value="collect">Every matching row adds points and tags</option>
          </select>
        </Field>
        {data.hitPolicy === 'collect' && (
          <Field label="Adds to score">
            <select
              value={data.score ?? ''}
              onChange={(e) => onChange({ ...data, score: e.target.value })}
            >
              {scores.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.label}
                </option>
              ))}
            </select>
          </Field>
        )}
      </section>
      <section className="inspector-section">
        <div className="section-head">
          <h3>Decision table</h3>
          <Dialog.Root open={wide} onOpenChange={setWide}>
            <Dialog.Trigger asChild>
              <button type="button" className="small-button">
                Expand
              </button>
            </Dialog.Trigger>
            <Dialog.Portal>
              <Dialog.Overlay className="dialog-overlay" />
              <Dialog.Content className="dialog wide">
                <Dialog.Title>{node.label || 'Decision table'}</Dialog.Title>
                <Dialog.Description className="muted">
                  Columns are what each row tests; a cell set to “any” matches everything.
                </Dialog.Description>
                <TableGrid {...props} />
                <div className="dialog-actions">
                  <Dialog.Close asChild>
                    <button className="primary">Done</button>
                  </Dialog.Close>
                </div>
              </Dialog.Content>
            </Dialog.Portal>
          </Dialog.Root>
        </div>
        <TableGrid {...props} />
      </section>
    </>
  );
}

/** The decision table as a grid: one column per input, one line per row. */
export function TableGrid({ node, onChange, tags }: InspectorProps<'table'>) {
  const ctx = useWorkflowContext();
  const data = node.data;
  const { inputs, rows } = data;
  const setRows = (next: typeof rows) => onChange({ ...data, rows: next });
  return (
    <div className="table-grid-wrap">
      <table className="table-grid">
        <thead>
          <tr>
            <th>Row</th>
            {inputs.map((input, c) => (
              <th key={input.id}>
                <input
                  aria-label={`Column ${c + 1} name`}
                  value={input.label}
                  onChange={(e) =>
                    onChange({
                      ...data,
                      inputs: replaceAt(inputs, c, { ...input, label: e.target.value }),
                    })
                  }
                />
                <OperandPicker
                  aria-label={`Column ${c + 1} tests`}
                  value={input.operand}
                  tags={tags}
                  onChange={(operand) =>
                    onChange({
                      ...data,
                      inputs: replaceAt(inputs, c, { ...input, operand }),
                      rows: rows.map((r) => ({
                        ...r,
                        cells: r.cells.map((cell, j) => (j === c ? { op: 'any' as const } : cell)),
                      })),
                    })
                  }
                />
                <button
                  type="button"
                  className="link-button"
                  onClick={() =>
                    onChange({
                      ...data,
                      inputs: inputs.filter((_, j) => j !== c),
                      rows: rows.map((r) => ({ ...r, cells: r.cells.filter((_, j) => j !== c) })),
                    })
                  }
                >
                  Remove column
                </button>
              </th>
            ))}
            <th>{data.hitPolicy === 'collect' ? 'Points' : 'Sets tags'}</th>
            <th aria-label="Row actions" />
          </tr>
        </thead>
        <tbody>
          {rows.map((row, r) => (
            <tr key={row.id}>
              <td>
                <input
                  aria-label={`Row ${r + 1} name`}
                  value={row.label}
                  onChange={(e) => setRows(replaceAt(rows, r, { ...row, label: e.target.value }))}
                />
              </td>
              {inputs.map((input, c) => {
                const cell: TableCell = row.cells[c] ?? { op: 'any' };
                const type = operandType(input.operand, ctx.text);
                const ops = type ? operatorsForType(type) : [];
                const kind = type && cell.op !== 'any' ? valueKindFor(type, cell.op) : undefined;
                const options =
                  input.operand.kind === 'field'
                    ? ctx.index.fields.get(input.operand.field)?.values
                    : undefined;
                const setCell = (next: TableCell) => {
                  const cells = inputs.map((_, j) => row.cells[j] ?? { op: 'any' as const });
                  cells[c] = next;
                  setRows(replaceAt(rows, r, { ...row, cells }));
                };
                return (
                  <td key={input.id} className="table-cell">
                    <select
                      aria-label={`Row ${r + 1} ${input.label} operator`}
                      value={cell.op}
                      onChange={(e) => {
                        const op = e.target.value as Operator | 'any';
                        if (op === 'any') return setCell({ op });
                        const nextKind = type ? valueKindFor(type, op) : undefined;
                        const value = nextKind === kind ? cell.value : initialValue(nextKind);
                        setCell(value === undefined ? { op } : { op, value });
                      }}
                    >
                      <option value="any">any</option>
                      {ops.map((op) => (
                        <option key={op} value={op}>
                          {operatorLabel(op, type)}
                        </option>
                      ))}
                    </select>
                    {kind && (
                      <ValueInput
                        kind={kind}
                        value={cell.value}
                        options={options}
                        label={`Row ${r + 1} ${input.label} value`}
                        onChange={(value) =>
                          setCell(value === undefined ? { op: cell.op } : { op: cell.op, value })
                        }
                      />
                    )}
                  </td>
                );
              })}
              <td>
                {data.hitPolicy === 'collect' ? (
                  <NumberInput
                    aria-label={`Row ${r + 1} points`}
                    value={row.points}
                    onChange={(points) => setRows(replaceAt(rows, r, { ...row, points }))}
                  />
                ) : (
                  <TagsEditor
                    tags={row.tags ?? []}
                    compact
                    onChange={(tagsOut) =>
                      setRows(
                        replaceAt(rows, r, { ...row, tags: tagsOut.length ? tagsOut : undefined }),
                      )
                    }
                  />
                )}
              </td>
              <td>
                <ItemActions
                  index={r}
                  count={rows.length}
                  what={`row ${row.label}`}
                  onMove={(from, to) => setRows(moveItem(rows, from, to))}
                  onRemove={() => setRows(rows.filter((_, j) => j !== r))}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="row">
        <button
          type="button"
          className="small-button"
          onClick={() =>
            setRows([
              ...rows,
              {
                id: freshItemId('row', rows),
                label: `Row ${rows.length + 1}`,
                cells: inputs.map(() => ({ op: 'any' as const })),
              },
            ])
          }
        >
          + Row
        </button>
        <button
          type="button"
          className="small-button"
          onClick={() =>
            onChange({
              ...data,
              inputs: [
                ...inputs,
                {
                  id: freshItemId('input', inputs),
                  label: 'New column',
                  operand: { kind: 'field', field: ctx.catalog.fields[0]?.id ?? '' },
                },
              ],
            })
          }
        >
          + Column
        </button>
      </div>
    </div>
  );
}

/** Tag = value pairs set on a lead. */
export function TagsEditor(props: {
  tags: readonly TagAssignment[];
  onChange: (tags: TagAssignment[]) => void;
  compact?: boolean;
}) {
  const { tags, onChange } = props;
  return (
    <div className={`tags-editor${props.compact ? ' compact' : ''}`}>
      {tags.map((t, i) => (
        <div className="tag-row" key={i}>
          <input
            aria-label="Tag"
            placeholder="tag"
            value={t.tag}
            onChange={(e) => onChange(replaceAt(tags, i, { ...t, tag: e.target.value }))}
          />
          <span className="muted">=</span>
          <input
            aria-label="Tag value"
            placeholder="value"
            value={t.value}
            onChange={(e) => onChange(replaceAt(tags, i, { ...t, value: e.target.value }))}
          />
          <button
            type="button"
            className="icon-button"
            aria-label={`Remove tag ${t.tag}`}
            onClick={() => onChange(tags.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        className="link-button"
        onClick={() => onChange([...tags, { tag: '', value: '' }])}
      >
        + Tag
      </button>
    </div>
  );
}

export function AssignInspector({ node, onChange }: InspectorProps<'assign'>) {
  return (
    <section className="inspector-section">
      <h3>Sets on the lead</h3>
      <p className="hint">
        Tags such as segment, owner team or next step; later steps can test them.
      </p>
      <TagsEditor tags={node.data.tags} onChange={(tags) => onChange({ ...node.data, tags })} />
    </section>
  );
}

export function StageInspector({ node, onChange }: InspectorProps<'stage'>) {
  const { stages, scores } = useWorkflowContext();
  const data = node.data;
  return (
    <section className="inspector-section">
      <h3>Stage the lead ends in</h3>
      <div className="stage-choices" role="radiogroup" aria-label="Stage">
        {[...stages]
          .sort((a, b) => a.order - b.order)
          .map((s) => (
            <label
              key={s.id}
              className={`stage-choice${data.stage === s.id ? ' is-on' : ''}`}
              style={{ '--stage': stageColour(s.id) } as CSSProperties}
              title={s.description}
            >
              <input
                type="radio"
                name={`stage-${node.id}`}
                value={s.id}
                checked={data.stage === s.id}
                onChange={() => onChange({ ...data, stage: s.id })}
              />
              {s.label}
            </label>
          ))}
      </div>
      <Field
        label="Reason (what a sales leader reads)"
        hint={
          <>
            Fill-ins: {scores.map((s) => `{score.${s.id}}`).join(', ')}, {'{tag.segment}'},{' '}
            {'{field.job_title}'}
          </>
        }
      >
        <textarea
          rows={3}
          value={data.reason ?? ''}
          onChange={(e) => onChange(withOptional(data, 'reason', e.target.value || undefined))}
        />
      </Field>
    </section>
  );
}
