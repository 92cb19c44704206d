import { useEffect, useRef, useState, type InputHTMLAttributes } from 'react';

export interface NumberInputProps extends Omit<
  InputHTMLAttributes<HTMLInputElement>,
  'value' | 'onChange' | 'type'
> {
  value: number | undefined;
  /** Called with the number typed, or undefined when the box is cleared. */
  onChange: (value: number | undefined) => void;
  /** Numbers below `min` or above `max` are not reported; the box is marked invalid meanwhile. */
  min?: number;
  max?: number;
}

/**
 * A number box that lets the user type freely ("-", "1.", "") and reports a number only when
 * what is typed is one, so half-typed input never turns into 0.
 */
export function NumberInput({ value, onChange, min, max, ...rest }: NumberInputProps) {
  const [text, setText] = useState(format(value));
  const [outOfRange, setOutOfRange] = useState(false);
  // What this box last reported: when the value comes back unchanged, the typed text stays.
  const emitted = useRef<{ value: number | undefined } | null>(null);
  useEffect(() => {
    if (emitted.current && Object.is(emitted.current.value, value)) return;
    emitted.current = null;
    setText(format(value));
  }, [value]);
  const emit = (next: number | undefined) => {
    emitted.current = { value: next };
    onChange(next);
  };
  return (
    <input
      {...rest}
      type="text"
      inputMode="decimal"
      value={text}
      aria-invalid={outOfRange || undefined}
      title={outOfRange ? rangeText(min, max) : rest.title}
      onChange={(event) => {
        const next = event.target.value;
        setText(next);
        const trimmed = next.trim();
        setOutOfRange(false);
        if (trimmed === '') emit(undefined);
        else if (/^-?\d*\.?\d+$|^-?\d+\.?$/.test(trimmed)) {
          const n = Number(trimmed);
          if ((min !== undefined && n < min) || (max !== undefined && n > max)) setOutOfRange(true);
          else emit(n);
        }
      }}
    />
  );
}

function format(value: number | undefined): string {
  return value === undefined || Number.isNaN(value) ? '' : String(value);
}

function rangeText(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `Between ${min} and ${max}`;
  return min !== undefined ? `At least ${min}` : `At most ${max}`;
}
