import { useMutation } from '@tanstack/react-query';
import { Tabs } from 'radix-ui';
import { useState } from 'react';
import { leadFromJson } from '../../lib/lead-json';
import { useTRPC } from '../../lib/trpc';
import { LeadExplanation } from './lead-explanation';
import { sidesInput, type ReadyLeadSet, type SidesChoice } from './sides-choice';

/**
 * Quick test of one lead: the n-th lead of a lead set, or a pasted one, through the baseline and
 * the candidate chosen above; both explanations and both paths, without starting a run.
 */
export function QuickTest(props: {
  workflowId: string;
  sides: SidesChoice;
  leadSets: readonly ReadyLeadSet[];
  /** The lead set chosen (shared with the run form). */
  leadSetId: string;
  onLeadSet: (leadSetId: string) => void;
}) {
  const trpc = useTRPC();
  const [leadNumber, setLeadNumber] = useState(1);
  const [json, setJson] = useState('');
  const [jsonError, setJsonError] = useState<string | null>(null);
  const tryLead = useMutation(trpc.simulations.tryLead.mutationOptions());
  const chosenSet = props.leadSets.find((s) => s.id === props.leadSetId);
  const base = { workflowId: props.workflowId, ...sidesInput(props.sides) };
  const tried = tryLead.data;
  return (
    <section className="card quick-test" aria-label="Quick test of one lead">
      <h2>Quick test of one lead</h2>
      <p className="small muted">
        One lead through the baseline and the candidate chosen at the top, without starting a run,
        as of the day chosen there. Without one, a pasted lead is evaluated as of now (as the REST
        API does), a set's lead as of the set's own day (as a run does).
      </p>
      <Tabs.Root defaultValue="set">
        <Tabs.List className="segmented" aria-label="Where the lead comes from">
          <Tabs.Trigger value="set">From a lead set</Tabs.Trigger>
          <Tabs.Trigger value="json">Paste JSON</Tabs.Trigger>
        </Tabs.List>
        <Tabs.Content value="set">
          <form
            className="filters"
            onSubmit={(e) => {
              e.preventDefault();
              if (chosenSet)
                tryLead.mutate({ ...base, fromSet: { leadSetId: chosenSet.id, leadNumber } });
            }}
          >
            <label>
              Lead set
              <select value={chosenSet?.id ?? ''} onChange={(e) => props.onLeadSet(e.target.value)}>
                {!chosenSet && <option value="">No ready lead set</option>}
                {props.leadSets.map((s) => (
                  <option key={s.id} value={s.id}>
                    {s.name}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Lead number
              <input
                type="number"
                min={1}
                max={chosenSet?.lead_count}
                value={leadNumber}
                onChange={(e) => setLeadNumber(Math.max(1, Math.floor(Number(e.target.value))))}
              />
            </label>
            <button className="primary" type="submit" disabled={!chosenSet || tryLead.isPending}>
              Compare
            </button>
          </form>
        </Tabs.Content>
        <Tabs.Content value="json">
          <textarea
            className="code"
            rows={6}
            aria-label="Lead as JSON"
            value={json}
            placeholder='{"id": "l1", "attributes": {"email": "ann@acme.com"}, "events": []}'
            onChange={(e) => setJson(e.target.value)}
          />
          <button
            type="button"
            className="primary"
            disabled={tryLead.isPending}
            onClick={() => {
              const read = leadFromJson(json);
              if ('error' in read) return setJsonError(read.error);
              setJsonError(null);
              tryLead.mutate({ ...base, lead: read.lead });
            }}
          >
            Compare
          </button>
          {jsonError && (
            <p className="error small" role="alert">
              {jsonError}
            </p>
          )}
        </Tabs.Content>
      </Tabs.Root>
      {tryLead.error && (
        <p className="error" role="alert">
          {tryLead.error.message}
        </p>
      )}
      {tried && (
        <p className="small" data-testid="quick-test-as-of">
          Evaluated as of {new Date(tried.asOf).toISOString().slice(0, 16).replace('T', ' ')} UTC
        </p>
      )}
      {tried && tried.warnings.length > 0 && (
        <ul className="small muted" data-testid="quick-test-warnings">
          {tried.warnings.map((w) => (
            <li key={w.path}>
              lead.{w.path}: {w.message}
            </li>
          ))}
        </ul>
      )}
      {tried && (
        <LeadExplanation
          title={`Lead ${tried.lead.id}: ${
            tried.changed
              ? `${stageLabel(tried.baseline)} on the baseline, ${stageLabel(tried.candidate)} on the candidate`
              : `${stageLabel(tried.baseline)} on both sides`
          }`}
          baseline={tried.baseline}
          candidate={tried.candidate}
        />
      )}
    </section>
  );
}

/** A side's stage by its label in the document it ran ("MQL"), else its id. */
function stageLabel(side: {
  stage: string;
  document: { stages: { id: string; label: string }[] };
}) {
  return side.document.stages.find((s) => s.id === side.stage)?.label ?? side.stage;
}
