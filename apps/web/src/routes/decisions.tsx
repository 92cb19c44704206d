import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTRPC } from '../lib/trpc';
import type { RouterOutputs } from '../lib/types';
import { CursorPager, useCursorPages } from '../pages/cursor-pager';
import { DataTable } from '../pages/data-table';
import { formatTime } from '../pages/format';
import { usePermissions } from '../pages/use-permissions';

type Decision = RouterOutputs['decisions']['list']['decisions'][number];
interface Reason {
  text: string;
  points?: number | null;
}

const PAGE_SIZE = 50;

/**
 * `/decisions`: the decision log, "why did lead L get stage S". Pick a workflow, look a lead up by
 * id or filter by stage; each row opens the reasons the API answered. Admins switch the log on or
 * off per workflow (it is off by default).
 */
export function DecisionsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = usePermissions();
  const workflows = useQuery(trpc.workflows.list.queryOptions({}));
  const [picked, setPicked] = useState('');
  const workflowId = picked || workflows.data?.[0]?.id || '';
  const [leadId, setLeadId] = useState('');
  const [stage, setStage] = useState('');
  const pages = useCursorPages<string>();
  const beforeId = pages.before;
  const log = useQuery({
    ...trpc.decisions.list.queryOptions({
      workflowId,
      limit: PAGE_SIZE,
      ...(leadId.trim() && { leadId: leadId.trim() }),
      ...(stage.trim() && { stage: stage.trim() }),
      ...(beforeId && { beforeId }),
    }),
    enabled: !!workflowId,
  });
  const toggle = useMutation(
    trpc.workflows.setDecisionLog.mutationOptions({
      onSuccess: () => void queryClient.invalidateQueries(trpc.decisions.list.pathFilter()),
    }),
  );
  const workflow = workflows.data?.find((w) => w.id === workflowId);
  const enabled = log.data?.enabled ?? workflow?.decisionLog ?? false;
  const reset = pages.reset;

  return (
    <main className="page">
      <div className="page-head">
        <h1>Decision log</h1>
      </div>
      <p className="muted">
        While the log is on for a workflow, every lead the evaluation API qualifies is stored with
        the version, the stage and the reasons it was given.
      </p>
      <form className="filters card" onSubmit={(e) => e.preventDefault()} aria-label="Filters">
        <label>
          Workflow
          <select
            value={workflowId}
            onChange={(e) => {
              setPicked(e.target.value);
              reset();
            }}
          >
            {workflows.data?.map((w) => (
              <option key={w.id} value={w.id}>
                {w.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Lead id
          <input
            value={leadId}
            placeholder="any, e.g. 00Q5e00001AbCdE"
            onChange={(e) => {
              setLeadId(e.target.value);
              reset();
            }}
          />
        </label>
        <label>
          Stage
          <input
            value={stage}
            placeholder="any, e.g. mql"
            onChange={(e) => {
              setStage(e.target.value);
              reset();
            }}
          />
        </label>
      </form>
      {workflow && (
        <div className="card row" data-testid="decision-log-state">
          <span>
            The decision log of <strong>{workflow.name}</strong> is{' '}
            <strong>{enabled ? 'on' : 'off'}</strong>.
          </span>
          {can('workflows.setDecisionLog') && (
            <button
              disabled={toggle.isPending}
              onClick={() => toggle.mutate({ workflowId, enabled: !enabled })}
            >
              {enabled ? 'Turn off' : 'Turn on'}
            </button>
          )}
          {toggle.error && <span className="error">{toggle.error.message}</span>}
        </div>
      )}
      {log.error && <p className="error">{log.error.message}</p>}
      {log.data?.decisions.length === 0 && (
        <p className="card muted">
          {leadId || stage
            ? 'No logged decision matches. Check the lead id, or clear the filters.'
            : enabled
              ? 'Nothing logged yet: decisions appear here as CRMs call the evaluation API.'
              : 'Nothing logged. An admin can turn the log on; evaluations from then on are stored.'}
        </p>
      )}
      {!!log.data?.decisions.length && (
        <DataTable
          label="Decisions"
          columns={['Time', 'Lead', 'Version', 'Stage', 'Scores', 'Why']}
        >
          {log.data.decisions.map((d) => (
            <DecisionRow key={d.id} decision={d} />
          ))}
        </DataTable>
      )}
      <CursorPager
        pages={pages}
        olderFrom={
          log.data?.decisions.length === PAGE_SIZE ? log.data.decisions.at(-1)!.id : undefined
        }
        newestLabel="Newest decisions"
      />
    </main>
  );
}

function DecisionRow({ decision }: { decision: Decision }) {
  const scores = Object.entries(decision.scores as Record<string, number>);
  const reasons = decision.reasons as Reason[];
  return (
    <tr data-testid={`decision-${decision.leadId}`}>
      <td className="nowrap">{formatTime(decision.at)}</td>
      <td>
        <code>{decision.leadId}</code>
      </td>
      <td>v{decision.version}</td>
      <td>
        <strong>{decision.stage}</strong>
      </td>
      <td className="nowrap">{scores.map(([k, v]) => `${k} ${v}`).join(' · ')}</td>
      <td>
        <details>
          <summary>
            {reasons.length} reason{reasons.length === 1 ? '' : 's'}
          </summary>
          <ul className="reasons">
            {reasons.map((r, i) => (
              <li key={i}>{r.text}</li>
            ))}
          </ul>
        </details>
      </td>
    </tr>
  );
}
