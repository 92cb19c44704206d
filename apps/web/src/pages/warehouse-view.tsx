import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useDeferredValue, useState } from 'react';
import { useTRPC } from '../lib/trpc';
import { copyText } from './copy-text';
import { ExpandableCard } from './expandable-card';
import './warehouse-view.css';

type Dialect = 'postgres' | 'duckdb';
type Format = 'view' | 'dbt';

/**
 * "Run it in your warehouse" for one workflow: the live version as a SQL view or a dbt model
 * (what `accord sql` prints) over the team's own leads and events tables, with a Copy button.
 * @example <WarehouseView workflowId={workflowId} />
 */
export function WarehouseView({ workflowId }: { workflowId: string }) {
  const trpc = useTRPC();
  const versions = useQuery(trpc.versions.list.queryOptions({ workflowId }));
  if (!versions.data) return null;
  const live = versions.data.find((v) => v.status === 'published');
  return (
    <ExpandableCard
      name="warehouse-view"
      title="Run it in your warehouse"
      showLabel="Show the SQL view"
      aside={
        <span className="small muted">
          {live ? `Version ${live.number} as SQL for your warehouse` : 'No version is live yet'}
        </span>
      }
    >
      {live && <SqlViewOf versionId={live.id} />}
    </ExpandableCard>
  );
}

/** The view of one version for the dialect and tables the person names, and its Copy button. */
function SqlViewOf({ versionId }: { versionId: string }) {
  const trpc = useTRPC();
  const [dialect, setDialect] = useState<Dialect>('postgres');
  const [format, setFormat] = useState<Format>('view');
  const [leadsTable, setLeadsTable] = useState('leads');
  const [eventsTable, setEventsTable] = useState('events');
  // What was last copied, and whether the browser allowed it: shown while that text is shown.
  const [copy, setCopy] = useState<{ text: string; ok: boolean } | null>(null);
  // Typing stays responsive: the view of the table names typed follows at a lower priority.
  const askedLeads = useDeferredValue(leadsTable.trim());
  const askedEvents = useDeferredValue(eventsTable.trim());
  const view = useQuery({
    ...trpc.versions.sqlView.queryOptions({
      versionId,
      dialect,
      leadsTable: askedLeads,
      eventsTable: askedEvents || undefined,
      dbt: format === 'dbt',
    }),
    enabled: askedLeads !== '',
    placeholderData: keepPreviousData,
  });
  const sql = leadsTable.trim() === '' ? undefined : view.data?.sql;
  const copied = copy && copy.text === sql ? copy.ok : null;
  const copyShown = async () => {
    const text = sql ?? '';
    setCopy({ text, ok: await copyText(text) });
  };
  return (
    <>
      <p className="small">
        The live version compiled to one SQL query over your own tables: leads with an{' '}
        <code>id</code> and a column per field id, events with <code>lead_id</code>,{' '}
        <code>type</code>, <code>at</code> and <code>props</code>. Run it in PostgreSQL or DuckDB to
        get every lead&apos;s stage, scores and the rules that fired where the leads live. The
        header names the version and its hashes, for the auditors. The command line prints the same
        (<code>accord sql</code>), and reads columns named otherwise.
      </p>
      {format === 'dbt' && (
        <p className="small">
          As a dbt model: save it in your project&apos;s <code>models/</code>. A table named{' '}
          <code>leads</code> is read as the model <code>ref(&apos;leads&apos;)</code>, one named{' '}
          <code>crm.leads</code> as the source{' '}
          <code>source(&apos;crm&apos;, &apos;leads&apos;)</code>. Text of the agreement that Jinja
          would read is kept as written.
        </p>
      )}
      <div className="warehouse-view-form">
        <label>
          Dialect
          <select value={dialect} onChange={(e) => setDialect(e.target.value as Dialect)}>
            <option value="postgres">PostgreSQL</option>
            <option value="duckdb">DuckDB</option>
          </select>
        </label>
        <label>
          Write it as
          <select value={format} onChange={(e) => setFormat(e.target.value as Format)}>
            <option value="view">SQL view</option>
            <option value="dbt">dbt model</option>
          </select>
        </label>
        <label>
          Leads table
          <input
            value={leadsTable}
            maxLength={200}
            onChange={(e) => setLeadsTable(e.target.value)}
          />
        </label>
        <label>
          Events table
          <input
            value={eventsTable}
            maxLength={200}
            onChange={(e) => setEventsTable(e.target.value)}
          />
        </label>
        <button
          type="button"
          disabled={!sql}
          onClick={() => void copyShown()}
          aria-label={format === 'dbt' ? 'Copy the dbt model' : 'Copy the SQL view'}
        >
          {copied === true ? 'Copied ✓' : 'Copy'}
        </button>
      </div>
      {leadsTable.trim() === '' && (
        <p className="error small" role="alert">
          Name the leads table.
        </p>
      )}
      {view.error && (
        <p className="error small" role="alert">
          {view.error.message}
        </p>
      )}
      {view.data && view.data.errors.length > 0 && (
        <p className="error small" role="alert">
          {view.data.errors.join(' ')}
        </p>
      )}
      {copied === false && (
        <p className="error small" role="alert">
          The browser did not allow copying: select the text and copy it by hand.
        </p>
      )}
      {sql && <pre data-testid="warehouse-sql">{sql}</pre>}
    </>
  );
}
