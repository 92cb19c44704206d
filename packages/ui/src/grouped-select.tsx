import type { SelectHTMLAttributes } from 'react';

export interface SelectOption {
  value: string;
  label: string;
}

export interface SelectGroup {
  label: string;
  options: readonly SelectOption[];
}

export interface GroupedSelectProps extends Omit<
  SelectHTMLAttributes<HTMLSelectElement>,
  'value' | 'onChange'
> {
  groups: readonly SelectGroup[];
  value: string;
  onChange: (value: string) => void;
  /** Shown (and not selectable) while nothing is chosen. */
  placeholder?: string;
}

/** A native select with option groups: accessible, keyboard-friendly and searchable by typing. */
export function GroupedSelect({
  groups,
  value,
  onChange,
  placeholder,
  ...rest
}: GroupedSelectProps) {
  const known = groups.some((g) => g.options.some((o) => o.value === value));
  return (
    <select {...rest} value={known ? value : ''} onChange={(e) => onChange(e.target.value)}>
      {(!known || placeholder) && (
        <option value="" disabled>
          {!known && value ? `Unknown: ${value}` : (placeholder ?? 'Choose…')}
        </option>
      )}
      {groups
        .filter((g) => g.options.length > 0)
        .map((group) => (
          <optgroup key={group.label} label={group.label}>
            {group.options.map((option) => (
              <option key={option.value} value={option.value}>
                {option.label}
              </option>
            ))}
          </optgroup>
        ))}
    </select>
  );
}
