import type { ReactNode } from 'react';
import { freshItemId, ItemActions, moveItem, replaceAt } from './form-parts';

/**
 * An ordered list of items (switch cases, scorecard rows, checklist criteria) shown as
 * collapsible cards: each card's summary carries the move and remove buttons, and an add
 * button below the cards appends a new item.
 */
export function ItemCardList<T extends { id: string }>(props: {
  items: readonly T[];
  onChange: (items: T[]) => void;
  /** How the move and remove buttons name an item: `case Gold` → “Remove case Gold”. */
  what: (item: T) => string;
  /** The item's name in the live hint of who edits what (“Title is VP”). */
  editing?: (item: T) => string;
  /** What the summary line shows before the buttons. */
  summary: (item: T) => ReactNode;
  /** The item's form; `update` puts the edited item back in its place. */
  children: (item: T, update: (next: T) => void) => ReactNode;
  /** The add button's text, e.g. “+ Case”. */
  addLabel: string;
  /** The item the add button appends, given an id no sibling uses (`case_4`). */
  newItem: (id: string) => T;
  /** The new item's id: `case` gives `case_4`. */
  idPrefix: string;
  /** Whether the cards start open. */
  open?: boolean;
  /** A `data-testid` for each card. */
  testId?: (item: T) => string;
}) {
  const { items, onChange } = props;
  return (
    <>
      {items.map((item, i) => (
        <details
          key={item.id}
          className="item-card"
          open={props.open}
          data-testid={props.testId?.(item)}
          data-editing={props.editing?.(item)}
        >
          <summary>
            {props.summary(item)}
            <ItemActions
              index={i}
              count={items.length}
              what={props.what(item)}
              onMove={(from, to) => onChange(moveItem(items, from, to))}
              onRemove={() => onChange(items.filter((_, j) => j !== i))}
            />
          </summary>
          {props.children(item, (next) => onChange(replaceAt(items, i, next)))}
        </details>
      ))}
      <button
        type="button"
        className="small-button"
        onClick={() => onChange([...items, props.newItem(freshItemId(props.idPrefix, items))])}
      >
        {props.addLabel}
      </button>
    </>
  );
}
