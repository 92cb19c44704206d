import { idValue } from '@accord/engine';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useRef, useState } from 'react';
import { useTRPC } from '../../lib/trpc';
import { DataTable } from '../data-table';
import { LeadExplanation } from './lead-explanation';
import type { MatrixCell } from './results';

const PAGE = 50;

/**
 * The leads whose stage changed, paged on the server (a million-lead run never reaches the
 * browser whole), optionally only one matrix cell; a row opens both explanations and both paths
 * on the graph below the table (a canvas inside the scrolling table would fight its scrolling).
 */
export function ChangedLeads(props: {
  runId: string;
  cell: MatrixCell;
  stageLabel: (id: string) => string;
}) {
  const trpc = useTRPC();
  const [page, setPage] = useState({ key: '', offset: 0 });
  const key = `${props.runId}|${props.cell?.from ?? ''}|${props.cell?.to ?? ''}`;
  const offset = page.key === key ? page.offset : 0;
  const [open, setOpen] = useState<number | null>(null);
  const leads = useQuery(
    trpc.simulations.changedLeads.queryOptions({
      runId: props.runId,
      offset,
      limit: PAGE,
      ...(props.cell && { from: props.cell.from, to: props.cell.to }),
    }),
  );
  const total = leads.data?.total ?? 0;
  return (
    <div>
      {leads.error && <p className="error">{leads.error.message}</p>}
      <p className="small muted" data-testid="changed-count">
        {leads.data &&
          `${total.toLocaleString()} changed lead${total === 1 ? '' : 's'}${
            props.cell
              ? ` from ${props.stageLabel(props.cell.from)} to ${props.stageLabel(props.cell.to)}`
              : ''
          }${leads.data.truncated ? ' (only the first ones were stored; the rest are counted)' : ''}.`}
      </p>
      {leads.data?.leads.length === 0 && (
        <p className="card muted">No lead changes stage between the two sides.</p>
      )}
      {!!leads.data?.leads.length && (
        <div className="scroll-box tall">
          <DataTable
            label="Changed leads"
            columns={['#', 'Lead', 'Baseline', 'Candidate', 'Scores (baseline → candidate)']}
          >
            {leads.data.leads.map((l) => (
              <tr
                key={l.index}
                className={open === l.index ? 'clickable is-open' : 'clickable'}
                onClick={() => setOpen(open === l.index ? null : l.index)}
              >
                <td className="muted">{l.index + 1}</td>
                <td>
                  <button type="button" className="link" aria-expanded={open === l.index}>
                    {l.leadId}
                  </button>
                </td>
                <td>{props.stageLabel(l.from)}</td>
                <td>{props.stageLabel(l.to)}</td>
                <td className="small">
                  {Object.keys(l.candidateScores).map((s) => (
                    <span key={s} className="score-pair">
                      {s} {idValue(l.baselineScores, s) ?? '—'} → {idValue(l.candidateScores, s)}
                    </span>
                  ))}
                </td>
              </tr>
            ))}
          </DataTable>
        </div>
      )}
      {open !== null && leads.data?.leads.some((l) => l.index === open) && (
        <Explain key={open} runId={props.runId} leadIndex={open} />
      )}
      {total > PAGE && (
        <div className="row pager">
          <button disabled={offset === 0} onClick={() => setPage({ key, offset: offset - PAGE })}>
            ← Previous
          </button>
          <span className="muted small">
            {offset + 1}–{Math.min(offset + PAGE, total)} of {total.toLocaleString()}
          </span>
          <button
            disabled={offset + PAGE >= total}
            onClick={() => setPage({ key, offset: offset + PAGE })}
          >
            Next →
          </button>
        </div>
      )}
    </div>
  );
}

function Explain({ runId, leadIndex }: { runId: string; leadIndex: number }) {
  const trpc = useTRPC();
  const why = useQuery(trpc.simulations.explainLead.queryOptions({ runId, leadIndex }));
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    ref.current?.scrollIntoView({ block: 'nearest', behavior: 'smooth' });
  }, [why.data]);
  return (
    <div className="lead-explanation" ref={ref}>
      {why.error && <p className="error">{why.error.message}</p>}
      {!why.data && !why.error && <p className="muted">Explaining…</p>}
      {why.data && (
        <LeadExplanation
          title={`Lead ${why.data.lead.id}: why its stage changed`}
          baseline={why.data.baseline}
          candidate={why.data.candidate}
        />
      )}
    </div>
  );
}
