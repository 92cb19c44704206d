import { FIELD_CATEGORIES, type FieldCategory, type Operand } from '@accord/engine';
import { GroupedSelect, type SelectGroup } from '@accord/ui';
import { useEffect, useMemo, useState } from 'react';
import { useNewField } from '../new-field';
import { useWorkflowContext } from '../workflow-context';

export const CATEGORY_LABELS: Record<FieldCategory, string> = {
  profile: 'Profile: who they are',
  channel: 'Channel: where they came from',
  behaviour: 'Behaviour: what they did',
  undesirable: 'Undesirables',
  sales: 'Sales: filled in by sales',
};

/** The picker's value for an operand: `field:job_title`, `events:page_view`, `score:fit`, `tag:segment`. */
export function operandKey(operand: Operand): string {
  switch (operand.kind) {
    case 'field':
      return operand.field ? `field:${operand.field}` : '';
    case 'events':
      return `events:${operand.event}`;
    case 'score':
      return `score:${operand.score}`;
    case 'tag':
      return `tag:${operand.tag}`;
  }
}

/** The operand a picker value stands for; an event keeps its aggregate settings when re-picked. */
export function operandFromKey(key: string, previous: Operand): Operand {
  const at = key.indexOf(':');
  const kind = key.slice(0, at);
  const id = key.slice(at + 1);
  switch (kind) {
    case 'events':
      return previous.kind === 'events' && previous.event === id
        ? previous
        : { kind: 'events', event: id, agg: 'count' };
    case 'score':
      return { kind: 'score', score: id };
    case 'tag':
      return { kind: 'tag', tag: id };
    default:
      return { kind: 'field', field: id };
  }
}

export interface OperandPickerProps {
  value: Operand;
  onChange: (operand: Operand) => void;
  /** Tags some step of the workflow sets (they can be tested downstream). */
  tags?: readonly string[];
  /** Offer event aggregates, scores and tags, not only lead fields. */
  fieldsOnly?: boolean;
  'aria-label'?: string;
}

/** The picker's entry that opens the "New field" dialog instead of choosing. */
const NEW_FIELD = 'new:field';

/**
 * Picks what a comparison looks at: a lead field from the workspace's catalog (grouped by the
 * categories of the agreement), a count or date of events, a score or a tag. Retired fields are
 * not offered, except the one already chosen (marked retired). Where fields may be added,
 * "New field…" adds one to the catalog and chooses it.
 */
export function OperandPicker(props: OperandPickerProps) {
  const { catalog, index, scores } = useWorkflowContext();
  const newField = useNewField();
  const { fieldsOnly, tags } = props;
  const current = operandKey(props.value);
  /** A field just added, chosen once the catalog knows it. */
  const [added, setAdded] = useState<string | null>(null);
  const { onChange, value } = props;
  useEffect(() => {
    if (added === null || !index.fields.has(added)) return;
    setAdded(null);
    onChange(operandFromKey(`field:${added}`, value));
  }, [added, index, onChange, value]);
  const groups = useMemo(() => {
    const out: SelectGroup[] = FIELD_CATEGORIES.map((category) => ({
      label: CATEGORY_LABELS[category],
      options: catalog.fields
        .filter((f) => f.category === category && (!f.retired || `field:${f.id}` === current))
        .map((f) => ({
          value: `field:${f.id}`,
          label: f.retired ? `${f.label} (retired)` : f.label,
        })),
    }));
    if (newField)
      out.push({
        label: 'Not a field yet',
        options: [{ value: NEW_FIELD, label: 'New field…' }],
      });
    if (fieldsOnly) return out;
    out.push({
      label: 'Events: how many, or when',
      options: catalog.events.map((e) => ({ value: `events:${e.id}`, label: `${e.label} events` })),
    });
    out.push({
      label: 'Scores',
      options: scores.map((s) => ({ value: `score:${s.id}`, label: `${s.label} score` })),
    });
    if (tags && tags.length > 0)
      out.push({
        label: 'Tags set earlier',
        options: tags.map((t) => ({ value: `tag:${t}`, label: `Tag ${t}` })),
      });
    return out;
  }, [catalog, scores, tags, fieldsOnly, current, newField]);
  return (
    <GroupedSelect
      className="operand-picker"
      aria-label={props['aria-label'] ?? 'Field'}
      groups={groups}
      value={current}
      placeholder="Choose a field…"
      onChange={(key) => {
        if (key !== NEW_FIELD) return props.onChange(operandFromKey(key, props.value));
        void newField?.create().then((field) => field && setAdded(field.id));
      }}
    />
  );
}
