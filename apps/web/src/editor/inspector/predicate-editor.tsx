import { isComparison, type Comparison, type Predicate } from '@accord/engine';
import { ComparisonEditor } from './comparison-editor';

type Group = { all: Predicate[] } | { any: Predicate[] };

const isGroup = (p: Predicate): p is Group => 'all' in p || 'any' in p;
const itemsOf = (g: Group) => ('all' in g ? g.all : g.any);
const withItems = (g: Group, items: Predicate[]): Group =>
  'all' in g ? { all: items } : { any: items };

/** A comparison to fill in: the user picks the field first. */
export const NEW_COMPARISON: Comparison = { operand: { kind: 'field', field: '' }, op: 'isSet' };

export interface PredicateEditorProps {
  value: Predicate;
  onChange: (value: Predicate) => void;
  tags?: readonly string[];
  /** Names the predicate for assistive technology ("Condition", "Criterion 'reachable'"). */
  label?: string;
}

/**
 * Edits a predicate tree: "all of" / "any of" groups of comparisons, nested groups and negations.
 * The top level always shows as a group; a lone comparison stays a lone comparison in the document.
 */
export function PredicateEditor({ value, onChange, tags, label }: PredicateEditorProps) {
  const root: Group = isGroup(value) ? value : { all: [value] };
  return (
    <div className="predicate-editor" role="group" aria-label={label ?? 'Condition'}>
      <GroupEditor
        group={root}
        depth={0}
        tags={tags}
        onChange={(group) => {
          const items = itemsOf(group);
          // Keep a single comparison as written, rather than wrapping it in a group.
          if (!isGroup(value) && 'all' in group && items.length === 1) onChange(items[0]!);
          else onChange(group);
        }}
      />
    </div>
  );
}

function GroupEditor(props: {
  group: Group;
  depth: number;
  tags?: readonly string[];
  onChange: (group: Group) => void;
  onRemove?: () => void;
}) {
  const { group, depth, onChange } = props;
  const items = itemsOf(group);
  const set = (i: number, item: Predicate) =>
    onChange(
      withItems(
        group,
        items.map((x, j) => (j === i ? item : x)),
      ),
    );
  const remove = (i: number) =>
    onChange(
      withItems(
        group,
        items.filter((_, j) => j !== i),
      ),
    );
  return (
    <div className={`predicate-group depth-${depth}`}>
      <div className="predicate-group-head">
        <span>Match</span>
        <select
          aria-label="Match"
          value={'all' in group ? 'all' : 'any'}
          onChange={(e) => onChange(e.target.value === 'all' ? { all: items } : { any: items })}
        >
          <option value="all">all of</option>
          <option value="any">any of</option>
        </select>
        <span>these</span>
        {props.onRemove && (
          <button
            type="button"
            className="icon-button push"
            aria-label="Remove group"
            onClick={props.onRemove}
          >
            ×
          </button>
        )}
      </div>
      {items.length === 0 && (
        <p className="hint">No conditions yet: add one to say which leads this applies to.</p>
      )}
      <ol className="predicate-items">
        {items.map((item, i) => (
          <li key={i} className="predicate-item">
            <ItemEditor
              item={item}
              depth={depth}
              tags={props.tags}
              onChange={(next) => set(i, next)}
              onRemove={() => remove(i)}
            />
          </li>
        ))}
      </ol>
      <div className="row">
        <button
          type="button"
          className="small-button"
          onClick={() => onChange(withItems(group, [...items, NEW_COMPARISON]))}
        >
          + Condition
        </button>
        {depth < 2 && (
          <button
            type="button"
            className="small-button"
            onClick={() =>
              onChange(
                withItems(group, [
                  ...items,
                  'all' in group ? { any: [NEW_COMPARISON] } : { all: [NEW_COMPARISON] },
                ]),
              )
            }
          >
            + Group
          </button>
        )}
      </div>
    </div>
  );
}

function ItemEditor(props: {
  item: Predicate;
  depth: number;
  tags?: readonly string[];
  onChange: (item: Predicate) => void;
  onRemove: () => void;
}) {
  const { item, onChange, onRemove } = props;
  const negated = 'not' in item;
  const inner = negated ? item.not : item;
  const setInner = (next: Predicate) => onChange(negated ? { not: next } : next);
  const actions = (
    <div className="predicate-item-actions">
      <button
        type="button"
        className={`toggle-button${negated ? ' is-on' : ''}`}
        aria-pressed={negated}
        title="Turn this condition around (NOT)"
        onClick={() => onChange(negated ? inner : { not: inner })}
      >
        Not
      </button>
      <button
        type="button"
        className="icon-button"
        aria-label="Remove condition"
        onClick={onRemove}
      >
        ×
      </button>
    </div>
  );
  if (isComparison(inner))
    return (
      <div className={`predicate-leaf${negated ? ' is-negated' : ''}`}>
        {negated && <span className="not-label">NOT</span>}
        <ComparisonEditor value={inner} onChange={setInner} tags={props.tags} />
        {actions}
      </div>
    );
  if (isGroup(inner))
    return (
      <div className={`predicate-leaf${negated ? ' is-negated' : ''}`}>
        {negated && <span className="not-label">NOT</span>}
        <GroupEditor group={inner} depth={props.depth + 1} tags={props.tags} onChange={setInner} />
        {actions}
      </div>
    );
  // A double negation: show the inner one as its own item.
  return <ItemEditor {...props} item={inner} onChange={(next) => onChange({ not: next })} />;
}
