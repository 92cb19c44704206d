import type { CurvePoint, ScoreThresholds, ThresholdSite } from '@accord/engine';
import { useState } from 'react';
import { Link } from 'react-router';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ReferenceDot,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatScore } from '../../editor/inspector/form-parts';
import { usePermissions } from '../use-permissions';
import { useEvidenceChoice } from './evidence-choice';
import { liftText, percent, splitText } from './format';
import { withThreshold } from './tuning-edits';
import { useDraftEdit } from './use-draft-edit';
import { useDraftThresholds } from './use-draft-thresholds';

const PRECISION = '#3756d4';
const RECALL = '#1f8a4c';
const LIFT = '#b7791f';

/** The curve point flagging the share nearest `share`. */
export function nearestPoint(points: readonly CurvePoint[], share: number): CurvePoint | undefined {
  let best: CurvePoint | undefined;
  for (const p of points)
    if (!best || Math.abs(p.share - share) < Math.abs(best.share - share)) best = p;
  return best;
}

/**
 * For each score: precision, recall and lift of flagging leads at or above a threshold against
 * the share flagged, on the held-out part, with ROC AUC; pick a share, read the threshold, apply
 * it to a comparison of the draft. The MQL-or-better decision is shown as one point.
 */
export function ThresholdExplorer({ workflowId }: { workflowId: string }) {
  const [choice] = useEvidenceChoice(workflowId);
  const report = useDraftThresholds(workflowId, choice);
  const [scoreId, setScoreId] = useState('');
  if (report.error) return <p className="error">{report.error.message}</p>;
  if (!report.data) return <p className="muted">Scoring the leads…</p>;
  const { scores, decision, split } = report.data;
  const score = scores.find((s) => s.score === scoreId) ?? scores[0];
  return (
    <section className="card thresholds" aria-label="Threshold explorer">
      <div className="section-intro">
        <h2>Threshold explorer</h2>
        <p className="small muted">
          Flag the leads scoring at or above a threshold: how many of them convert (precision), how
          many converting leads they catch (recall) and how much better than average they convert
          (lift), {splitText('holdout', split.holdoutShare, split.seed)}.
        </p>
      </div>
      <DecisionSummary decision={decision} />
      {score ? (
        <>
          <div className="row">
            <label className="inline">
              Score
              <select
                aria-label="Score"
                value={score.score}
                onChange={(e) => setScoreId(e.target.value)}
              >
                {scores.map((s) => (
                  <option key={s.score} value={s.score}>
                    {s.label}
                  </option>
                ))}
              </select>
            </label>
            <span className="small" data-testid="score-auc">
              ROC AUC <b>{score.holdout.auc === null ? '—' : score.holdout.auc.toFixed(3)}</b> held
              out · <span className="muted">{score.fit.auc?.toFixed(3) ?? '—'} fitted</span>
            </span>
          </div>
          <ScoreCurve
            key={score.score}
            workflowId={workflowId}
            score={score}
            decision={decision.holdout}
          />
        </>
      ) : (
        <p className="muted">The workflow has no scores.</p>
      )}
    </section>
  );
}

function DecisionSummary({
  decision,
}: {
  decision: { fit: DecisionMetrics; holdout: DecisionMetrics };
}) {
  const h = decision.holdout;
  return (
    <p className="decision-summary small" data-testid="decision-summary">
      <strong>MQL or better, as the draft decides</strong> (the dot on the precision line): flags{' '}
      {percent(h.share)} of the held-out leads; precision {percent(h.precision)}, recall{' '}
      {percent(h.recall)}, lift {liftText(h.lift)}
      {h.auc !== null && <>, AUC {h.auc.toFixed(3)}</>}.
    </p>
  );
}

interface DecisionMetrics {
  share: number;
  precision: number;
  recall: number;
  lift: number;
  auc: number | null;
}

function ScoreCurve({
  workflowId,
  score,
  decision,
}: {
  workflowId: string;
  score: ScoreThresholds;
  /** The draft's MQL-or-better decision, drawn as a point to compare the curve with. */
  decision: DecisionMetrics;
}) {
  const points = score.holdout.points;
  // Start at the current threshold of the score's first comparison, when there is one.
  const current = score.sites[0];
  const initial =
    (current && points.find((p) => p.threshold <= current.value)) ??
    nearestPoint(points, 0.3) ??
    points[0];
  const [picked, setPicked] = useState<CurvePoint | undefined>(initial);
  const data = points.map((p) => ({ ...p, sharePct: Math.round(p.share * 1000) / 10 }));
  if (points.length === 0)
    return <p className="muted">No lead of the held-out part has this score.</p>;
  return (
    <div className="curve">
      <div className="curve-chart" data-testid="threshold-chart">
        <ResponsiveContainer width="100%" height={280}>
          <LineChart
            data={data}
            margin={{ top: 8, right: 16, left: 0, bottom: 8 }}
            onClick={(state) => {
              const i = Number(state?.activeTooltipIndex);
              if (Number.isInteger(i) && points[i]) setPicked(points[i]);
            }}
          >
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis
              dataKey="sharePct"
              type="number"
              domain={[0, 100]}
              unit="%"
              fontSize={12}
              label={{
                value: 'Share of leads flagged',
                position: 'insideBottom',
                offset: -4,
                fontSize: 12,
              }}
              height={40}
            />
            <YAxis
              yAxisId="rate"
              domain={[0, 1]}
              tickFormatter={(v: number) => `${Math.round(v * 100)}%`}
              fontSize={12}
            />
            <YAxis
              yAxisId="lift"
              orientation="right"
              fontSize={12}
              tickFormatter={(v: number) => `${v}×`}
            />
            <Tooltip
              formatter={(value, name) =>
                name === 'Lift' ? liftText(Number(value)) : percent(Number(value))
              }
              labelFormatter={(label) => `${label}% flagged`}
            />
            <Legend verticalAlign="top" height={24} />
            <Line
              yAxisId="rate"
              dataKey="precision"
              name="Precision"
              stroke={PRECISION}
              dot={false}
              isAnimationActive={false}
            />
            <Line
              yAxisId="rate"
              dataKey="recall"
              name="Recall"
              stroke={RECALL}
              dot={false}
              isAnimationActive={false}
            />
            <Line
              yAxisId="lift"
              dataKey="lift"
              name="Lift"
              stroke={LIFT}
              dot={false}
              isAnimationActive={false}
            />
            <ReferenceDot
              yAxisId="rate"
              x={Math.round(decision.share * 1000) / 10}
              y={decision.precision}
              r={5}
              fill={PRECISION}
              stroke="#fff"
              label={{ value: 'MQL or better', position: 'top', fontSize: 11 }}
            />
            {picked && (
              <ReferenceLine
                yAxisId="rate"
                x={Math.round(picked.share * 1000) / 10}
                stroke="#1c2330"
                strokeDasharray="4 3"
              />
            )}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <label className="share-slider">
        Share flagged
        <input
          type="range"
          aria-label="Share flagged"
          min={0}
          max={100}
          step={0.5}
          value={picked ? Math.round(picked.share * 200) / 2 : 0}
          onChange={(e) => setPicked(nearestPoint(points, Number(e.target.value) / 100))}
        />
      </label>
      {picked && <PickedPoint workflowId={workflowId} score={score} point={picked} />}
    </div>
  );
}

/** A comparison the threshold can go into, as the select lists it. */
function siteText(site: ThresholdSite) {
  return site.op === 'gte' ? site.label : `${site.label} (now “over”: becomes “at least”)`;
}

function PickedPoint(props: { workflowId: string; score: ScoreThresholds; point: CurvePoint }) {
  const { score, point } = props;
  const { can } = usePermissions();
  const edit = useDraftEdit(props.workflowId);
  const [siteIndex, setSiteIndex] = useState(0);
  const [saved, setSaved] = useState<number | null>(null);
  const site = score.sites[siteIndex];
  return (
    <div className="picked" data-testid="picked-threshold">
      <p>
        Flag leads with{' '}
        <strong>
          {score.label} at least {formatScore(point.threshold)}
        </strong>
        :{' '}
        <span data-testid="picked-metrics">
          {percent(point.share)} of the held-out leads ({point.flagged.toLocaleString()}), precision{' '}
          {percent(point.precision)}, recall {percent(point.recall)}, lift {liftText(point.lift)}
        </span>
        .
      </p>
      {score.sites.length === 0 ? (
        <p className="small muted">
          No step of the draft compares {score.label} with “at least”: add a condition in the editor
          to use a threshold.
        </p>
      ) : can('draft.save') ? (
        <form
          className="row"
          aria-label="Apply the threshold"
          onSubmit={(e) => {
            e.preventDefault();
            if (!site) return;
            edit.mutate((doc) => withThreshold(doc, site, point.threshold), {
              onSuccess: (r) => setSaved(r.revision),
            });
          }}
        >
          <label className="inline">
            In
            <select
              aria-label="Threshold to change"
              value={siteIndex}
              onChange={(e) => setSiteIndex(Number(e.target.value))}
            >
              {score.sites.map((s, i) => (
                <option key={`${s.nodeId}/${s.rowId ?? ''}/${s.path.join('.')}`} value={i}>
                  {siteText(s)}
                </option>
              ))}
            </select>
          </label>
          <button
            type="submit"
            className="primary"
            data-testid="apply-threshold"
            disabled={edit.isPending || (site?.value === point.threshold && site.op === 'gte')}
          >
            Apply threshold {formatScore(point.threshold)}
          </button>
          {edit.error && <span className="error small">{edit.error.message}</span>}
          {saved !== null && (
            <span className="ok small" role="status">
              Saved in the draft (revision {saved}).{' '}
              <Link to={`/workflows/${props.workflowId}`}>Open the editor</Link>
            </span>
          )}
        </form>
      ) : (
        <p className="small muted">Marketing, sales and admins apply thresholds to the draft.</p>
      )}
    </div>
  );
}
