import { parseWorkflow } from '@accord/engine';
import { useQuery } from '@tanstack/react-query';
import { Tabs } from 'radix-ui';
import { useMemo } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useTRPC } from '../lib/trpc';
import { DraftScorecard } from '../pages/tuning/draft-scorecard';
import { useEvidenceChoice } from '../pages/tuning/evidence-choice';
import { SignalsPanel } from '../pages/tuning/signals-panel';
import { SplitControls } from '../pages/tuning/split-controls';
import { ThresholdExplorer } from '../pages/tuning/threshold-explorer';
import '../pages/tuning/tuning.css';

const TABS = [
  { id: 'signals', label: 'Signals' },
  { id: 'thresholds', label: 'Threshold explorer' },
  { id: 'draft', label: 'Draft a scorecard' },
] as const;
type TabId = (typeof TABS)[number]['id'];

/**
 * `/workflows/:workflowId/tune?tab=`: tune the draft on a lead set with outcomes — which fields
 * predict conversion, where to set a score's threshold, and a scorecard drafted from the data,
 * each fitted on one part of the set and judged on the other.
 */
export function TunePage() {
  const { workflowId = '' } = useParams();
  const trpc = useTRPC();
  const [search, setSearch] = useSearchParams();
  const tab: TabId = TABS.some((t) => t.id === search.get('tab'))
    ? (search.get('tab') as TabId)
    : 'signals';
  const workflow = useQuery(trpc.workflows.get.queryOptions({ workflowId }));
  const draft = useQuery(trpc.draft.get.queryOptions({ workflowId }));
  const doc = useMemo(() => {
    const parsed = draft.data ? parseWorkflow(draft.data.document) : undefined;
    return parsed?.ok ? parsed.workflow : undefined;
  }, [draft.data]);
  const [choice] = useEvidenceChoice(workflowId);
  const error = workflow.error ?? draft.error;
  return (
    <main className="page tune-page">
      <p className="crumbs small">
        <Link to="/workflows">Workflows</Link> /{' '}
        <Link to={`/workflows/${workflowId}`}>{workflow.data?.name ?? '…'}</Link>
      </p>
      <div className="page-head">
        <h1>Tune on outcomes</h1>
        <span className="muted small">
          Changes you apply here are edits of the draft: they show in the editor and the audit log,
          and go live only through a simulation and both teams’ sign-off.
        </span>
      </div>
      {error && <p className="error">{error.message}</p>}
      <SplitControls workflowId={workflowId} />
      {choice.leadSetId === '' ? (
        <div className="card empty-state" data-testid="tune-no-set">
          <p>
            <strong>Choose a lead set with outcomes</strong> (converted or not) to see which fields
            predict conversion.
          </p>
          <p className="muted small">
            Import an export with an outcome column on the <Link to="/lead-sets">Lead sets</Link>{' '}
            page, or generate sample leads with outcomes there.
          </p>
        </div>
      ) : (
        <Tabs.Root
          value={tab}
          onValueChange={(value) => setSearch({ tab: value }, { replace: true })}
          className="tune-tabs"
        >
          <Tabs.List className="tabs-list" aria-label="Tuning">
            {TABS.map((t) => (
              <Tabs.Trigger key={t.id} value={t.id} data-testid={`tune-tab-${t.id}`}>
                {t.label}
              </Tabs.Trigger>
            ))}
          </Tabs.List>
          <Tabs.Content value="signals">
            <SignalsPanel workflowId={workflowId} doc={doc} />
          </Tabs.Content>
          <Tabs.Content value="thresholds">
            <ThresholdExplorer workflowId={workflowId} />
          </Tabs.Content>
          <Tabs.Content value="draft">
            <DraftScorecard workflowId={workflowId} doc={doc} />
          </Tabs.Content>
        </Tabs.Root>
      )}
    </main>
  );
}
