import type { DraftedScorecard, Workflow } from '@accord/engine';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { formatScore } from '../../editor/inspector/form-parts';
import { useTRPC } from '../../lib/trpc';
import { usePermissions } from '../use-permissions';
import { useEvidenceChoice } from './evidence-choice';
import { liftText, percent, splitText } from './format';
import { withDraftedRows, withThreshold } from './tuning-edits';
import { PointStepSelect } from './point-step-select';
import { useDraftEdit } from './use-draft-edit';
import { useDraftThresholds } from './use-draft-thresholds';

const FLAG_SHARES = [0.1, 0.2, 0.3, 0.4, 0.5] as const;

/** Why a field got no row, in words. */
const SKIP_REASONS: Record<DraftedScorecard['skipped'][number]['reason'], string> = {
  weak: 'weak',
  chance: 'no more than chance',
  redundant: 'says what a stronger field says',
  leaky: 'after sales contact',
  'no rows': 'no usable range',
};
export const DEFAULT_ROWS = 12;

/**
 * Proposes a scorecard of at most N rows from the signals and a threshold flagging a chosen
 * share; "Open as draft" puts its rows in place of a scorecard's rows (and the threshold in a
 * comparison of its score) in the draft, and opens the editor: from there it goes through the
 * usual simulation and sign-off.
 */
export function DraftScorecard({
  workflowId,
  doc,
}: {
  workflowId: string;
  doc: Workflow | undefined;
}) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const { can } = usePermissions();
  const [choice, setChoice] = useEvidenceChoice(workflowId);
  const scorecards = (doc?.nodes ?? []).filter((n) => n.kind === 'scorecard');
  const [nodeId, setNodeId] = useState('');
  const target = scorecards.find((n) => n.id === nodeId) ?? scorecards[0];
  const [rowsText, setRowsText] = useState(String(DEFAULT_ROWS));
  const maxRows = Number(rowsText);
  const rowsOk = Number.isInteger(maxRows) && maxRows >= 1 && maxRows <= 30;
  const [flagShare, setFlagShare] = useState(0.3);
  const [includeLeaky, setIncludeLeaky] = useState(false);
  const input = {
    workflowId,
    leadSetId: choice.leadSetId,
    seed: choice.seed,
    holdoutShare: choice.holdoutShare,
    maxRows: rowsOk ? maxRows : DEFAULT_ROWS,
    flagShare,
    step: choice.step,
    nodeId: target?.id,
    includeLeaky,
  };
  const drafted = useQuery(
    trpc.tuning.draftScorecard.queryOptions(input, {
      enabled: rowsOk,
      placeholderData: keepPreviousData,
      staleTime: 60_000,
    }),
  );
  // The comparisons of the target's score the threshold can go into.
  const thresholds = useDraftThresholds(workflowId, choice);
  const sites = thresholds.data?.scores.find((s) => s.score === target?.data.score)?.sites ?? [];
  const [siteIndex, setSiteIndex] = useState(0);
  const site = siteIndex >= 0 ? sites[siteIndex] : undefined;
  const edit = useDraftEdit(workflowId);
  const d = drafted.data;
  // Fields left out are named as the catalog names them.
  const catalog = useQuery(trpc.fields.catalog.queryOptions());
  const fieldLabel = (id: string) =>
    catalog.data?.catalog.fields.find((f) => f.id === id)?.label ?? id;
  return (
    <section className="card drafted" aria-label="Draft a scorecard">
      <div className="section-intro">
        <h2>Draft a scorecard</h2>
        <p className="small muted">
          The strongest signals, one row per field (redundant fields and fields filled in after
          sales contact left out), with points from their weight of evidence and a threshold that
          flags the share you choose. Rows and points are{' '}
          {splitText('fit', choice.holdoutShare, choice.seed)}; the results below are{' '}
          {splitText('holdout', choice.holdoutShare, choice.seed)}.
        </p>
      </div>
      <form
        className="filters draft-controls"
        aria-label="Scorecard to draft"
        onSubmit={(e) => e.preventDefault()}
      >
        <label>
          At most
          <input
            className="narrow"
            aria-label="Rows"
            inputMode="numeric"
            aria-invalid={!rowsOk}
            value={rowsText}
            onChange={(e) => setRowsText(e.target.value)}
          />
        </label>
        <label>
          Flag
          <select
            aria-label="Share to flag"
            value={flagShare}
            onChange={(e) => setFlagShare(Number(e.target.value))}
          >
            {FLAG_SHARES.map((share) => (
              <option key={share} value={share}>
                {Math.round(share * 100)}% of leads
              </option>
            ))}
          </select>
        </label>
        <PointStepSelect
          label="Round points to"
          value={choice.step}
          onChange={(step) => setChoice({ step })}
        />
        <label>
          In place of
          <select
            aria-label="Scorecard to replace"
            value={target?.id ?? ''}
            onChange={(e) => setNodeId(e.target.value)}
          >
            {scorecards.length === 0 && <option value="">The draft has no scorecard</option>}
            {scorecards.map((n) => (
              <option key={n.id} value={n.id}>
                {n.label}
              </option>
            ))}
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={includeLeaky}
            onChange={(e) => setIncludeLeaky(e.target.checked)}
          />
          Include fields filled in after sales contact
        </label>
      </form>
      {!rowsOk && <p className="error small">Rows: a whole number from 1 to 30.</p>}
      {drafted.error && <p className="error">{drafted.error.message}</p>}
      {!d && !drafted.error && rowsOk && <p className="muted">Drafting from the signals…</p>}
      {d && (
        <div className="drafted-result" aria-busy={drafted.isFetching}>
          <ol className="drafted-rows" data-testid="drafted-rows">
            {d.rows.map((row) => (
              <li key={row.rowId}>
                <span>{row.text}</span>
                <span className="small muted">IV {row.iv.toFixed(3)}</span>
              </li>
            ))}
          </ol>
          {d.threshold ? (
            <p className="drafted-threshold" data-testid="drafted-threshold">
              <strong>Flag leads scoring at least {formatScore(d.threshold.value)}</strong> (
              {percent(d.threshold.flagShare)} of the fitted leads). On the held-out leads:{' '}
              {percent(d.threshold.holdout.share)} flagged, precision{' '}
              {percent(d.threshold.holdout.precision)}, recall {percent(d.threshold.holdout.recall)}
              , lift {liftText(d.threshold.holdout.lift)}
              {d.threshold.holdout.auc !== null && <>, AUC {d.threshold.holdout.auc.toFixed(3)}</>}.
            </p>
          ) : (
            <p className="small muted">
              No threshold: the drafted scorecard gives every lead the same score.
            </p>
          )}
          {d.skipped.length > 0 && (
            <p className="small muted">
              Left out:{' '}
              {d.skipped
                .slice(0, 8)
                .map((s) => `${fieldLabel(s.field)} (${SKIP_REASONS[s.reason]})`)
                .join(', ')}
              {d.skipped.length > 8 && `, and ${d.skipped.length - 8} more`}.
            </p>
          )}
          {can('draft.save') && target ? (
            <form
              className="row open-draft"
              aria-label="Open as draft"
              onSubmit={(e) => {
                e.preventDefault();
                edit.mutate(
                  (current) => {
                    const withRows = withDraftedRows(current, target.id, d.data);
                    return site && d.threshold
                      ? withThreshold(withRows, site, d.threshold.value)
                      : withRows;
                  },
                  { onSuccess: () => void navigate(`/workflows/${workflowId}`) },
                );
              }}
            >
              <label className="inline">
                Threshold in
                <select
                  aria-label="Threshold to set"
                  value={siteIndex}
                  onChange={(e) => setSiteIndex(Number(e.target.value))}
                >
                  {sites.map((s, i) => (
                    <option key={`${s.nodeId}/${s.rowId ?? ''}/${s.path.join('.')}`} value={i}>
                      {s.label}
                    </option>
                  ))}
                  <option value={-1}>Leave the thresholds as they are</option>
                </select>
              </label>
              <button
                type="submit"
                className="primary"
                data-testid="open-as-draft"
                disabled={edit.isPending || drafted.isFetching}
              >
                Open as draft
              </button>
              <span className="small muted">
                Replaces the {target.data.rows.length} rows of “{target.label}” in the draft.
              </span>
              {edit.error && <span className="error small">{edit.error.message}</span>}
            </form>
          ) : (
            !can('draft.save') && (
              <p className="small muted">Marketing, sales and admins open drafts.</p>
            )
          )}
        </div>
      )}
    </section>
  );
}
