import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTRPC } from '../../lib/trpc';
import { useEvidenceChoice } from '../../pages/tuning/evidence-choice';
import { useEvidence } from './evidence-context';

/**
 * The evidence lead set, chosen once per workflow (remembered in this browser): with one, every
 * rule in the inspector and every step on the canvas shows how its leads converted.
 */
export function EvidenceBar() {
  const evidence = useEvidence();
  const trpc = useTRPC();
  const [choice, setChoice] = useEvidenceChoice(evidence?.workflowId ?? '');
  const leadSets = useQuery(trpc.leadSets.list.queryOptions());
  if (!evidence) return null;
  const sets =
    leadSets.data?.filter((s) => s.status === 'ready' && s.has_outcomes && s.lead_count > 0) ?? [];
  const chosenGone =
    choice.leadSetId !== '' && leadSets.data && !sets.some((s) => s.id === choice.leadSetId);
  return (
    <div className="evidence-bar" data-testid="evidence-bar">
      <label className="inline">
        <span>Evidence</span>
        <select
          aria-label="Evidence lead set"
          data-testid="evidence-select"
          value={chosenGone ? '' : choice.leadSetId}
          onChange={(e) => setChoice({ leadSetId: e.target.value })}
        >
          <option value="">
            {leadSets.data && sets.length === 0 ? 'No lead set has outcomes' : 'None'}
          </option>
          {sets.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({s.lead_count.toLocaleString()})
            </option>
          ))}
        </select>
      </label>
      <span className="small muted evidence-status" data-testid="evidence-status">
        {evidence.status === 'off' &&
          (chosenGone
            ? 'The chosen lead set is gone; choose another.'
            : 'How each rule’s leads converted.')}
        {evidence.status === 'loading' && 'Reading the leads…'}
        {evidence.status === 'error' && <span className="error">{evidence.message}</span>}
        {evidence.status === 'ready' && (
          <>
            {evidence.index.report.split.holdout.leads.toLocaleString()} leads, {evidence.judgedOn}{' '}
            · <Link to={`/workflows/${evidence.workflowId}/tune`}>Tune…</Link>
          </>
        )}
      </span>
    </div>
  );
}
