import type { NodeOf } from '@accord/engine';
import { MAX_LINES, MoreLines } from '../more-lines';

/** The assign card: the tags it sets. */
export function AssignBody({ node }: { node: NodeOf<'assign'> }) {
  const tags = node.data.tags;
  return tags.length === 0 ? (
    <p className="node-note">Sets nothing yet</p>
  ) : (
    <ul className="node-rows">
      {tags.slice(0, MAX_LINES).map((t, i) => (
        <li key={i}>
          <span className="node-row-label" title={`${t.tag} = ${t.value}`}>
            <span className="muted">{t.tag}</span> {t.value}
          </span>
        </li>
      ))}
      <MoreLines count={tags.length} />
    </ul>
  );
}
