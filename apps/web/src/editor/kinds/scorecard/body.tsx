import type { NodeOf } from '@accord/engine';
import { formatPoints } from '../../inspector/form-parts';
import { useWorkflowContext } from '../../workflow-context';
import { MAX_LINES, MoreLines } from '../more-lines';

/** The scorecard card: the score it adds to and its first rows with their points. */
export function ScorecardBody({ node }: { node: NodeOf<'scorecard'> }) {
  const { scores } = useWorkflowContext();
  const score = scores.find((s) => s.id === node.data.score)?.label ?? node.data.score;
  const rows = node.data.rows;
  return (
    <>
      <p className="node-note">
        Adds to <strong>{score}</strong>
      </p>
      {rows.length === 0 ? (
        <p className="node-note">No rows yet</p>
      ) : (
        <ul className="node-rows">
          {rows.slice(0, MAX_LINES).map((row) => (
            <li key={row.id}>
              <span className="node-row-label" title={row.label}>
                {row.label}
              </span>
              <span className={`points ${row.points < 0 ? 'negative' : ''}`}>
                {formatPoints(row.points)}
                {row.perEvent ? ' each' : ''}
              </span>
            </li>
          ))}
          <MoreLines count={rows.length} />
        </ul>
      )}
    </>
  );
}
