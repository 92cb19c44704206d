import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { idValue } from '@accord/engine';
import type { RouterOutputs } from '../../lib/types';
import { DataTable } from '../data-table';
import { coverageKey, type WholeSetEvidence } from '../tuning/coverage-evidence';
import { liftText, percent } from '../tuning/format';

export type SimulationResult = NonNullable<RouterOutputs['simulations']['get']['result']>;
export type MatrixCell = { from: string; to: string } | null;

const BASELINE = '#8a94a6';
const CANDIDATE = '#3756d4';

/**
 * Leads per stage on each side in funnel order. Stage ids are read as own keys only (#18): a
 * stage called `constructor` that no lead reached has 0 leads, not Object's function.
 */
export function funnelRows(result: SimulationResult) {
  return result.stages.map((s) => ({
    stage: s.label,
    baseline: idValue(result.funnel.baseline, s.id) ?? 0,
    candidate: idValue(result.funnel.candidate, s.id) ?? 0,
  }));
}

/** Leads that went from baseline stage `from` to candidate stage `to`. */
export function matrixCount(matrix: SimulationResult['matrix'], from: string, to: string): number {
  return idValue(idValue(matrix, from), to) ?? 0;
}

/** Leads per stage on each side, as grouped bars in funnel order. */
export function FunnelChart({ result }: { result: SimulationResult }) {
  const data = funnelRows(result);
  return (
    <ResponsiveContainer width="100%" height={260}>
      <BarChart data={data} margin={{ top: 8, right: 8, left: 8, bottom: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="stage" interval={0} fontSize={12} />
        <YAxis />
        <Tooltip />
        <Legend />
        <Bar dataKey="baseline" name="Baseline" fill={BASELINE} isAnimationActive={false} />
        <Bar dataKey="candidate" name="Candidate" fill={CANDIDATE} isAnimationActive={false} />
      </BarChart>
    </ResponsiveContainer>
  );
}

/** Score distribution on each side, bars overlaid per bin. */
export function ScoreHistogram({ bins }: { bins: SimulationResult['histograms'][string] }) {
  const data = bins.map((b) => ({ bin: `${b.from}–${b.to}`, ...b }));
  return (
    <ResponsiveContainer width="100%" height={200}>
      <BarChart data={data} barGap={-12} margin={{ top: 8, right: 8, left: 8, bottom: 0 }}>
        <CartesianGrid strokeDasharray="3 3" vertical={false} />
        <XAxis dataKey="bin" fontSize={11} />
        <YAxis fontSize={11} />
        <Tooltip />
        <Bar
          dataKey="baseline"
          name="Baseline"
          fill={BASELINE}
          fillOpacity={0.6}
          barSize={12}
          isAnimationActive={false}
        />
        <Bar
          dataKey="candidate"
          name="Candidate"
          fill={CANDIDATE}
          fillOpacity={0.6}
          barSize={12}
          isAnimationActive={false}
        />
      </BarChart>
    </ResponsiveContainer>
  );
}

/**
 * Baseline stage (rows) × candidate stage (columns) with counts; the colour deepens with the
 * count. Off-diagonal cells are leads that move; clicking one filters the changed-leads table.
 */
export function TransitionMatrix(props: {
  result: SimulationResult;
  selected: MatrixCell;
  onSelect: (cell: MatrixCell) => void;
}) {
  const { stages, matrix } = props.result;
  const max = Math.max(
    1,
    ...stages.flatMap((a) => stages.map((b) => matrixCount(matrix, a.id, b.id))),
  );
  return (
    <table className="matrix" aria-label="Transition matrix">
      <thead>
        <tr>
          <th className="corner">Baseline ↓ / Candidate →</th>
          {stages.map((s) => (
            <th key={s.id}>{s.label}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {stages.map((from) => (
          <tr key={from.id}>
            <th>{from.label}</th>
            {stages.map((to) => {
              const count = matrixCount(matrix, from.id, to.id);
              const moved = from.id !== to.id;
              const selected = props.selected?.from === from.id && props.selected.to === to.id;
              const alpha = count ? 0.12 + 0.88 * Math.sqrt(count / max) : 0;
              const colour = moved ? `rgba(196, 50, 58, ${alpha})` : `rgba(55, 86, 212, ${alpha})`;
              return (
                <td key={to.id} className={selected ? 'selected' : undefined}>
                  <button
                    type="button"
                    disabled={!moved || count === 0}
                    style={{ background: colour, color: alpha > 0.55 ? '#fff' : undefined }}
                    aria-label={`${from.label} to ${to.label}: ${count}`}
                    aria-pressed={selected}
                    onClick={() => props.onSelect(selected ? null : { from: from.id, to: to.id })}
                  >
                    {count.toLocaleString()}
                  </button>
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;

/** Precision, recall and lift of "MQL or better" against conversions, the better side marked. */
export function OutcomeMetrics({ result }: { result: SimulationResult }) {
  if (!result.outcomes)
    return (
      <p className="muted">
        This lead set has no outcomes (converted or not), so neither side can be scored against
        reality. Import leads with an outcome column to compare how well each side predicts.
      </p>
    );
  const { baseline, candidate } = result.outcomes;
  const rows = [
    {
      label: 'Precision (qualified that converted)',
      a: baseline.precision,
      b: candidate.precision,
    },
    { label: 'Recall (converted that were qualified)', a: baseline.recall, b: candidate.recall },
    { label: 'Lift over the base rate', a: baseline.lift, b: candidate.lift, raw: true },
  ];
  return (
    <>
      <table className="data-table metrics" aria-label="Outcome metrics">
        <thead>
          <tr>
            <th />
            <th>Baseline</th>
            <th>Candidate</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => (
            <tr key={r.label}>
              <th>{r.label}</th>
              {[r.a, r.b].map((v, i) => {
                const better = i === 0 ? r.a > r.b : r.b > r.a;
                return (
                  <td key={i} className={better ? 'better' : undefined}>
                    {r.raw ? `${v.toFixed(2)}×` : pct(v)} {better && <span title="better">▲</span>}
                  </td>
                );
              })}
            </tr>
          ))}
          {result.stages.map((s) => (
            <tr key={s.id}>
              <th>Conversion at {s.label}</th>
              <td>{rateText(idValue(baseline.conversionByStage, s.id))}</td>
              <td>{rateText(idValue(candidate.conversionByStage, s.id))}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="small muted">
        {baseline.leadsWithOutcome.toLocaleString()} leads carry an outcome;{' '}
        {pct(baseline.baseRate)} converted.
      </p>
    </>
  );
}

function rateText(entry: { leads: number; converted: number; rate: number } | undefined) {
  if (!entry || entry.leads === 0) return '—';
  return `${pct(entry.rate)} (${entry.converted.toLocaleString()} of ${entry.leads.toLocaleString()})`;
}

/**
 * Hits per rule on each side; rules that never fire are flagged. With `evidence` (the
 * candidate's rules on a set with outcomes), how the leads each rule fired on converted.
 */
export function RuleCoverage({
  result,
  evidence,
}: {
  result: SimulationResult;
  evidence?: ReadonlyMap<string, WholeSetEvidence>;
}) {
  const never = result.coverage.filter((c) => c.candidate === 0);
  return (
    <>
      <p className="small">
        {never.length === 0 ? (
          <span className="ok">Every rule of the candidate fires on at least one lead.</span>
        ) : (
          <span className="error">
            {never.length} rule{never.length === 1 ? '' : 's'} of the candidate never fire on this
            lead set.
          </span>
        )}
      </p>
      <div className="scroll-box">
        <DataTable
          label="Rule coverage"
          columns={['Rule', 'Baseline', 'Candidate', ...(evidence ? ['Converts', 'Lift'] : [])]}
        >
          {result.coverage.map((c) => {
            const e = evidence?.get(coverageKey(c.nodeId, c.rowId));
            return (
              <tr
                key={`${c.nodeId}/${c.rowId ?? ''}`}
                className={c.candidate === 0 ? 'never' : undefined}
              >
                <td>
                  {c.label}
                  {c.candidate === 0 && <span className="badge status-rejected">never fires</span>}
                </td>
                <td>{c.baseline === null ? 'not in baseline' : c.baseline.toLocaleString()}</td>
                <td>{c.candidate === null ? 'removed' : c.candidate.toLocaleString()}</td>
                {evidence && (
                  <>
                    <td>{e ? percent(e.rate) : ''}</td>
                    <td>{e ? liftText(e.lift) : ''}</td>
                  </>
                )}
              </tr>
            );
          })}
        </DataTable>
      </div>
    </>
  );
}
