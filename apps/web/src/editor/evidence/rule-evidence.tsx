import type { PointSuggestion, RuleEvidence } from '@accord/engine';
import { formatPoints } from '../inspector/form-parts';
import { intervalText, liftText, percent } from '../../pages/tuning/format';
import { useEvidenceChoice } from '../../pages/tuning/evidence-choice';
import { PointStepSelect } from '../../pages/tuning/point-step-select';
import { withRowPoints } from '../../pages/tuning/tuning-edits';
import { useEditor, useEditorStoreApi } from '../store';
import { evidenceKey, nodeBadge } from './evidence-index';
import { useEvidence, type EditorEvidence } from './evidence-context';
import './evidence.css';

type ReadyEvidence = Extract<EditorEvidence, { status: 'ready' }>;

/** The held-out evidence of one rule, compact: fired, conversion fired vs not, lift, interval, flags. */
export function EvidenceLine({ rule }: { rule: RuleEvidence }) {
  const e = rule.holdout;
  const id = `evidence-${rule.nodeId}-${rule.rowId ?? 'node'}`;
  return (
    <div
      className={`rule-evidence${e.contradicts ? ' contradicts' : ''}${e.tooRare ? ' too-rare' : ''}`}
      data-testid={id}
    >
      <span
        data-field="fired"
        title="Leads of the held-out part this rule fired on, and their share"
      >
        Fired <b>{e.fired.toLocaleString()}</b> ({percent(e.share)})
      </span>
      <span
        data-field="conversion"
        title={`Conversion of the leads it fired on (${e.whenFired.converted.toLocaleString()} of ${e.whenFired.leads.toLocaleString()}) vs the rest (${e.whenNotFired.converted.toLocaleString()} of ${e.whenNotFired.leads.toLocaleString()})`}
      >
        Converts <b data-value="fired">{percent(e.whenFired.rate)}</b> vs{' '}
        <span data-value="not-fired">{percent(e.whenNotFired.rate)}</span> without
      </span>
      <span data-field="lift" title="Conversion when it fires ÷ the part's base rate">
        Lift <b>{liftText(e.lift)}</b>
      </span>
      <span data-field="interval" title="95% Wilson interval of the conversion when it fires">
        95% {intervalText(e.fired > 0 ? [e.whenFired.low, e.whenFired.high] : null)}
      </span>
      {e.contradicts && (
        <span
          className="evidence-flag bad"
          data-field="flag"
          title={
            rule.direction === 'up'
              ? 'It adds points or moves leads up, but its leads convert less than the rest.'
              : 'It takes points or moves leads down, but its leads convert more than the rest.'
          }
        >
          contradicts
        </span>
      )}
      {e.tooRare && (
        <span
          className="evidence-flag rare"
          data-field="flag"
          title="Too few leads to judge this rule on this part."
        >
          too rare
        </span>
      )}
    </div>
  );
}

/** The evidence of a rule of the surrounding editor, when evidence is on; else nothing. */
export function RuleEvidenceSlot({ nodeId, rowId }: { nodeId: string; rowId: string | null }) {
  const evidence = useEvidence();
  if (evidence?.status !== 'ready') return null;
  const rule = evidence.index.rules.get(evidenceKey(nodeId, rowId));
  if (!rule) return <div className="rule-evidence muted">No evidence yet (save the draft).</div>;
  return <EvidenceLine rule={rule} />;
}

function applyPoints(
  store: ReturnType<typeof useEditorStoreApi>,
  nodeId: string,
  points: Record<string, number>,
) {
  // One undo step, saved and audited like any other edit of the draft.
  store.getState().endCoalescing();
  store.getState().change((doc) => withRowPoints(doc, nodeId, points));
}

const pending = (s: PointSuggestion, current: number) =>
  s.suggested !== null && s.suggested !== current;

/** A scorecard row's suggested points, fitted on the fit part, with a button to apply them. */
export function SuggestedPoints(props: { nodeId: string; rowId: string; current: number }) {
  const evidence = useEvidence();
  if (evidence?.status !== 'ready') return null;
  return <ReadySuggestedPoints {...props} evidence={evidence} />;
}

function ReadySuggestedPoints(props: {
  nodeId: string;
  rowId: string;
  current: number;
  evidence: ReadyEvidence;
}) {
  const { evidence } = props;
  const store = useEditorStoreApi();
  const readOnly = useEditor((s) => s.readOnly);
  const s = evidence.index.suggestions.get(evidenceKey(props.nodeId, props.rowId));
  if (!s) return null;
  return (
    <div className="suggested-points" data-testid={`suggested-${props.nodeId}-${props.rowId}`}>
      {s.suggested === null ? (
        <span className="muted">No suggestion: it fired on every lead or on none.</span>
      ) : (
        <>
          <span
            title={`From the log-odds of conversion when it fires (${evidence.fittedOn}), kept at ${Math.round(s.weight * 100)}% for its support`}
          >
            Suggested <b data-value="suggested">{formatPoints(s.suggested)}</b>
          </span>
          {s.suggested === props.current ? (
            <span className="ok small">✓ as set</span>
          ) : (
            !readOnly && (
              <button
                type="button"
                className="small-button"
                data-testid={`apply-suggested-${props.nodeId}-${props.rowId}`}
                aria-label={`Apply ${formatPoints(s.suggested)} points`}
                onClick={() => applyPoints(store, props.nodeId, { [props.rowId]: s.suggested! })}
              >
                Apply
              </button>
            )
          )}
        </>
      )}
    </div>
  );
}

/**
 * Above a scorecard's rows with evidence: where the numbers come from, the step suggestions are
 * rounded to, and "Apply all suggested".
 */
export function ScorecardEvidenceHead({ nodeId }: { nodeId: string }) {
  const evidence = useEvidence();
  if (evidence?.status !== 'ready') return null;
  return <ReadyScorecardEvidenceHead nodeId={nodeId} evidence={evidence} />;
}

function ReadyScorecardEvidenceHead({
  nodeId,
  evidence,
}: {
  nodeId: string;
  evidence: ReadyEvidence;
}) {
  const store = useEditorStoreApi();
  const readOnly = useEditor((s) => s.readOnly);
  const rows = useEditor((s) => {
    const node = s.doc.nodes.find((n) => n.id === nodeId);
    return node?.kind === 'scorecard' ? node.data.rows : undefined;
  });
  const [choice, setChoice] = useEvidenceChoice(evidence.workflowId);
  if (!rows) return null;
  const card = evidence.index.scorecards.get(nodeId);
  const todo = (card?.rows ?? []).filter((s) => {
    const row = rows.find((r) => r.id === s.rowId);
    return row !== undefined && pending(s, row.points);
  });
  return (
    <div className="evidence-head" data-testid="scorecard-evidence-head">
      <p className="small muted">
        Evidence {evidence.judgedOn}; suggested points {evidence.fittedOn}.
      </p>
      <div className="row">
        <PointStepSelect
          className="inline small"
          label="Round to"
          ariaLabel="Round suggested points to"
          value={choice.step}
          onChange={(step) => setChoice({ step })}
        />
        {!readOnly && (
          <button
            type="button"
            className="small-button"
            data-testid="apply-all-suggested"
            disabled={todo.length === 0 || evidence.pointsPending}
            onClick={() =>
              applyPoints(
                store,
                nodeId,
                Object.fromEntries(todo.map((s) => [s.rowId, s.suggested!])),
              )
            }
          >
            Apply all suggested{todo.length > 0 ? ` (${todo.length})` : ''}
          </button>
        )}
      </div>
    </div>
  );
}

/** A node's evidence at a glance on the canvas: its strongest lift, or how many rules contradict. */
export function NodeEvidenceBadge({ nodeId }: { nodeId: string }) {
  const evidence = useEvidence();
  const store = useEditorStoreApi();
  if (evidence?.status !== 'ready') return null;
  const badge = nodeBadge(evidence.index.byNode.get(nodeId) ?? []);
  if (!badge) return null;
  return (
    <button
      type="button"
      className={`evidence-badge nodrag tone-${badge.tone}`}
      data-testid={`node-evidence-${nodeId}`}
      title={badge.title}
      aria-label={`Evidence: ${badge.title}`}
      onClick={() => {
        store.getState().select({ nodes: [nodeId], edges: [] });
        store.getState().setPanel('inspector');
      }}
    >
      {badge.text}
    </button>
  );
}

/** The evidence of each row of a step whose rows have no cards of their own (decision tables). */
export function RowsEvidenceList(props: {
  nodeId: string;
  rows: readonly { id: string; label: string }[];
}) {
  const evidence = useEvidence();
  if (evidence?.status !== 'ready') return null;
  return (
    <section className="inspector-section">
      <h3>Evidence per row</h3>
      <p className="small muted">{evidence.judgedOn}</p>
      <ul className="rows-evidence">
        {props.rows.map((row) => (
          <li key={row.id}>
            <span className="item-title">{row.label || row.id}</span>
            <RuleEvidenceSlot nodeId={props.nodeId} rowId={row.id} />
          </li>
        ))}
      </ul>
    </section>
  );
}
