import {
  EVENT_AGGREGATES,
  operandType,
  operatorsForType,
  valueKindFor,
  type Comparison,
  type ComparisonValue,
  type EnumOption,
  type EventAggregate,
  type EventsOperand,
  type FieldType,
  type Operand,
  type Operator,
  type PropComparison,
} from '@accord/engine';
import { NumberInput } from '@accord/ui';
import { useWorkflowContext, type WorkflowContextValue } from '../workflow-context';
import { OperandPicker } from './operand-picker';
import { OperatorSelect } from './operator-select';
import { withOptional } from './form-parts';
import { initialValue, ValueInput } from './value-input';

/**
 * Keeps a comparison consistent after its operand or operator changed: an operator the new type
 * does not allow becomes the type's first, and the value resets when the kind of value changes.
 */
export function retypeComparison<C extends { op: Operator; value?: ComparisonValue }>(
  comparison: C,
  before: { type: FieldType | undefined; op: Operator },
  type: FieldType | undefined,
): C {
  if (!type) return comparison;
  const ops = operatorsForType(type);
  const op = ops.includes(comparison.op) ? comparison.op : ops[0]!;
  const oldKind = before.type ? valueKindFor(before.type, before.op) : undefined;
  const newKind = valueKindFor(type, op);
  const next = { ...comparison, op };
  if (oldKind !== newKind) {
    const value = initialValue(newKind);
    if (value === undefined) delete next.value;
    else next.value = value;
  }
  return next;
}

function optionsOf(operand: Operand, ctx: WorkflowContextValue): EnumOption[] | undefined {
  return operand.kind === 'field' ? ctx.index.fields.get(operand.field)?.values : undefined;
}

export interface ComparisonEditorProps {
  value: Comparison;
  onChange: (value: Comparison) => void;
  tags?: readonly string[];
}

/**
 * One comparison: what to look at (field, events, score, tag), an operator allowed for its type
 * and a value input that fits the type and the operator.
 */
export function ComparisonEditor({ value, onChange, tags }: ComparisonEditorProps) {
  const ctx = useWorkflowContext();
  const type = operandType(value.operand, ctx.text);
  const kind = type ? valueKindFor(type, value.op) : undefined;
  const setOperand = (operand: Operand) =>
    onChange(
      retypeComparison(
        { ...value, operand },
        { type, op: value.op },
        operandType(operand, ctx.text),
      ),
    );
  return (
    <div className="comparison" data-testid="comparison">
      <OperandPicker value={value.operand} onChange={setOperand} tags={tags} />
      {value.operand.kind === 'events' && (
        <EventsOperandEditor operand={value.operand} onChange={setOperand} />
      )}
      {type && (
        <div className="comparison-test">
          <OperatorSelect
            type={type}
            value={value.op}
            onChange={(op) =>
              onChange(retypeComparison({ ...value, op }, { type, op: value.op }, type))
            }
          />
          {kind && (
            <ValueInput
              kind={kind}
              value={value.value}
              options={optionsOf(value.operand, ctx)}
              onChange={(v) => {
                const next = { ...value };
                if (v === undefined) delete next.value;
                else next.value = v;
                onChange(next);
              }}
            />
          )}
        </div>
      )}
    </div>
  );
}

const AGGREGATE_LABELS: Record<EventAggregate, string> = {
  count: 'How many',
  sum: 'Total of',
  min: 'Lowest',
  max: 'Highest',
  first: 'Date of the first',
  last: 'Date of the last',
};

/** Which events count and how they fold into one number or date. */
function EventsOperandEditor(props: {
  operand: EventsOperand;
  onChange: (operand: EventsOperand) => void;
}) {
  const ctx = useWorkflowContext();
  const { operand, onChange } = props;
  const event = ctx.index.events.get(operand.event);
  const numericProps = [...(event?.props.values() ?? [])].filter((p) => p.type === 'number');
  const needsProp = operand.agg === 'sum' || operand.agg === 'min' || operand.agg === 'max';
  return (
    <div className="events-operand">
      <div className="row">
        <select
          aria-label="Aggregate"
          value={operand.agg}
          onChange={(e) => {
            const agg = e.target.value as EventAggregate;
            const next: EventsOperand = { ...operand, agg };
            if (agg === 'sum' || agg === 'min' || agg === 'max')
              next.prop = operand.prop ?? numericProps[0]?.id;
            else delete next.prop;
            onChange(next);
          }}
        >
          {EVENT_AGGREGATES.filter(
            (a) => numericProps.length > 0 || (a !== 'sum' && a !== 'min' && a !== 'max'),
          ).map((a) => (
            <option key={a} value={a}>
              {AGGREGATE_LABELS[a]}
            </option>
          ))}
        </select>
        {needsProp && (
          <select
            aria-label="Event property"
            value={operand.prop ?? ''}
            onChange={(e) => onChange({ ...operand, prop: e.target.value })}
          >
            {numericProps.map((p) => (
              <option key={p.id} value={p.id}>
                {p.label}
              </option>
            ))}
          </select>
        )}
      </div>
      <EventFilterEditor filter={operand} onChange={(f) => onChange({ ...operand, ...f })} />
    </div>
  );
}

/** Property conditions and a time window on events (shared by operands and per-event rows). */
export function EventFilterEditor<
  F extends { event: string; where?: PropComparison[]; withinDays?: number },
>(props: { filter: F; onChange: (filter: F) => void }) {
  const ctx = useWorkflowContext();
  const { filter, onChange } = props;
  const event = ctx.index.events.get(filter.event);
  const eventProps = [...(event?.props.values() ?? [])];
  const where = filter.where ?? [];
  const setWhere = (next: PropComparison[]) =>
    onChange(withOptional(filter, 'where', next.length ? next : undefined) as F);
  return (
    <div className="event-filter">
      {where.map((w, i) => {
        const prop = event?.props.get(w.prop);
        const kind = prop ? valueKindFor(prop.type, w.op) : undefined;
        return (
          <div className="where-row" key={i}>
            <span className="muted">where</span>
            <select
              aria-label="Event property"
              value={w.prop}
              onChange={(e) => {
                const next = event?.props.get(e.target.value);
                const retyped = retypeComparison(
                  { ...w, prop: e.target.value },
                  { type: prop?.type, op: w.op },
                  next?.type,
                );
                setWhere(where.map((x, j) => (j === i ? retyped : x)));
              }}
            >
              {eventProps.map((p) => (
                <option key={p.id} value={p.id}>
                  {p.label}
                </option>
              ))}
            </select>
            {prop && (
              <OperatorSelect
                type={prop.type}
                value={w.op}
                onChange={(op) =>
                  setWhere(
                    where.map((x, j) =>
                      j === i
                        ? retypeComparison({ ...w, op }, { type: prop.type, op: w.op }, prop.type)
                        : x,
                    ),
                  )
                }
              />
            )}
            {kind && (
              <ValueInput
                kind={kind}
                value={w.value}
                options={prop?.values}
                onChange={(v) =>
                  setWhere(
                    where.map((x, j) => {
                      if (j !== i) return x;
                      const next = { ...w };
                      if (v === undefined) delete next.value;
                      else next.value = v;
                      return next;
                    }),
                  )
                }
              />
            )}
            <button
              type="button"
              className="icon-button"
              aria-label="Remove property condition"
              onClick={() => setWhere(where.filter((_, j) => j !== i))}
            >
              ×
            </button>
          </div>
        );
      })}
      <div className="row">
        {eventProps.length > 0 && (
          <button
            type="button"
            className="link-button"
            onClick={() => {
              const first = eventProps[0]!;
              const op = operatorsForType(first.type)[0]!;
              const value = initialValue(valueKindFor(first.type, op));
              setWhere([
                ...where,
                value === undefined ? { prop: first.id, op } : { prop: first.id, op, value },
              ]);
            }}
          >
            + where…
          </button>
        )}
        <label className="inline">
          in the last
          <NumberInput
            aria-label="Within days"
            className="narrow"
            placeholder="any"
            value={filter.withinDays}
            onChange={(n) => onChange(withOptional(filter, 'withinDays', n) as F)}
          />
          days
        </label>
      </div>
    </div>
  );
}
