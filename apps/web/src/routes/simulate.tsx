import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { Link, useParams, useSearchParams } from 'react-router';
import { useTRPC } from '../lib/trpc';
import { formatTime } from '../pages/format';
import { ChangedLeads } from '../pages/simulate/changed-leads';
import {
  FunnelChart,
  OutcomeMetrics,
  RuleCoverage,
  ScoreHistogram,
  TransitionMatrix,
  type MatrixCell,
  type SimulationResult,
} from '../pages/simulate/results';
import { QuickTest } from '../pages/simulate/quick-test';
import { useCoverageEvidence } from '../pages/simulate/use-coverage-evidence';
import type { RouterInputs, RouterOutputs } from '../lib/types';
import { sidesInput, type ReadyLeadSet, type SidesChoice } from '../pages/simulate/sides-choice';
import { usePermissions } from '../pages/use-permissions';
import { VersionSelect } from '../pages/version-select';

/**
 * The sides a link asked for: `?candidate=<versionId>|draft&baseline=live|<versionId>` (e.g.
 * "Simulate against live" on the versions page preselects that version against the live one);
 * without them the draft against the published version.
 */
function sidesFromSearch(search: URLSearchParams): SidesChoice {
  const baseline = search.get('baseline');
  return {
    baseline: !baseline || baseline === 'live' || baseline === 'published' ? 'published' : baseline,
    candidate: search.get('candidate') || 'draft',
    asOf: '',
  };
}

/**
 * `/workflows/:workflowId/simulate?run=&candidate=&baseline=&leadSet=`: run a candidate (a
 * version or the draft) against a baseline on a lead set, and read the comparison.
 */
export function SimulatePage() {
  const { workflowId = '' } = useParams();
  const trpc = useTRPC();
  const [search, setSearch] = useSearchParams();
  const runId = search.get('run') ?? '';
  const workflow = useQuery(trpc.workflows.get.queryOptions({ workflowId }));
  const runs = useQuery({
    ...trpc.simulations.list.queryOptions({ workflowId }),
    refetchInterval: (q) =>
      q.state.data?.some((r) => r.status === 'queued' || r.status === 'running') ? 1000 : false,
  });
  const { can } = usePermissions();
  const openRun = (id: string) => setSearch(id ? { run: id } : {});
  const [sides, setSides] = useState<SidesChoice>(() => sidesFromSearch(search));
  const leadSets = useQuery(trpc.leadSets.list.queryOptions());
  const ready = leadSets.data?.filter((s) => s.status === 'ready' && s.lead_count > 0) ?? [];
  // One lead set for the run and the quick test: a lead's number means the same in both.
  const [leadSetId, setLeadSetId] = useState(() => search.get('leadSet') ?? '');
  const chosenSet = ready.some((s) => s.id === leadSetId) ? leadSetId : (ready[0]?.id ?? '');
  return (
    <main className="page">
      <p className="crumbs small">
        <Link to="/workflows">Workflows</Link> /{' '}
        <Link to={`/workflows/${workflowId}/versions`}>{workflow.data?.name ?? '…'}</Link>
      </p>
      <div className="page-head">
        <h1>Simulate</h1>
        <label className="inline">
          Run
          <select value={runId} onChange={(e) => openRun(e.target.value)} aria-label="Open a run">
            <option value="">{runs.data?.length ? 'Pick an earlier run' : 'No runs yet'}</option>
            {runs.data?.map((r) => (
              <option key={r.id} value={r.id}>
                {formatTime(r.createdAt)} · v{r.baseline.number} vs{' '}
                {r.candidate.number ? `v${r.candidate.number}` : 'draft'} · {r.leadSet.name} ·{' '}
                {r.status}
              </option>
            ))}
          </select>
        </label>
      </div>
      {can('simulations.start') ? (
        <StartRun
          workflowId={workflowId}
          sides={sides}
          onSides={setSides}
          ready={ready}
          leadSetId={chosenSet}
          onLeadSet={setLeadSetId}
          loaded={!!leadSets.data}
          onStarted={openRun}
        />
      ) : (
        <>
          <p className="muted">Ops and admins start simulations; you can open earlier runs.</p>
          {can('simulations.tryLead') && (
            <div className="card filters" aria-label="Sides to compare">
              <SidesFields workflowId={workflowId} sides={sides} onSides={setSides} />
            </div>
          )}
        </>
      )}
      {runId && <Run runId={runId} />}
      {can('simulations.tryLead') && (
        <QuickTest
          workflowId={workflowId}
          sides={sides}
          leadSets={ready}
          leadSetId={chosenSet}
          onLeadSet={setLeadSetId}
        />
      )}
    </main>
  );
}

/** Baseline, candidate and the day to evaluate as of: what a run and a quick test compare. */
function SidesFields(props: {
  workflowId: string;
  sides: SidesChoice;
  onSides: (sides: SidesChoice) => void;
}) {
  const trpc = useTRPC();
  const versions = useQuery(trpc.versions.list.queryOptions({ workflowId: props.workflowId }));
  const { sides, onSides } = props;
  return (
    <>
      <VersionSelect
        label="Baseline"
        value={sides.baseline}
        versions={versions.data}
        onChange={(baseline) => onSides({ ...sides, baseline })}
      >
        <option value="published">The published version</option>
      </VersionSelect>
      <VersionSelect
        label="Candidate"
        value={sides.candidate}
        versions={versions.data}
        onChange={(candidate) => onSides({ ...sides, candidate })}
      >
        <option value="draft">The current draft</option>
      </VersionSelect>
      <label title="Event windows and decay count back from this day. Empty: the day a generated set's histories end, else today.">
        As of
        <input
          type="date"
          value={sides.asOf}
          onChange={(e) => onSides({ ...sides, asOf: e.target.value })}
          aria-label="As of"
        />
      </label>
    </>
  );
}

type RunPath = RouterInputs['simulations']['start']['path'] & string;

/** Where a run may go, in words (the API's `path`). */
const RUN_PATHS: Record<RunPath, string> = {
  auto: 'Automatic',
  sql: 'In the database (PostgreSQL)',
  workers: 'Worker threads',
};

function StartRun(props: {
  workflowId: string;
  sides: SidesChoice;
  onSides: (sides: SidesChoice) => void;
  ready: readonly ReadyLeadSet[];
  leadSetId: string;
  onLeadSet: (leadSetId: string) => void;
  loaded: boolean;
  onStarted: (runId: string) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { ready, leadSetId: chosenSet } = props;
  const [path, setPath] = useState<RunPath>('auto');
  const start = useMutation(
    trpc.simulations.start.mutationOptions({
      onSuccess: async (run) => {
        await queryClient.invalidateQueries({ queryKey: trpc.simulations.list.pathKey() });
        props.onStarted(run.runId);
      },
    }),
  );
  return (
    <form
      className="card filters"
      aria-label="New simulation"
      onSubmit={(e) => {
        e.preventDefault();
        start.mutate({
          workflowId: props.workflowId,
          ...sidesInput(props.sides),
          leadSetId: chosenSet,
          path,
        });
      }}
    >
      <SidesFields workflowId={props.workflowId} sides={props.sides} onSides={props.onSides} />
      <label>
        Lead set
        <select value={chosenSet} onChange={(e) => props.onLeadSet(e.target.value)}>
          {ready.length === 0 && <option value="">No ready lead set</option>}
          {ready.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({s.lead_count.toLocaleString()} leads)
            </option>
          ))}
        </select>
      </label>
      <label title="In the database: on PostgreSQL the comparison runs as SQL where the leads are stored (they never leave it). Automatic uses the database for large sets it has typed for it (ACCORD_SQL_SIMULATION_MIN_LEADS, 1,000,000 leads by default), and the worker threads otherwise.">
        Run in
        <select value={path} onChange={(e) => setPath(e.target.value as RunPath)}>
          {Object.entries(RUN_PATHS).map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <button className="primary" type="submit" disabled={!chosenSet || start.isPending}>
        Run simulation
      </button>
      {props.loaded && ready.length === 0 && (
        <p className="small muted">
          Generate sample leads or upload a file on the <Link to="/lead-sets">Lead sets</Link> page
          first.
        </p>
      )}
      {start.error && (
        <p className="error" role="alert">
          {start.error.message}
        </p>
      )}
    </form>
  );
}

function Run({ runId }: { runId: string }) {
  const trpc = useTRPC();
  const run = useQuery({
    ...trpc.simulations.get.queryOptions({ runId }),
    refetchInterval: (query) => {
      const status = query.state.data?.status;
      return status === 'queued' || status === 'running' ? 500 : false;
    },
  });
  const cancel = useMutation(trpc.simulations.cancel.mutationOptions());
  const { can } = usePermissions();
  // A finished run may open a version's publish gate: pages showing it must not keep the old one.
  const queryClient = useQueryClient();
  const finished = run.data?.status === 'done';
  useEffect(() => {
    if (!finished) return;
    void queryClient.invalidateQueries({ queryKey: trpc.versions.list.pathKey() });
    // The run picker says the run is done at once, not at its next poll.
    void queryClient.invalidateQueries({ queryKey: trpc.simulations.list.pathKey() });
  }, [finished, queryClient, trpc]);
  if (run.error) return <p className="error">{run.error.message}</p>;
  if (!run.data) return <p className="muted">Loading the run…</p>;
  const r = run.data;
  const sides = `Version ${r.baseline.number} (baseline) vs ${
    r.candidate.number
      ? `version ${r.candidate.number}`
      : `draft revision ${r.candidate.draftRevision}`
  } (candidate) on ${r.leadSet.name}, ${r.leadCount.toLocaleString()} leads, as of ${formatTime(r.asOf)}`;
  return (
    <section className="run" data-testid="run">
      <p className="muted">
        {sides}
        {r.result?.ranIn === 'database' ? ', run inside the database' : ''}.
      </p>
      {(r.status === 'queued' || r.status === 'running') && (
        <div className="row">
          <progress max={1} value={r.progress} aria-label="Progress" />
          <span>{Math.round(r.progress * 100)}%</span>
          {can('simulations.cancel') && (
            <button onClick={() => cancel.mutate({ runId })} disabled={cancel.isPending}>
              Cancel
            </button>
          )}
        </div>
      )}
      {r.status === 'failed' && <p className="error">The run failed: {r.error}</p>}
      {r.status === 'cancelled' && <p className="muted">This run was cancelled.</p>}
      {r.status === 'done' && r.result && <Results runId={runId} run={r} result={r.result} />}
    </section>
  );
}

function Results({
  runId,
  run,
  result,
}: {
  runId: string;
  run: RouterOutputs['simulations']['get'];
  result: SimulationResult;
}) {
  const [cell, setCell] = useState<MatrixCell>(null);
  const evidence = useCoverageEvidence(run, result.outcomes !== null);
  const labels = new Map(result.stages.map((s) => [s.id, s.label]));
  const stageLabel = (id: string) => labels.get(id) ?? id;
  return (
    <div className="results">
      <div className="grid-2">
        <section className="card">
          <h2>Funnel</h2>
          <FunnelChart result={result} />
        </section>
        <section className="card">
          <h2>Transition matrix</h2>
          <p className="small muted">
            {result.changed.total.toLocaleString()} of {result.leads.toLocaleString()} leads change
            stage. Click a red cell to list its leads.
          </p>
          <TransitionMatrix result={result} selected={cell} onSelect={setCell} />
        </section>
      </div>
      <section className="card">
        <div className="row">
          <h2>Changed leads</h2>
          {cell && (
            <button onClick={() => setCell(null)}>
              Show all (now {stageLabel(cell.from)} → {stageLabel(cell.to)})
            </button>
          )}
        </div>
        <ChangedLeads runId={runId} cell={cell} stageLabel={stageLabel} />
      </section>
      <div className="grid-2">
        {Object.entries(result.histograms).map(([score, bins]) => (
          <section className="card" key={score}>
            <h2>Score: {score}</h2>
            <ScoreHistogram bins={bins} />
          </section>
        ))}
      </div>
      <div className="grid-2">
        <section className="card">
          <h2>Outcomes</h2>
          <OutcomeMetrics result={result} />
        </section>
        <section className="card">
          <h2>Rule coverage</h2>
          <RuleCoverage result={result} evidence={evidence} />
        </section>
      </div>
    </div>
  );
}
