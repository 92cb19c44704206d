import { useState, type KeyboardEvent } from 'react';

export interface ListInputProps {
  value: readonly (string | number)[];
  onChange: (value: (string | number)[]) => void;
  /** Items are numbers (anything else typed is refused). */
  numeric?: boolean;
  placeholder?: string;
  'aria-label'?: string;
  disabled?: boolean;
}

/**
 * A list of short values shown as removable chips; type and press Enter or a comma to add one.
 * Pasting "a, b, c" adds three.
 */
export function ListInput(props: ListInputProps) {
  const [draft, setDraft] = useState('');
  const [refused, setRefused] = useState(false);
  const add = (text: string) => {
    const parts = text
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean);
    if (parts.length === 0) return true;
    const items = props.numeric ? parts.map(Number) : parts;
    if (props.numeric && items.some((n) => Number.isNaN(n))) {
      setRefused(true);
      return false;
    }
    setRefused(false);
    props.onChange([...props.value, ...items.filter((i) => !props.value.includes(i))]);
    return true;
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' || event.key === ',') {
      event.preventDefault();
      if (add(draft)) setDraft('');
    } else if (event.key === 'Backspace' && draft === '' && props.value.length > 0) {
      props.onChange(props.value.slice(0, -1));
    }
  };
  return (
    <div className={`ui-list-input${refused ? ' is-invalid' : ''}`}>
      {props.value.map((item, i) => (
        <span className="ui-chip" key={`${item}-${i}`}>
          {String(item)}
          <button
            type="button"
            className="ui-chip-remove"
            aria-label={`Remove ${item}`}
            disabled={props.disabled}
            onClick={() => props.onChange(props.value.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </span>
      ))}
      <input
        type="text"
        inputMode={props.numeric ? 'decimal' : 'text'}
        value={draft}
        aria-label={props['aria-label']}
        aria-invalid={refused || undefined}
        placeholder={props.value.length === 0 ? props.placeholder : 'Add…'}
        disabled={props.disabled}
        onChange={(e) => {
          const text = e.target.value;
          if (text.includes(',')) {
            if (add(text)) setDraft('');
            else setDraft(text);
          } else setDraft(text);
        }}
        onKeyDown={onKeyDown}
        onBlur={() => {
          if (add(draft)) setDraft('');
        }}
      />
    </div>
  );
}
