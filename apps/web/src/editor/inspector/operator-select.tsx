import {
  LIST_OPERATOR_LABELS,
  OPERATOR_LABELS,
  operatorsForType,
  type FieldType,
  type Operator,
} from '@accord/engine';

/** How an operator reads for a value type ("includes" on lists, "is more than" on numbers…). */
export function operatorLabel(op: Operator, type: FieldType | undefined): string {
  return (type === 'list' ? LIST_OPERATOR_LABELS[op] : undefined) ?? OPERATOR_LABELS[op];
}

/** The operators the engine allows for a value type, in its order and its words. */
export function OperatorSelect(props: {
  type: FieldType;
  value: Operator;
  onChange: (op: Operator) => void;
  label?: string;
}) {
  const ops = operatorsForType(props.type);
  return (
    <select
      aria-label={props.label ?? 'Operator'}
      className="operator-select"
      value={ops.includes(props.value) ? props.value : ''}
      onChange={(e) => props.onChange(e.target.value as Operator)}
    >
      {!ops.includes(props.value) && (
        <option value="" disabled>
          Choose…
        </option>
      )}
      {ops.map((op) => (
        <option key={op} value={op}>
          {operatorLabel(op, props.type)}
        </option>
      ))}
    </select>
  );
}
