import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { Link, useNavigate } from 'react-router';
import '@accord/ui/styles.css';
import './workflows.css';
import { useTRPC } from '../lib/trpc';
import type { RouterOutputs } from '../lib/types';
import { Dialog } from '../pages/dialog';
import { usePermissions } from '../pages/use-permissions';

type WorkflowRow = RouterOutputs['workflows']['list'][number];

/** `/workflows`: every agreement of the workspace; create, rename, archive. */
export function WorkflowsPage() {
  const trpc = useTRPC();
  const { can } = usePermissions();
  const [showArchived, setShowArchived] = useState(false);
  const workflows = useQuery(trpc.workflows.list.queryOptions({ includeArchived: showArchived }));
  const [creating, setCreating] = useState(false);
  const canAuthor = can('workflows.create');
  const rows = workflows.data ?? [];
  return (
    <main className="page workflows-page">
      <div className="workflows-head">
        <div>
          <h1>Workflows</h1>
          <p className="muted">
            Each workflow is one written agreement between marketing and sales on what every lead
            stage means.
          </p>
        </div>
        {canAuthor && (
          <button className="primary" data-testid="new-workflow" onClick={() => setCreating(true)}>
            New workflow
          </button>
        )}
      </div>
      <label className="check">
        <input
          type="checkbox"
          checked={showArchived}
          onChange={(e) => setShowArchived(e.target.checked)}
        />
        Show archived workflows
      </label>
      {workflows.isPending && <p className="muted">Loading…</p>}
      {workflows.error && <p className="error">{workflows.error.message}</p>}
      {workflows.data && rows.length === 0 && (
        <div className="empty-state card" data-testid="workflows-empty">
          <h2>No workflows yet</h2>
          <p>
            Start from the default agreement (disqualifiers, fit and engagement scores, the MQL
            threshold, SAL and SQL checklists) and adapt it, or start blank.
          </p>
          {canAuthor ? (
            <button className="primary" onClick={() => setCreating(true)}>
              Create the first workflow
            </button>
          ) : (
            <p className="muted">Ask someone in marketing or sales to create one.</p>
          )}
        </div>
      )}
      {rows.length > 0 && (
        <table className="data-table" data-testid="workflows-table">
          <thead>
            <tr>
              <th>Name</th>
              <th>Live version</th>
              <th>Draft</th>
              <th>Last saved</th>
              <th aria-label="Actions" />
            </tr>
          </thead>
          <tbody>
            {rows.map((w) => (
              <WorkflowLine key={w.id} workflow={w} canAuthor={canAuthor} />
            ))}
          </tbody>
        </table>
      )}
      <CreateWorkflowDialog open={creating} onOpenChange={setCreating} />
    </main>
  );
}

function WorkflowLine({ workflow, canAuthor }: { workflow: WorkflowRow; canAuthor: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(workflow.name);
  const invalidate = () => queryClient.invalidateQueries(trpc.workflows.list.queryFilter());
  const rename = useMutation(
    trpc.workflows.rename.mutationOptions({
      onSuccess: async () => {
        setRenaming(false);
        await invalidate();
      },
    }),
  );
  const archive = useMutation(trpc.workflows.archive.mutationOptions({ onSuccess: invalidate }));
  const unarchive = useMutation(
    trpc.workflows.unarchive.mutationOptions({ onSuccess: invalidate }),
  );
  const archived = !!workflow.archived_at;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    rename.mutate({ workflowId: workflow.id, name });
  };
  return (
    <tr
      className={archived ? 'is-archived' : undefined}
      data-testid={`workflow-row-${workflow.slug}`}
    >
      <td>
        {renaming ? (
          <form onSubmit={submit} className="inline-form">
            <input
              aria-label="Workflow name"
              value={name}
              autoFocus
              onChange={(e) => setName(e.target.value)}
              onKeyDown={(e) => {
                if (e.key === 'Escape') {
                  setRenaming(false);
                  setName(workflow.name);
                }
              }}
            />
            <button type="submit" className="primary" disabled={rename.isPending}>
              Save
            </button>
            <button type="button" onClick={() => setRenaming(false)}>
              Cancel
            </button>
            {rename.error && <span className="error small">{rename.error.message}</span>}
          </form>
        ) : (
          <>
            <Link to={`/workflows/${workflow.id}`} className="workflow-name">
              {workflow.name}
            </Link>
            {archived && <span className="pill">archived</span>}
            <span className="workflow-slug small muted">
              slug <code>{workflow.slug}</code> ·{' '}
              <Link to={`/workflows/${workflow.id}/versions#crm`}>Call it from your CRM</Link>
            </span>
          </>
        )}
      </td>
      <td>
        {workflow.publishedVersion != null ? (
          <span className="pill ok">v{workflow.publishedVersion}</span>
        ) : (
          <span className="muted">not published</span>
        )}
      </td>
      <td className="muted">revision {workflow.draftRevision ?? '–'}</td>
      <td className="muted">
        {workflow.draftUpdatedAt ? new Date(workflow.draftUpdatedAt).toLocaleString() : '–'}
      </td>
      <td className="actions">
        <Link className="button" to={`/workflows/${workflow.id}`}>
          Open
        </Link>
        {canAuthor && !renaming && (
          <button
            type="button"
            onClick={() => setRenaming(true)}
            aria-label={`Rename ${workflow.name}`}
          >
            Rename
          </button>
        )}
        {canAuthor &&
          (archived ? (
            <button type="button" onClick={() => unarchive.mutate({ workflowId: workflow.id })}>
              Unarchive
            </button>
          ) : (
            <button
              type="button"
              onClick={() => archive.mutate({ workflowId: workflow.id })}
              aria-label={`Archive ${workflow.name}`}
            >
              Archive
            </button>
          ))}
      </td>
    </tr>
  );
}

function CreateWorkflowDialog(props: { open: boolean; onOpenChange: (open: boolean) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [from, setFrom] = useState<'default' | 'blank'>('default');
  const create = useMutation(
    trpc.workflows.create.mutationOptions({
      onSuccess: async (workflow) => {
        await queryClient.invalidateQueries(trpc.workflows.list.queryFilter());
        props.onOpenChange(false);
        await navigate(`/workflows/${workflow.id}`);
      },
    }),
  );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name, from });
  };
  return (
    <Dialog
      open={props.open}
      onOpenChange={props.onOpenChange}
      testId="create-workflow-dialog"
      title="New workflow"
      description="A workflow is one agreement; it gets a draft you edit and versions both teams sign."
      error={create.error?.message}
      submit={{
        label: 'Create and open',
        busyLabel: 'Creating…',
        busy: create.isPending,
        disabled: !name.trim(),
        onSubmit: submit,
      }}
    >
      <label className="field">
        <span className="field-label">Name</span>
        <input
          data-testid="workflow-name"
          value={name}
          required
          placeholder="e.g. Inbound B2B qualification 2026"
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <fieldset className="choice-cards">
        <legend className="field-label">Start from</legend>
        <label className={`choice-card${from === 'default' ? ' is-on' : ''}`}>
          <input
            type="radio"
            name="from"
            value="default"
            checked={from === 'default'}
            onChange={() => setFrom('default')}
          />
          <span>
            <strong>The default agreement</strong>
            <span className="muted small">
              Disqualifiers, fit and engagement scorecards, MQL threshold, SAL and SQL checklists.
              Recommended.
            </span>
          </span>
        </label>
        <label className={`choice-card${from === 'blank' ? ' is-on' : ''}`}>
          <input
            type="radio"
            name="from"
            value="blank"
            checked={from === 'blank'}
            onChange={() => setFrom('blank')}
          />
          <span>
            <strong>Blank</strong>
            <span className="muted small">Only a start and a Nurture stage.</span>
          </span>
        </label>
      </fieldset>
    </Dialog>
  );
}
