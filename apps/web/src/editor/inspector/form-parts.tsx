import type { ReactNode } from 'react';
import { freshId } from '../doc-ops';

/** A labelled form row. */
export function Field(props: { label: string; hint?: ReactNode; children: ReactNode }) {
  return (
    <label className="field">
      <span className="field-label">{props.label}</span>
      {props.children}
      {props.hint && <span className="field-hint">{props.hint}</span>}
    </label>
  );
}

/** Move, remove buttons for an item of an ordered list. */
export function ItemActions(props: {
  index: number;
  count: number;
  what: string;
  onMove: (from: number, to: number) => void;
  onRemove: () => void;
}) {
  const { index, count, what } = props;
  return (
    <span className="item-actions">
      <button
        type="button"
        className="icon-button"
        aria-label={`Move ${what} up`}
        disabled={index === 0}
        onClick={() => props.onMove(index, index - 1)}
      >
        ↑
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label={`Move ${what} down`}
        disabled={index === count - 1}
        onClick={() => props.onMove(index, index + 1)}
      >
        ↓
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label={`Remove ${what}`}
        onClick={props.onRemove}
      >
        ×
      </button>
    </span>
  );
}

/** The list with one item moved. */
export function moveItem<T>(items: readonly T[], from: number, to: number): T[] {
  const out = [...items];
  const [item] = out.splice(from, 1);
  out.splice(to, 0, item!);
  return out;
}

/** The list with one item replaced. */
export function replaceAt<T>(items: readonly T[], index: number, item: T): T[] {
  return items.map((x, i) => (i === index ? item : x));
}

/**
 * A fresh id for a list item (case, row, criterion) that its siblings do not use. Random, not
 * counted: two people adding a row to the same step at once must not both make `row_4`.
 */
export function freshItemId(prefix: string, items: readonly { id: string }[]): string {
  return freshId(prefix, new Set(items.map((i) => i.id)));
}

/** A signed number of points as a sales leader reads it: +10, −20. */
export function formatPoints(points: number): string {
  const text = formatScore(Math.abs(points));
  return text === '0' ? '0' : points > 0 ? `+${text}` : `−${text}`;
}

/** A score or points as people read them: whole, or with one decimal ("48.2", not "48.18"). */
export function formatScore(value: number): string {
  const rounded = Math.round(value * 10) / 10;
  return String(rounded === 0 ? 0 : rounded);
}

/** A copy of `item` with an optional key set, or removed when `value` is undefined. */
export function withOptional<T extends object, K extends keyof T>(
  item: T,
  key: K,
  value: T[K] | undefined,
): T {
  const next = { ...item };
  if (value === undefined) delete next[key];
  else next[key] = value;
  return next;
}
