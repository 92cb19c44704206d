import { TagsEditor } from '../../inspector/tags-editor';
import type { InspectorProps } from '../node-spec';

/** The tags an assign step sets on the lead. */
export function AssignInspector({ node, onChange }: InspectorProps<'assign'>) {
  return (
    <section className="inspector-section">
      <h3>Sets on the lead</h3>
      <p className="hint">
        Tags such as segment, owner team or next step; later steps can test them.
      </p>
      <TagsEditor tags={node.data.tags} onChange={(tags) => onChange({ ...node.data, tags })} />
    </section>
  );
}
