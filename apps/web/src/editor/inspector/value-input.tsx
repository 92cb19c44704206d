import { assertNever, type ComparisonValue, type EnumOption, type ValueKind } from '@accord/engine';
import { ListInput, NumberInput } from '@accord/ui';

export interface ValueInputProps {
  /** From the engine's `valueKindFor(type, operator)`. */
  kind: ValueKind;
  value: ComparisonValue | undefined;
  onChange: (value: ComparisonValue | undefined) => void;
  /** Allowed values of an enum field. */
  options?: readonly EnumOption[];
  /** Names the inputs for assistive technology, e.g. "Value". */
  label?: string;
}

/** The value a comparison starts with when its kind of value changes. */
export function initialValue(kind: ValueKind | undefined): ComparisonValue | undefined {
  switch (kind) {
    case 'boolean':
      return true;
    case 'textList':
    case 'numberList':
    case 'enumList':
    case 'domainList':
      return [];
    case undefined:
    case 'none':
    case 'text':
    case 'number':
    case 'numberRange':
    case 'date':
    case 'dateRange':
    case 'days':
    case 'enum':
      return undefined;
    default:
      return assertNever(kind);
  }
}

const asList = (value: ComparisonValue | undefined) => (Array.isArray(value) ? value : []);
const asNumber = (value: unknown) => (typeof value === 'number' ? value : undefined);
const asDate = (value: unknown) =>
  typeof value === 'string'
    ? value.slice(0, 10)
    : typeof value === 'number'
      ? new Date(value).toISOString().slice(0, 10)
      : '';

/**
 * The input a comparison's value needs, chosen by the engine's value kind: nothing, text, a
 * number, a range, a date, yes/no, one or several enum values, or a list.
 */
export function ValueInput({
  kind,
  value,
  onChange,
  options = [],
  label = 'Value',
}: ValueInputProps) {
  switch (kind) {
    case 'none':
      return null;
    case 'text':
      return (
        <input
          type="text"
          aria-label={label}
          value={typeof value === 'string' ? value : value == null ? '' : String(value)}
          onChange={(e) => onChange(e.target.value)}
        />
      );
    case 'textList':
    case 'domainList':
      return (
        <ListInput
          aria-label={label}
          placeholder={
            kind === 'domainList' ? 'gmail.com, rival.com…' : 'Type a value, press Enter'
          }
          value={asList(value)}
          onChange={onChange}
        />
      );
    case 'number':
      return <NumberInput aria-label={label} value={asNumber(value)} onChange={onChange} />;
    case 'days':
      return (
        <span className="value-with-unit">
          <NumberInput aria-label={label} value={asNumber(value)} onChange={onChange} />
          <span className="muted">days</span>
        </span>
      );
    case 'numberList':
      return (
        <ListInput
          numeric
          aria-label={label}
          placeholder="Type a number, press Enter"
          value={asList(value)}
          onChange={onChange}
        />
      );
    case 'numberRange': {
      const [from, to] = asList(value);
      const set = (a: unknown, b: unknown) =>
        onChange([asNumber(a) ?? NaN, asNumber(b) ?? NaN].map((n) => (Number.isNaN(n) ? 0 : n)));
      return (
        <span className="value-range">
          <NumberInput
            aria-label={`${label} from`}
            value={asNumber(from)}
            onChange={(n) => set(n, to)}
          />
          <span className="muted">and</span>
          <NumberInput
            aria-label={`${label} to`}
            value={asNumber(to)}
            onChange={(n) => set(from, n)}
          />
        </span>
      );
    }
    case 'boolean':
      return (
        <select
          aria-label={label}
          value={value === false ? 'false' : 'true'}
          onChange={(e) => onChange(e.target.value === 'true')}
        >
          <option value="true">Yes</option>
          <option value="false">No</option>
        </select>
      );
    case 'date':
      return (
        <input
          type="date"
          aria-label={label}
          value={asDate(value)}
          onChange={(e) => onChange(e.target.value || undefined)}
        />
      );
    case 'dateRange': {
      const [from, to] = asList(value);
      const set = (a: string, b: string) => onChange([a, b]);
      return (
        <span className="value-range">
          <input
            type="date"
            aria-label={`${label} from`}
            value={asDate(from)}
            onChange={(e) => set(e.target.value, asDate(to))}
          />
          <span className="muted">and</span>
          <input
            type="date"
            aria-label={`${label} to`}
            value={asDate(to)}
            onChange={(e) => set(asDate(from), e.target.value)}
          />
        </span>
      );
    }
    case 'enum':
      return (
        <select
          aria-label={label}
          value={typeof value === 'string' ? value : ''}
          onChange={(e) => onChange(e.target.value)}
        >
          <option value="" disabled>
            Choose…
          </option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      );
    case 'enumList': {
      const chosen = new Set(asList(value).map(String));
      return (
        <fieldset className="value-checks" aria-label={label}>
          {options.map((o) => (
            <label key={o.value} className="check">
              <input
                type="checkbox"
                checked={chosen.has(o.value)}
                onChange={(e) =>
                  onChange(
                    options
                      .map((x) => x.value)
                      .filter((v) => (v === o.value ? e.target.checked : chosen.has(v))),
                  )
                }
              />
              {o.label}
            </label>
          ))}
        </fieldset>
      );
    }
    default:
      return assertNever(kind);
  }
}
