import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useTRPC } from '../lib/trpc';
import type { RouterOutputs } from '../lib/types';
import { CrmCall } from '../pages/crm-call';
import { formatTime } from '../pages/format';
import { GoLiveDialog, simulateAgainstLive } from '../pages/go-live-dialog';
import { usePermissions } from '../pages/use-permissions';
import { WarehouseView } from '../pages/warehouse-view';

type Version = RouterOutputs['versions']['list'][number];

/** Version history of one workflow: sign-off, publish, rollback and "what was live on D". */
export function VersionsPage() {
  const { workflowId = '' } = useParams();
  const trpc = useTRPC();
  const workflow = useQuery(trpc.workflows.get.queryOptions({ workflowId }));
  // Asked afresh on every visit: the publish gate changes with runs finished on the Simulate page.
  const versions = useQuery(trpc.versions.list.queryOptions({ workflowId }, { staleTime: 0 }));
  return (
    <main className="page">
      <p className="crumbs small">
        <Link to="/workflows">Workflows</Link> / {workflow.data?.name ?? '…'}
      </p>
      <div className="page-head">
        <h1>Versions{workflow.data ? ` of ${workflow.data.name}` : ''}</h1>
        <Link to={`/workflows/${workflowId}`}>Open the editor</Link>
        <Link to={`/workflows/${workflowId}/simulate`}>Simulate</Link>
      </div>
      <CrmCall workflowId={workflowId} />
      <WarehouseView workflowId={workflowId} />
      <LiveAt workflowId={workflowId} />
      {versions.isPending && <p className="muted">Loading…</p>}
      {versions.error && <p className="error">{versions.error.message}</p>}
      {versions.data?.length === 0 && (
        <p className="card muted">
          No versions yet. Propose one from the editor: it freezes the draft with a change note and
          asks marketing and sales to sign it off.
        </p>
      )}
      <ol className="timeline" aria-label="Versions">
        {versions.data?.map((v) => (
          <VersionCard
            key={v.id}
            version={v}
            live={versions.data.find((l) => l.status === 'published')}
            workflowId={workflowId}
          />
        ))}
      </ol>
    </main>
  );
}

function LiveAt({ workflowId }: { workflowId: string }) {
  const trpc = useTRPC();
  const [at, setAt] = useState('');
  const live = useQuery({
    ...trpc.versions.liveAt.queryOptions({
      workflowId,
      at: at ? new Date(at).toISOString() : '',
    }),
    enabled: !!at,
  });
  return (
    <section className="card live-at">
      <label className="inline">
        What was live on
        <input
          type="datetime-local"
          value={at}
          onChange={(e) => setAt(e.target.value)}
          aria-label="What was live on"
        />
      </label>
      <span data-testid="live-at-result">
        {!at && <span className="muted">Pick a date and time to see which version was live.</span>}
        {at && live.isPending && <span className="muted">Looking…</span>}
        {live.error && <span className="error">{live.error.message}</span>}
        {at && live.data === null && <span className="muted">Nothing was published yet then.</span>}
        {live.data && (
          <span>
            <strong>Version {live.data.number}</strong> was live:{' '}
            {live.data.kind === 'rollback' ? 'rolled back to' : 'published'} by{' '}
            {live.data.publishedBy} on {formatTime(live.data.published_at)}
            {live.data.reason ? <>: “{live.data.reason}”</> : '.'}
          </span>
        )}
      </span>
    </section>
  );
}

/** Approvals that count per team (not the author's own): the version is approved once both are there. */
function signOff(version: Version) {
  const counts = (role: string) => version.approvals.some((a) => a.counts && a.role === role);
  return { marketing: counts('marketing'), sales: counts('sales') };
}

function VersionCard(props: { version: Version; live: Version | undefined; workflowId: string }) {
  const { version, live, workflowId } = props;
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { me, can } = usePermissions();
  const [comment, setComment] = useState('');
  const [goingLive, setGoingLive] = useState<'publish' | 'rollback' | null>(null);
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.versions.list.queryKey({ workflowId }) });
  const decide = useMutation(trpc.versions.approve.mutationOptions({ onSuccess: refresh }));
  const reject = useMutation(trpc.versions.reject.mutationOptions({ onSuccess: refresh }));
  const error = decide.error ?? reject.error;
  const busy = decide.isPending || reject.isPending;
  const ownVersion = me?.id === version.author_id;
  const open = version.status === 'proposed' || version.status === 'approved';
  const mayDecide = open && can('versions.approve');
  const mine = version.approvals.find((a) => a.user_id === me?.id);
  const teams = signOff(version);
  const gate = version.publishGate;
  return (
    <li className="card version" data-testid={`version-${version.number}`}>
      <div className="version-head">
        <span className={`badge status-${version.status}`}>{version.status}</span>
        <h2>Version {version.number}</h2>
        <span className="muted">
          by {version.authorName} · {formatTime(version.created_at)}
        </span>
        <span className="spacer" />
        <Link to={`/workflows/${workflowId}/versions/${version.id}/agreement`}>Agreement</Link>
        {version.number > 1 && (
          <Link to={`/workflows/${workflowId}/versions/compare?b=${version.id}`}>Changes</Link>
        )}
        <Link to={`/workflows/${workflowId}/versions/${version.id}/view`}>Graph</Link>
        {live && live.id !== version.id && (
          <Link to={simulateAgainstLive(workflowId, version.id)}>Simulate against live</Link>
        )}
      </div>
      <p className="change-note">{version.change_note}</p>
      {version.publications.length > 0 && (
        <ul className="publications small" aria-label={`When version ${version.number} went live`}>
          {version.publications.map((p) => (
            <li key={p.id}>
              <strong>{p.kind === 'rollback' ? 'Live again (rollback)' : 'Published'}</strong> by{' '}
              {p.publishedByName} on {formatTime(p.published_at)}
              {p.reason ? <>: “{p.reason}”</> : ''}
            </li>
          ))}
        </ul>
      )}
      {open && (
        <p className="small signoff">
          Sign-off: <Tick ok={teams.marketing} label="marketing" />{' '}
          <Tick ok={teams.sales} label="sales" />
          <span className="muted"> — one approval from each team, not counting the author.</span>
        </p>
      )}
      {version.approvals.length > 0 && (
        <ul className="decisions">
          {version.approvals.map((a) => (
            <li key={a.id}>
              <span className={a.decision === 'reject' ? 'error' : a.counts ? 'ok' : 'muted'}>
                {a.decision === 'approve' ? '✓ Approved' : '✗ Rejected'}
              </span>{' '}
              by {a.userName} <span className={`role role-${a.role}`}>{a.role}</span>{' '}
              {a.decision === 'approve' && !a.counts && (
                <span className="muted small" data-testid="does-not-count">
                  does not count (
                  {a.user_id === me?.id ? 'you wrote this version' : 'the author’s own approval'})
                </span>
              )}{' '}
              <span className="muted small">{formatTime(a.created_at)}</span>
              {a.comment && <q>{a.comment}</q>}
            </li>
          ))}
        </ul>
      )}
      {mayDecide && !mine && (
        <div className="decide">
          {ownVersion && (
            <p className="small muted">
              You wrote this version: your approval is recorded but does not count; another{' '}
              {me?.role} member has to sign it off.
            </p>
          )}
          <textarea
            aria-label={`Comment on version ${version.number}`}
            placeholder="Comment (why you approve or what must change)"
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            rows={2}
          />
          <div className="row">
            <button
              className="primary"
              disabled={busy}
              onClick={() => decide.mutate({ versionId: version.id, comment })}
            >
              Approve
            </button>
            <button
              className="danger"
              disabled={busy}
              onClick={() => reject.mutate({ versionId: version.id, comment })}
            >
              Reject
            </button>
          </div>
        </div>
      )}
      {mayDecide && mine && (
        <p className="small muted">
          {mine.decision === 'reject'
            ? 'You rejected this version.'
            : mine.counts
              ? 'You have signed off on this version.'
              : `You approved your own version: recorded, but it does not count; another ${me?.role ?? ''} member has to sign it off.`}
        </p>
      )}
      {gate && !gate.simulated && (version.status === 'approved' || can('versions.publish')) && (
        <p className="small muted" data-testid="gate-hint">
          Not simulated against the live version {gate.liveVersionNumber} yet
          {gate.required ? ' (publishing needs it)' : ''}:{' '}
          <Link to={simulateAgainstLive(workflowId, version.id)}>simulate it now</Link>.
        </p>
      )}
      {version.status === 'approved' && can('versions.publish') && (
        <div className="row">
          <button className="primary" onClick={() => setGoingLive('publish')}>
            Publish version {version.number}
          </button>
        </div>
      )}
      {version.status === 'proposed' && can('versions.publish') && (
        <p className="small muted">Publishing opens once marketing and sales have both approved.</p>
      )}
      {version.status === 'superseded' && can('versions.rollback') && (
        <div className="row">
          <button onClick={() => setGoingLive('rollback')}>
            Roll back to version {version.number}
          </button>
        </div>
      )}
      {goingLive && (
        <GoLiveDialog
          workflowId={workflowId}
          kind={goingLive}
          version={version}
          live={live}
          open
          onOpenChange={(isOpen) => {
            if (!isOpen) setGoingLive(null);
          }}
        />
      )}
      {error && (
        <p className="error" role="alert">
          {error.message}
        </p>
      )}
    </li>
  );
}

function Tick({ ok, label }: { ok: boolean; label: string }) {
  return <span className={ok ? 'ok' : 'muted'}>{ok ? `✓ ${label}` : `○ ${label}`}</span>;
}
