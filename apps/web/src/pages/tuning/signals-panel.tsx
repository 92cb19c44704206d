import {
  SCORE_CATEGORIES,
  type FieldSignal,
  type ScoreCategory,
  type SignalBin,
  type Workflow,
} from '@accord/engine';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'react-router';
import { formatPoints } from '../../editor/inspector/form-parts';
import { useTRPC } from '../../lib/trpc';
import { usePermissions } from '../use-permissions';
import { useEvidenceChoice } from './evidence-choice';
import { percent, splitText } from './format';
import { useDraftEdit } from './use-draft-edit';
import { withScorecardRow } from './tuning-edits';

/** How many fields show before "Show all". */
const FIRST_FIELDS = 12;

/**
 * Points for a bin on a scorecard: its weight of evidence in the scorecard's points per unit of
 * log-odds, rounded to the step (the same scale the scorecard's suggested points use).
 * @example binPoints(0.693, 21.6, 5) // 15
 */
export function binPoints(woe: number, factor: number, step: number): number {
  const points = Math.round((woe * factor) / step) * step;
  return points === 0 ? 0 : points;
}

/** The category a signal's row goes in: the field's own, when it is one of the four. */
function rowCategory(signal: FieldSignal, woe: number): ScoreCategory {
  if (woe < 0) return 'undesirable';
  return (SCORE_CATEGORIES as readonly string[]).includes(signal.category)
    ? (signal.category as ScoreCategory)
    : 'behaviour';
}

const STRENGTH_TEXT: Record<FieldSignal['strength'], string> = {
  none: 'no signal',
  weak: 'weak',
  medium: 'medium',
  strong: 'strong',
};

/** Every field of the catalog ranked by information value, with conversion per option or bin. */
export function SignalsPanel({
  workflowId,
  doc,
}: {
  workflowId: string;
  doc: Workflow | undefined;
}) {
  const trpc = useTRPC();
  const [choice] = useEvidenceChoice(workflowId);
  const split = {
    leadSetId: choice.leadSetId,
    seed: choice.seed,
    holdoutShare: choice.holdoutShare,
  };
  const signals = useQuery(trpc.tuning.signals.queryOptions(split, { staleTime: 60_000 }));
  const points = useQuery(
    trpc.tuning.suggestPoints.queryOptions(
      { workflowId, side: 'draft', ...split, step: choice.step },
      { staleTime: 60_000 },
    ),
  );
  const [all, setAll] = useState(false);
  const [showLeaky, setShowLeaky] = useState(false);
  const scorecards = (doc?.nodes ?? []).filter((n) => n.kind === 'scorecard');
  const factors = new Map((points.data?.scorecards ?? []).map((c) => [c.nodeId, c.factor]));
  if (signals.error) return <p className="error">{signals.error.message}</p>;
  if (!signals.data) return <p className="muted">Reading every field of the lead set…</p>;
  const leaky = signals.data.fields.filter((f) => f.leaky).length;
  const listed = signals.data.fields.filter((f) => showLeaky || !f.leaky);
  const fields = all ? listed : listed.slice(0, FIRST_FIELDS);
  const { holdoutShare, seed } = signals.data.split;
  return (
    <section className="card signals" aria-label="Signals">
      <div className="section-intro">
        <h2>Signals</h2>
        <p className="small muted">
          Conversion per option or range of each field, ranked by information value (IV: under 0.02
          no signal, 0.1 weak, 0.3 medium, above strong). Bins and IV are{' '}
          {splitText('fit', holdoutShare, seed)}; the held-out IV beside it shows whether the signal
          holds on leads it was not found on.{' '}
          <span className="legend">
            <span className="swatch fit" /> fitted <span className="swatch holdout" /> held out
          </span>
        </p>
        {leaky > 0 && (
          <label className="check small">
            <input
              type="checkbox"
              checked={showLeaky}
              onChange={(e) => setShowLeaky(e.target.checked)}
            />
            Show the {leaky} field{leaky === 1 ? '' : 's'} filled in after sales contact (they
            predict only because they were written after the outcome)
          </label>
        )}
      </div>
      <ol className="signal-list">
        {fields.map((signal, i) => (
          <SignalCard
            key={signal.field}
            signal={signal}
            open={i < 3}
            workflowId={workflowId}
            scorecards={scorecards.map((n) => ({ id: n.id, label: n.label }))}
            factors={factors}
            step={choice.step}
          />
        ))}
      </ol>
      {listed.length > FIRST_FIELDS && (
        <button type="button" className="link" onClick={() => setAll(!all)}>
          {all ? 'Show the strongest only' : `Show all ${listed.length} fields`}
        </button>
      )}
    </section>
  );
}

function SignalCard(props: {
  signal: FieldSignal;
  open: boolean;
  workflowId: string;
  scorecards: { id: string; label: string }[];
  factors: ReadonlyMap<string, number>;
  step: number;
}) {
  const { signal } = props;
  const max = Math.max(0.0001, ...signal.bins.map((b) => Math.max(b.fit.rate, b.holdout.rate)));
  return (
    <li>
      <details className="signal" open={props.open} data-testid={`signal-${signal.field}`}>
        <summary>
          <span className="signal-name">{signal.label}</span>
          <span className={`pill strength-${signal.strength}`}>
            {STRENGTH_TEXT[signal.strength]}
          </span>
          {signal.leaky && (
            <span
              className="pill leaky"
              title="Filled in after sales contact: it predicts only because it was written after the outcome. Leave it out of the agreement."
            >
              after sales contact
            </span>
          )}
          {signal.iv.fit >= 0.1 && signal.iv.holdout < signal.iv.fit / 2 && (
            <span
              className="pill does-not-hold"
              title="Its information value on the held-out leads is less than half the fitted one: the bins fit chance in the fitted leads (often a field with many rare values)."
            >
              does not hold
            </span>
          )}
          <span className="signal-iv small" data-testid={`signal-iv-${signal.field}`}>
            IV <b>{signal.iv.fit.toFixed(3)}</b> fitted ·{' '}
            <span className="muted">{signal.iv.holdout.toFixed(3)} held out</span>
          </span>
          <span className="mini-bars" aria-hidden>
            {signal.bins.map((b) => (
              <span
                key={b.key}
                style={{ height: `${Math.max(2, (b.fit.rate / max) * 22)}px` }}
                title={`${b.label}: ${percent(b.fit.rate)}`}
              />
            ))}
          </span>
        </summary>
        <table className="bins" aria-label={`Conversion by ${signal.label}`}>
          <colgroup>
            <col className="col-bin" />
            <col className="col-leads" />
            <col className="col-rate" />
            <col className="col-woe" />
            <col className="col-action" />
          </colgroup>
          <thead>
            <tr>
              <th>{signal.type === 'number' || signal.type === 'date' ? 'Range' : 'Option'}</th>
              <th>Leads (fitted)</th>
              <th>Conversion: fitted / held out</th>
              <th title="Weight of evidence: ln(share of converted ÷ share of not converted)">
                WoE
              </th>
              <th />
            </tr>
          </thead>
          <tbody>
            {signal.bins.map((bin) => (
              <BinRow key={bin.key} bin={bin} max={max} {...props} />
            ))}
          </tbody>
        </table>
      </details>
    </li>
  );
}

function BinRow(props: {
  signal: FieldSignal;
  bin: SignalBin;
  max: number;
  workflowId: string;
  scorecards: { id: string; label: string }[];
  factors: ReadonlyMap<string, number>;
  step: number;
}) {
  const { bin, signal } = props;
  const [adding, setAdding] = useState(false);
  const canEdit = usePermissions().can('draft.save');
  return (
    <>
      <tr>
        <td className="bin-label">{bin.label}</td>
        <td className="num">{bin.fit.leads.toLocaleString()}</td>
        <td>
          <div className="bin-bars">
            <span className="bar-pair">
              <span className="bar fit" style={{ width: `${(bin.fit.rate / props.max) * 100}%` }} />
              <span
                className="bar holdout"
                style={{ width: `${(bin.holdout.rate / props.max) * 100}%` }}
              />
            </span>
            <span className="num">
              {percent(bin.fit.rate)} / <span className="muted">{percent(bin.holdout.rate)}</span>
            </span>
          </div>
        </td>
        <td className={`num ${bin.fit.woe < 0 ? 'negative' : ''}`}>{bin.fit.woe.toFixed(2)}</td>
        <td className="actions">
          {canEdit && (
            <button
              type="button"
              className="small-button"
              aria-expanded={adding}
              data-testid={`add-signal-${signal.field}-${bin.key}`}
              onClick={() => setAdding(!adding)}
            >
              Add as scorecard row
            </button>
          )}
        </td>
      </tr>
      {adding && (
        <tr className="add-row">
          <td colSpan={5}>
            <AddSignalRow {...props} onDone={() => setAdding(false)} />
          </td>
        </tr>
      )}
    </>
  );
}

function AddSignalRow(props: {
  signal: FieldSignal;
  bin: SignalBin;
  workflowId: string;
  scorecards: { id: string; label: string }[];
  factors: ReadonlyMap<string, number>;
  step: number;
  onDone: () => void;
}) {
  const { signal, bin, scorecards } = props;
  const edit = useDraftEdit(props.workflowId);
  const [nodeId, setNodeId] = useState(scorecards[0]?.id ?? '');
  const factor = props.factors.get(nodeId);
  const suggested = factor === undefined ? null : binPoints(bin.fit.woe, factor, props.step);
  const [points, setPoints] = useState<string>('');
  const shown = points === '' && suggested !== null ? String(suggested) : points;
  const value = Number(shown);
  const valid = shown.trim() !== '' && Number.isFinite(value) && Math.abs(value) <= 1_000_000;
  const label = `${signal.label}: ${bin.label}`;
  const [done, setDone] = useState<number | null>(null);
  if (scorecards.length === 0)
    return <p className="muted small">The draft has no scorecard: add one in the editor first.</p>;
  return (
    <form
      className="row add-signal"
      aria-label={`Add ${label} as a scorecard row`}
      onSubmit={(e) => {
        e.preventDefault();
        if (!valid) return;
        edit.mutate(
          (doc) =>
            withScorecardRow(doc, nodeId, {
              id: `${signal.field}_${bin.key}`,
              label,
              category: rowCategory(signal, value),
              points: value,
              when: bin.when,
            }),
          { onSuccess: (saved) => setDone(saved.revision) },
        );
      }}
    >
      <label className="inline">
        Scorecard
        <select value={nodeId} onChange={(e) => setNodeId(e.target.value)} aria-label="Scorecard">
          {scorecards.map((s) => (
            <option key={s.id} value={s.id}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        Points
        <input
          className="narrow"
          aria-label="Points"
          inputMode="numeric"
          value={shown}
          onChange={(e) => setPoints(e.target.value)}
        />
      </label>
      {suggested !== null && (
        <span className="small muted">suggested {formatPoints(suggested)} from its WoE</span>
      )}
      <button type="submit" className="primary" disabled={!valid || edit.isPending}>
        Add “{label}” {valid ? formatPoints(value) : ''}
      </button>
      <button type="button" onClick={props.onDone}>
        Close
      </button>
      {edit.error && <span className="error small">{edit.error.message}</span>}
      {done !== null && (
        <span className="ok small" role="status">
          Added to the draft (revision {done}).{' '}
          <Link to={`/workflows/${props.workflowId}`}>Open the editor</Link>
        </span>
      )}
      {!valid && shown !== '' && <span className="error small">Points must be a number.</span>}
    </form>
  );
}
