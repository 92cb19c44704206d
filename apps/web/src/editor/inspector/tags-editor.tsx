import type { TagAssignment } from '@accord/engine';
import { replaceAt } from './form-parts';

/** Tag = value pairs set on a lead. */
export function TagsEditor(props: {
  tags: readonly TagAssignment[];
  onChange: (tags: TagAssignment[]) => void;
  compact?: boolean;
}) {
  const { tags, onChange } = props;
  return (
    <div className={`tags-editor${props.compact ? ' compact' : ''}`}>
      {tags.map((t, i) => (
        <div className="tag-row" key={i}>
          <input
            aria-label="Tag"
            placeholder="tag"
            value={t.tag}
            onChange={(e) => onChange(replaceAt(tags, i, { ...t, tag: e.target.value }))}
          />
          <span className="muted">=</span>
          <input
            aria-label="Tag value"
            placeholder="value"
            value={t.value}
            onChange={(e) => onChange(replaceAt(tags, i, { ...t, value: e.target.value }))}
          />
          <button
            type="button"
            className="icon-button"
            aria-label={`Remove tag ${t.tag}`}
            onClick={() => onChange(tags.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        className="link-button"
        onClick={() => onChange([...tags, { tag: '', value: '' }])}
      >
        + Tag
      </button>
    </div>
  );
}
