import { PATH_CLASSES } from '../../editor/decorations';
import type { RouterOutputs } from '../../lib/types';
import { LeadPaths } from './lead-paths';

/** One side of a lead's explanation, as `simulations.explainLead` and `tryLead` answer it. */
type ExplainedSide = RouterOutputs['simulations']['explainLead']['baseline'];

/**
 * One lead on both sides: each side's stage, path, scores and reasons next to each other, and
 * both paths drawn on the candidate's graph.
 */
export function LeadExplanation(props: {
  title: string;
  baseline: ExplainedSide;
  candidate: ExplainedSide;
}) {
  return (
    <>
      <h3>{props.title}</h3>
      <div className="explain" data-testid="explanation">
        <Side side={props.baseline} className={PATH_CLASSES.baseline} />
        <Side side={props.candidate} className={PATH_CLASSES.candidate} />
      </div>
      <LeadPaths baseline={props.baseline} candidate={props.candidate} />
    </>
  );
}

function Side({ side, className }: { side: ExplainedSide; className: string }) {
  return (
    <div className={`card explain-side ${className}`}>
      <h3>
        {side.label}: <span className="badge">{side.stage}</span>
      </h3>
      <p className="small muted">Path: {side.steps.map((s) => s.label).join(' → ')}</p>
      <p className="small">
        {Object.entries(side.scores)
          .map(([k, v]) => `${k} ${v}`)
          .join(' · ')}
      </p>
      <ul className="small">
        {side.reasons.map((r, i) => (
          <li key={i}>
            <ReasonText text={r.text} />
          </li>
        ))}
      </ul>
    </div>
  );
}

/** A reason as the engine wrote it, its leading points ("+10", "-20") in bold. */
function ReasonText({ text }: { text: string }) {
  const points = /^([+-]\d[\d.,]*)\s(.*)$/s.exec(text);
  if (!points) return <>{text}</>;
  return (
    <>
      <strong>{points[1]}</strong> {points[2]}
    </>
  );
}
