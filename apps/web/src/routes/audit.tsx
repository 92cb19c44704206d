import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useTRPC } from '../lib/trpc';
import type { RouterOutputs } from '../lib/types';
import { AuditChange } from '../pages/audit-change';
import { CursorPager, useCursorPages } from '../pages/cursor-pager';
import { DataTable } from '../pages/data-table';
import { downloadText, formatTime } from '../pages/format';

type AuditEvent = RouterOutputs['audit']['list'][number];

interface Filters {
  action: string;
  workflowId: string;
  from: string;
  to: string;
}

const PAGE_SIZE = 50;
const NO_FILTERS: Filters = { action: '', workflowId: '', from: '', to: '' };

/** The filters as the API reads them: empty fields left out, dates as whole days. */
function toInput(filters: Filters) {
  return {
    ...(filters.action && { action: filters.action }),
    ...(filters.workflowId && { workflowId: filters.workflowId }),
    ...(filters.from && { from: new Date(`${filters.from}T00:00:00`).toISOString() }),
    ...(filters.to && { to: new Date(`${filters.to}T23:59:59.999`).toISOString() }),
  };
}

/** The audit log: filter, page back in time, verify the hash chain, export. */
export function AuditPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  // Ids the pages start before: [] is the newest page; "older" pushes the last id shown.
  const pages = useCursorPages<number>();
  const beforeId = pages.before;
  const input = toInput(filters);
  const events = useQuery(
    trpc.audit.list.queryOptions({
      ...input,
      limit: PAGE_SIZE,
      ...(beforeId && { beforeId }),
    }),
  );
  const workflows = useQuery(trpc.workflows.list.queryOptions({ includeArchived: true }));
  const workflowNames = useMemo(
    () => new Map(workflows.data?.map((w) => [w.id, w.name])),
    [workflows.data],
  );
  const verify = useQuery({ ...trpc.audit.verify.queryOptions(), enabled: false });
  const [exportError, setExportError] = useState<string | null>(null);
  const [seenActions, setSeenActions] = useState<string[]>([]);
  const actionsOnPage = events.data?.map((e) => e.action) ?? [];
  if (actionsOnPage.some((a) => !seenActions.includes(a)))
    setSeenActions([...new Set([...seenActions, ...actionsOnPage])].sort());

  const change = (patch: Partial<Filters>) => {
    setFilters({ ...filters, ...patch });
    pages.reset();
  };

  const exportAs = async (format: 'csv' | 'json') => {
    setExportError(null);
    try {
      const result = await queryClient.fetchQuery(
        trpc.audit.export.queryOptions({ ...input, format }),
      );
      const stamp = new Date().toISOString().slice(0, 19).replaceAll(':', '-');
      downloadText(
        result.text,
        `accord-audit-${stamp}.${format}`,
        format === 'csv' ? 'text/csv' : 'application/json',
      );
    } catch (error) {
      setExportError((error as Error).message);
    }
  };

  const filtered = Object.values(filters).some(Boolean);
  return (
    <main className="page">
      <div className="page-head">
        <h1>Audit log</h1>
        <button onClick={() => void verify.refetch()} disabled={verify.isFetching}>
          {verify.isFetching ? 'Verifying…' : 'Verify chain'}
        </button>
        <button onClick={() => void exportAs('csv')}>Export CSV</button>
        <button onClick={() => void exportAs('json')}>Export JSON</button>
      </div>
      <div data-testid="verify-result" aria-live="polite">
        {verify.error && <p className="error">{verify.error.message}</p>}
        {verify.data?.ok === true && (
          <p className="card verify ok">
            ✓ The chain is intact: all {verify.data.events.toLocaleString()} events link to the one
            before them and match their hashes.
          </p>
        )}
        {verify.data?.ok === false && (
          <p className="card verify error" role="alert">
            ✗ The chain is broken
            {verify.data.brokenEventId === null
              ? ''
              : ` at event ${verify.data.brokenEventId}`}: {verify.data.reason}.{' '}
            {verify.data.events - (verify.data.brokenEventId === null ? 0 : 1)} of your events
            before it check out.
          </p>
        )}
      </div>
      {exportError && (
        <p className="error" role="alert">
          Export failed: {exportError}
        </p>
      )}
      <form
        className="filters card audit-filters"
        onSubmit={(e) => e.preventDefault()}
        aria-label="Filters"
      >
        <label>
          Action
          <input
            list="audit-actions"
            value={filters.action}
            placeholder="any, e.g. version.publish"
            onChange={(e) => change({ action: e.target.value.trim() })}
          />
          <datalist id="audit-actions">
            {seenActions.map((a) => (
              <option key={a} value={a} />
            ))}
          </datalist>
        </label>
        <label>
          Workflow
          <select
            value={filters.workflowId}
            onChange={(e) => change({ workflowId: e.target.value })}
          >
            <option value="">Any workflow</option>
            {workflows.data?.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          From
          <input
            type="date"
            value={filters.from}
            onChange={(e) => change({ from: e.target.value })}
          />
        </label>
        <label>
          To
          <input type="date" value={filters.to} onChange={(e) => change({ to: e.target.value })} />
        </label>
        <button type="button" disabled={!filtered} onClick={() => change(NO_FILTERS)}>
          Clear filters
        </button>
      </form>
      {events.error && <p className="error">{events.error.message}</p>}
      {events.isPending && <p className="muted">Loading…</p>}
      {events.data?.length === 0 && (
        <p className="card muted">
          {filtered
            ? 'No events match these filters. Widen the dates or clear the filters.'
            : 'No events yet. Every change (saves, proposals, sign-offs, publishes) is logged here.'}
        </p>
      )}
      {!!events.data?.length && (
        // Fixed column widths: long names, actions and changes wrap inside the card, never past it.
        <section className="card audit-events" data-testid="audit-card">
          <DataTable
            label="Audit events"
            columns={['#', 'Time', 'Actor', 'Action', 'Workflow', 'Change']}
          >
            {events.data.map((e) => (
              <EventRow
                key={e.id}
                event={e}
                workflowName={workflowNames.get(e.workflow_id ?? '')}
              />
            ))}
          </DataTable>
        </section>
      )}
      <CursorPager
        pages={pages}
        olderFrom={events.data?.length === PAGE_SIZE ? events.data.at(-1)!.id : undefined}
        newestLabel="Newest events"
      />
    </main>
  );
}

function EventRow({ event, workflowName }: { event: AuditEvent; workflowName?: string }) {
  const entity = `${event.entity_type} ${event.entity_id}`;
  return (
    <tr>
      <td className="muted">{event.id}</td>
      <td>{formatTime(event.at)}</td>
      <td>
        <ActorLabel label={event.actor_label} />
      </td>
      <td>
        <code className="audit-action">{event.action}</code>
        <span className="muted small clip" title={entity}>
          {event.entity_type} {event.entity_id.slice(0, 8)}
        </span>
      </td>
      <td>
        {event.workflow_id && (
          <Link
            to={`/workflows/${event.workflow_id}/versions`}
            className="clip"
            title={workflowName}
          >
            {workflowName ?? event.workflow_id.slice(0, 8)}
          </Link>
        )}
      </td>
      <td>
        <AuditChange event={event} />
      </td>
    </tr>
  );
}

/** "Name <email> (role)" as the name, with the email and role below it, clipped. */
function ActorLabel({ label }: { label: string }) {
  const at = label.indexOf(' <');
  if (at < 0) return label;
  const rest = label.slice(at + 1);
  return (
    <>
      {label.slice(0, at)}
      <span className="muted small clip" title={rest}>
        {rest}
      </span>
    </>
  );
}
