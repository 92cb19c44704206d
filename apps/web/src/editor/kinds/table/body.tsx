import type { NodeOf } from '@accord/engine';
import { formatPoints } from '../../inspector/form-parts';
import { MAX_LINES, MoreLines } from '../more-lines';

/** The decision table card: its hit policy and columns, and the rows' points when it collects. */
export function TableBody({ node }: { node: NodeOf<'table'> }) {
  const { inputs, rows, hitPolicy } = node.data;
  return (
    <>
      <p className="node-note">
        {hitPolicy === 'first' ? 'First matching row' : 'Every matching row'} ·{' '}
        {inputs.map((i) => i.label).join(', ') || 'no columns'}
      </p>
      {hitPolicy === 'collect' && (
        <ul className="node-rows">
          {rows.slice(0, MAX_LINES).map((row) => (
            <li key={row.id}>
              <span className="node-row-label">{row.label}</span>
              {row.points !== undefined && (
                <span className={`points ${row.points < 0 ? 'negative' : ''}`}>
                  {formatPoints(row.points)}
                </span>
              )}
            </li>
          ))}
          <MoreLines count={rows.length} />
        </ul>
      )}
    </>
  );
}
