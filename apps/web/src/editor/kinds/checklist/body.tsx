import type { NodeOf } from '@accord/engine';
import { MAX_LINES, MoreLines } from '../more-lines';

/** The checklist card: when it passes and its first criteria. */
export function ChecklistBody({ node }: { node: NodeOf<'checklist'> }) {
  const { criteria, mode, atLeast } = node.data;
  return (
    <>
      <p className="node-note">
        {mode === 'all'
          ? 'Passes when all are met'
          : `Passes when at least ${atLeast ?? '?'} are met`}
      </p>
      <ul className="node-rows">
        {criteria.slice(0, MAX_LINES).map((c) => (
          <li key={c.id}>
            <span className="check-mark" aria-hidden>
              ✓
            </span>
            <span className="node-row-label" title={c.label}>
              {c.label}
              {c.optional && <em className="muted"> optional</em>}
            </span>
          </li>
        ))}
        <MoreLines count={criteria.length} />
      </ul>
    </>
  );
}
