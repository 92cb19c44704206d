import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useParams } from 'react-router';
import { useTRPC } from '../lib/trpc';
import type { RouterOutputs } from '../lib/types';
import { CrmCall } from '../pages/crm-call';
import { formatTime } from '../pages/format';
import { usePermissions } from '../pages/use-permissions';

type Version = RouterOutputs['versions']['list'][number];

/** Version history of one workflow: sign-off, publish, rollback and "what was live on D". */
export function VersionsPage() {
  const { workflowId = '' } = useParams();
  const trpc = useTRPC();
  const workflow = useQuery(trpc.workflows.get.queryOptions({ workflowId }));
  const versions = useQuery(trpc.versions.list.queryOptions({ workflowId }));
  return (
    <main className="page">
      <p className="crumbs small">
        <Link to="/workflows">Workflows</Link> / {workflow.data?.name ?? '…'}
      </p>
      <div className="page-head">
        <h1>Versions{workflow.data ? ` of ${workflow.data.name}` : ''}</h1>
        <Link to={`/workflows/${workflowId}`}>Open the editor</Link>
      </div>
      <CrmCall workflowId={workflowId} />
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
          <VersionCard key={v.id} version={v} workflowId={workflowId} />
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
            {live.data.publishedBy} on {formatTime(live.data.published_at)}.
          </span>
        )}
      </span>
    </section>
  );
}

/** Non-author approvals per team: the version is approved once both are there. */
function signOff(version: Version) {
  const counts = (role: string) =>
    version.approvals.some(
      (a) => a.decision === 'approve' && a.role === role && a.user_id !== version.author_id,
    );
  return { marketing: counts('marketing'), sales: counts('sales') };
}

function VersionCard({ version, workflowId }: { version: Version; workflowId: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { me, can } = usePermissions();
  const [comment, setComment] = useState('');
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.versions.list.queryKey({ workflowId }) }),
      queryClient.invalidateQueries({ queryKey: trpc.versions.liveAt.pathKey() }),
    ]);
  const decide = useMutation(trpc.versions.approve.mutationOptions({ onSuccess: refresh }));
  const reject = useMutation(trpc.versions.reject.mutationOptions({ onSuccess: refresh }));
  const publish = useMutation(trpc.versions.publish.mutationOptions({ onSuccess: refresh }));
  const rollback = useMutation(trpc.versions.rollback.mutationOptions({ onSuccess: refresh }));
  const error = decide.error ?? reject.error ?? publish.error ?? rollback.error;
  const busy = decide.isPending || reject.isPending || publish.isPending || rollback.isPending;
  const ownVersion = me?.id === version.author_id;
  const open = version.status === 'proposed' || version.status === 'approved';
  const mayDecide = open && can('versions.approve');
  const alreadyDecided = version.approvals.some((a) => a.user_id === me?.id);
  const teams = signOff(version);
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
      </div>
      <p className="change-note">{version.change_note}</p>
      {version.published_at && (
        <p className="small muted">Published {formatTime(version.published_at)}</p>
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
              <span className={a.decision === 'approve' ? 'ok' : 'error'}>
                {a.decision === 'approve' ? '✓ Approved' : '✗ Rejected'}
              </span>{' '}
              by {a.userName} <span className={`role role-${a.role}`}>{a.role}</span>{' '}
              <span className="muted small">{formatTime(a.created_at)}</span>
              {a.comment && <q>{a.comment}</q>}
            </li>
          ))}
        </ul>
      )}
      {mayDecide && !alreadyDecided && (
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
      {mayDecide && alreadyDecided && (
        <p className="small muted">You have signed off on this version.</p>
      )}
      {version.status === 'approved' && can('versions.publish') && (
        <div className="row">
          <button
            className="primary"
            disabled={busy}
            onClick={() => publish.mutate({ versionId: version.id })}
          >
            Publish version {version.number}
          </button>
        </div>
      )}
      {version.status === 'proposed' && can('versions.publish') && (
        <p className="small muted">Publishing opens once marketing and sales have both approved.</p>
      )}
      {version.status === 'superseded' && can('versions.rollback') && (
        <div className="row">
          <button disabled={busy} onClick={() => rollback.mutate({ versionId: version.id })}>
            Roll back to version {version.number}
          </button>
        </div>
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
