import { FIELD_CATEGORIES, type FieldCategory, type Operand } from '@accord/engine';
import { GroupedSelect, type SelectGroup } from '@accord/ui';
import { useMemo } from 'react';
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

/**
 * Picks what a comparison looks at: a lead field from the catalog (grouped by the categories of
 * the agreement), a count or date of events, a score or a tag.
 */
export function OperandPicker(props: OperandPickerProps) {
  const { catalog, scores } = useWorkflowContext();
  const { fieldsOnly, tags } = props;
  const groups = useMemo(() => {
    const out: SelectGroup[] = FIELD_CATEGORIES.map((category) => ({
      label: CATEGORY_LABELS[category],
      options: catalog.fields
        .filter((f) => f.category === category)
        .map((f) => ({ value: `field:${f.id}`, label: f.label })),
    }));
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
  }, [catalog, scores, tags, fieldsOnly]);
  return (
    <GroupedSelect
      className="operand-picker"
      aria-label={props['aria-label'] ?? 'Field'}
      groups={groups}
      value={operandKey(props.value)}
      placeholder="Choose a field…"
      onChange={(key) => props.onChange(operandFromKey(key, props.value))}
    />
  );
}
