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
 * what is typed is one, so half-typed input never turns into 0. While it has the focus, a value
 * arriving from elsewhere (a teammate's edit in a shared draft) does not replace the text being
 * edited: the box is marked (`data-newer`, and its title says the newer value) and takes that
 * value when it loses the focus, unless the user typed over it.
 */
export function NumberInput({ value, onChange, min, max, ...rest }: NumberInputProps) {
  const [text, setText] = useState(format(value));
  const [outOfRange, setOutOfRange] = useState(false);
  // A value that arrived while the box had the focus (shown on blur).
  const [newer, setNewer] = useState<{ value: number | undefined } | null>(null);
  const focused = useRef(false);
  // What this box last reported: when the value comes back unchanged, the typed text stays.
  const emitted = useRef<{ value: number | undefined } | null>(null);
  useEffect(() => {
    if (emitted.current && Object.is(emitted.current.value, value)) {
      setNewer(null);
      return;
    }
    if (focused.current && format(value) !== text) {
      setNewer({ value });
      return;
    }
    emitted.current = null;
    setNewer(null);
    setText(format(value));
    // Only a new value from outside resets the text; the text itself is the user's.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [value]);
  const emit = (next: number | undefined) => {
    emitted.current = { value: next };
    onChange(next);
  };
  const newerTitle =
    newer &&
    `Changed to ${format(newer.value) || 'empty'} elsewhere while you typed; yours is kept`;
  return (
    <input
      {...rest}
      type="text"
      inputMode="decimal"
      value={text}
      aria-invalid={outOfRange || undefined}
      data-newer={newer ? '' : undefined}
      title={outOfRange ? rangeText(min, max) : (newerTitle ?? rest.title)}
      onFocus={(event) => {
        focused.current = true;
        rest.onFocus?.(event);
      }}
      onBlur={(event) => {
        focused.current = false;
        if (newer) {
          // The newer value shows unless what the user typed was reported after it.
          if (!(emitted.current && Object.is(emitted.current.value, value))) {
            emitted.current = null;
            setText(format(value));
            setOutOfRange(false);
          }
          setNewer(null);
        }
        rest.onBlur?.(event);
      }}
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
