import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTRPC } from '../../lib/trpc';
import { HOLDOUT_SHARES, useEvidenceChoice } from './evidence-choice';
import { percent } from './format';

/**
 * The lead set the page judges on and how it is split: suggestions are fitted on one part and
 * judged on the held-out other. The same choice drives the editor's evidence.
 */
export function SplitControls({ workflowId }: { workflowId: string }) {
  const trpc = useTRPC();
  const [choice, setChoice] = useEvidenceChoice(workflowId);
  const leadSets = useQuery(trpc.leadSets.list.queryOptions());
  const sets =
    leadSets.data?.filter((s) => s.status === 'ready' && s.has_outcomes && s.lead_count > 0) ?? [];
  // The seed is typed freely and stored once it is a whole number.
  const [seedText, setSeedText] = useState(String(choice.seed));
  useEffect(() => setSeedText(String(choice.seed)), [choice.seed]);
  const seedOk = /^\d{1,9}$/.test(seedText);
  const enabled = choice.leadSetId !== '';
  const summary = useQuery(
    trpc.tuning.evidence.queryOptions(
      {
        workflowId,
        side: 'draft',
        leadSetId: choice.leadSetId,
        seed: choice.seed,
        holdoutShare: choice.holdoutShare,
      },
      { enabled, staleTime: 60_000 },
    ),
  );
  const split = summary.data?.split;
  const held = Math.round(choice.holdoutShare * 100);
  return (
    <form
      className="card filters split-controls"
      aria-label="Lead set and split"
      onSubmit={(e) => e.preventDefault()}
    >
      <label>
        Lead set with outcomes
        <select
          aria-label="Lead set with outcomes"
          value={sets.some((s) => s.id === choice.leadSetId) ? choice.leadSetId : ''}
          onChange={(e) => setChoice({ leadSetId: e.target.value })}
        >
          <option value="">
            {leadSets.data && sets.length === 0 ? 'No lead set has outcomes' : 'Choose a lead set'}
          </option>
          {sets.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({s.lead_count.toLocaleString()} leads)
            </option>
          ))}
        </select>
      </label>
      <label title="Which leads are held out is a hash of each lead's id and this seed: the same seed gives the same parts.">
        Seed
        <input
          className="narrow"
          inputMode="numeric"
          aria-label="Seed"
          aria-invalid={!seedOk}
          value={seedText}
          onChange={(e) => {
            setSeedText(e.target.value);
            if (/^\d{1,9}$/.test(e.target.value)) setChoice({ seed: Number(e.target.value) });
          }}
        />
      </label>
      <label>
        Held out
        <select
          aria-label="Held-out share"
          value={choice.holdoutShare}
          onChange={(e) => setChoice({ holdoutShare: Number(e.target.value) })}
        >
          {HOLDOUT_SHARES.map((share) => (
            <option key={share} value={share}>
              {Math.round(share * 100)}%
            </option>
          ))}
        </select>
      </label>
      <p className="small split-note" data-testid="split-note">
        {!seedOk && <span className="error">The seed is a whole number (0–999,999,999). </span>}
        Suggestions are <strong>fitted on {100 - held}%</strong> of the leads and{' '}
        <strong>judged on the held-out {held}%</strong> (seed {choice.seed}), so tuning cannot fool
        itself.
        {split && (
          <>
            {' '}
            {split.fit.leads.toLocaleString()} fitted ({percent(split.fit.baseRate)} converted),{' '}
            {split.holdout.leads.toLocaleString()} held out ({percent(split.holdout.baseRate)}{' '}
            converted)
            {split.withoutOutcome > 0 &&
              `; ${split.withoutOutcome.toLocaleString()} without an outcome left out`}
            .
          </>
        )}
        {summary.error && <span className="error"> {summary.error.message}</span>}
      </p>
    </form>
  );
}
