import type { Lead } from '@accord/engine';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useTRPC } from '../lib/trpc';
import { DataTable } from '../pages/data-table';
import { formatTime } from '../pages/format';
import { CopyLeadSetDialog } from '../pages/lead-sets/copy-dialog';
import { ImportPanel } from '../pages/lead-sets/import-panel';
import { outcomeText } from '../pages/lead-sets/outcome-text';
import { usePermissions } from '../pages/use-permissions';

const PAGE = 25;

/** Lead sets: list, generate sample leads, upload a file, copy a set, browse the leads of one set. */
export function LeadSetsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = usePermissions();
  const sets = useQuery({
    ...trpc.leadSets.list.queryOptions(),
    refetchInterval: (q) => (q.state.data?.some((s) => s.status === 'loading') ? 1000 : false),
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.leadSets.list.queryKey() });
  const [browsing, setBrowsing] = useState<string | null>(null);
  const [copying, setCopying] = useState<{ id: string; name: string } | null>(null);
  const remove = useMutation(trpc.leadSets.delete.mutationOptions({ onSuccess: refresh }));
  return (
    <main className="page">
      <h1>Lead sets</h1>
      <p className="muted">
        Sample leads that simulations run through two versions of a workflow side by side.
      </p>
      {sets.error && <p className="error">{sets.error.message}</p>}
      {sets.data?.length === 0 && (
        <p className="card muted">
          No lead sets yet.{' '}
          {can('leadSets.generate')
            ? 'Generate sample leads below or upload a CSV or JSON export from your CRM.'
            : 'Ops or an admin can generate sample leads or upload a file.'}
        </p>
      )}
      {!!sets.data?.length && (
        <DataTable
          label="Lead sets"
          columns={['Name', 'Leads', 'Outcomes', 'Status', 'Created', '']}
        >
          {sets.data.map((s) => (
            <tr key={s.id}>
              <td>{s.name}</td>
              <td>{s.lead_count.toLocaleString()}</td>
              <td>{s.has_outcomes ? 'yes' : '—'}</td>
              <td>
                {s.status}
                {s.typedForDatabase && (
                  <span
                    className="small muted"
                    title="Simulations inside PostgreSQL read a typed copy of this set (made once after it loaded): several times faster than reading its stored JSON."
                  >
                    {' '}
                    · typed for the database
                  </span>
                )}
              </td>
              <td className="muted">{formatTime(s.created_at)}</td>
              <td className="row">
                {s.status === 'ready' && s.lead_count > 0 && <SimulateWithSet leadSetId={s.id} />}
                <button onClick={() => setBrowsing(browsing === s.id ? null : s.id)}>
                  {browsing === s.id ? 'Hide leads' : 'Browse'}
                </button>
                {can('leadSets.copy') && s.status === 'ready' && (
                  <button onClick={() => setCopying({ id: s.id, name: s.name })}>Copy</button>
                )}
                {can('leadSets.delete') && (
                  <button
                    disabled={remove.isPending}
                    onClick={() => {
                      if (confirm(`Delete ${s.name}?`)) remove.mutate({ leadSetId: s.id });
                    }}
                  >
                    Delete
                  </button>
                )}
              </td>
            </tr>
          ))}
        </DataTable>
      )}
      {remove.error && <p className="error">{remove.error.message}</p>}
      <CopyLeadSetDialog from={copying} onClose={() => setCopying(null)} onCopied={refresh} />
      {browsing && <BrowseLeads leadSetId={browsing} />}
      {can('leadSets.generate') && <Generate onDone={refresh} />}
      {can('leadSets.import') && <ImportPanel onImported={refresh} />}
    </main>
  );
}

/**
 * "Simulate with this set": the Simulate page of a workflow with this set chosen (a link when
 * the workspace has one workflow, a choice of workflow otherwise).
 */
function SimulateWithSet({ leadSetId }: { leadSetId: string }) {
  const trpc = useTRPC();
  const navigate = useNavigate();
  const workflows = useQuery(trpc.workflows.list.queryOptions({}));
  const to = (workflowId: string) => `/workflows/${workflowId}/simulate?leadSet=${leadSetId}`;
  if (!workflows.data?.length) return null;
  if (workflows.data.length === 1)
    return (
      <Link className="button" to={to(workflows.data[0]!.id)}>
        Simulate with this set
      </Link>
    );
  return (
    <select
      aria-label="Simulate with this set"
      value=""
      onChange={(e) => {
        if (e.target.value) void navigate(to(e.target.value));
      }}
    >
      <option value="">Simulate with this set…</option>
      {workflows.data.map((w) => (
        <option key={w.id} value={w.id}>
          {w.name}
        </option>
      ))}
    </select>
  );
}

function Generate({ onDone }: { onDone: () => Promise<void> }) {
  const trpc = useTRPC();
  const [form, setForm] = useState({
    name: 'Sample leads',
    count: 10_000,
    seed: 1,
    outcome: 'realistic' as 'realistic' | 'model',
  });
  const generate = useMutation(trpc.leadSets.generate.mutationOptions({ onSuccess: onDone }));
  return (
    <form
      className="card create-form"
      aria-label="Generate sample leads"
      onSubmit={(e) => {
        e.preventDefault();
        generate.mutate(form);
      }}
    >
      <h2>Generate sample leads</h2>
      <div className="row">
        <label>
          Name
          <input
            required
            value={form.name}
            onChange={(e) => setForm({ ...form, name: e.target.value })}
          />
        </label>
        <label>
          How many
          <input
            type="number"
            min={1}
            max={1_000_000}
            value={form.count}
            onChange={(e) => setForm({ ...form, count: Number(e.target.value) })}
          />
        </label>
        <label>
          Seed
          <input
            type="number"
            value={form.seed}
            onChange={(e) => setForm({ ...form, seed: Number(e.target.value) })}
          />
        </label>
        <label title="Realistic: outcomes follow each lead's hidden intent and fit. Known model: outcomes drawn from a documented logistic model of a few fields, plus noise fields that carry nothing, to check what tuning finds.">
          Outcomes
          <select
            value={form.outcome}
            onChange={(e) => setForm({ ...form, outcome: e.target.value as 'realistic' | 'model' })}
          >
            <option value="realistic">Realistic</option>
            <option value="model">From a known model</option>
          </select>
        </label>
        <button className="primary" type="submit" disabled={generate.isPending}>
          {generate.isPending ? 'Generating…' : 'Generate'}
        </button>
      </div>
      <p className="small muted">The same seed always gives the same leads, with outcomes.</p>
      {generate.error && <p className="error">{generate.error.message}</p>}
    </form>
  );
}

function BrowseLeads({ leadSetId }: { leadSetId: string }) {
  const trpc = useTRPC();
  const [offset, setOffset] = useState(0);
  const leads = useQuery(trpc.leadSets.leads.queryOptions({ leadSetId, offset, limit: PAGE }));
  const total = leads.data?.total ?? 0;
  // Stored leads passed the engine's lead schema on the way in.
  const rows = (leads.data?.leads ?? []).map((r) => ({ ...r, lead: r.lead as Lead }));
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r.lead.attributes)))].slice(0, 7);
  return (
    <section className="card browse">
      <h2>Leads {total > 0 && <span className="muted">({total.toLocaleString()})</span>}</h2>
      {leads.error && <p className="error">{leads.error.message}</p>}
      <div className="scroll-box wide">
        <DataTable label="Leads" columns={['#', 'Id', ...columns, 'Events', 'Outcome']}>
          {rows.map((r) => (
            <tr key={r.index}>
              <td className="muted">{r.index + 1}</td>
              <td>{r.leadId}</td>
              {columns.map((c) => (
                <td key={c} className="small">
                  {String(r.lead.attributes[c] ?? '')}
                </td>
              ))}
              <td>{r.lead.events.length}</td>
              <td className="small nowrap">{outcomeText(r.lead.outcome)}</td>
            </tr>
          ))}
        </DataTable>
      </div>
      <div className="row pager">
        <button disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>
          ← Previous
        </button>
        <span className="muted small">
          {total
            ? `${offset + 1}–${Math.min(offset + PAGE, total)} of ${total.toLocaleString()}`
            : ''}
        </span>
        <button disabled={offset + PAGE >= total} onClick={() => setOffset(offset + PAGE)}>
          Next →
        </button>
      </div>
    </section>
  );
}
