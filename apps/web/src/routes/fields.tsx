import { FIELD_CATEGORIES, type EventDef, type FieldDef } from '@accord/engine';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { Link } from 'react-router';
import { useTRPC } from '../lib/trpc';
import { DataTable } from '../pages/data-table';
import { EmptyCatalog } from '../pages/fields/empty-catalog';
import { FieldDialog } from '../pages/fields/field-dialog';
import {
  CATEGORY_TEXT,
  fieldMatches,
  usesByWorkflow,
  fieldUseText,
  TYPE_SHORT,
  TYPE_TEXT,
  type FieldUse,
} from '../pages/fields/field-form';
import { RetireDialog } from '../pages/fields/retire-dialog';
import '../pages/fields/fields.css';
import { usePermissions } from '../pages/use-permissions';

/**
 * The workspace's fields by category (type, options, missing-value texts, which drafts and
 * versions read each) and its event types; add, edit, retire and restore for those allowed.
 */
export function FieldsPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const { can } = usePermissions();
  const catalog = useQuery(trpc.fields.catalog.queryOptions());
  const usage = useQuery(trpc.fields.usage.queryOptions());
  const [search, setSearch] = useState('');
  const [adding, setAdding] = useState(false);
  const [editing, setEditing] = useState<FieldDef | null>(null);
  const [retiring, setRetiring] = useState<FieldDef | null>(null);
  const [startedEmpty, setStartedEmpty] = useState(false);
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.fields.catalog.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.fields.usage.queryKey() }),
    ]);
  const fields = catalog.data?.catalog.fields;
  const events = catalog.data?.catalog.events;
  const takenIds = useMemo(() => new Set(fields?.map((f) => f.id)), [fields]);
  const shown = useMemo(
    () => fields?.filter((f) => fieldMatches(f, search)) ?? [],
    [fields, search],
  );
  const revision = catalog.data?.revision ?? 0;
  const uses = usage.data ?? {};
  const empty = fields?.length === 0 && events?.length === 0;

  return (
    <main className="page fields-page">
      <div className="page-head">
        <h1>Fields</h1>
        {fields && fields.length > 0 && (
          <input
            type="search"
            className="fields-search"
            aria-label="Search fields"
            placeholder="Search fields by name, id or option…"
            value={search}
            maxLength={100}
            onChange={(e) => setSearch(e.target.value)}
          />
        )}
        {can('fields.add') && catalog.data && (
          <button className="primary" onClick={() => setAdding(true)}>
            Add a field
          </button>
        )}
      </div>
      <p className="muted">
        The lead attributes and event types this workspace’s rules read. Each version keeps the
        definitions it was signed with; drafts use the ones below.
      </p>
      {catalog.error && <p className="error">{catalog.error.message}</p>}
      {usage.error && <p className="error">{usage.error.message}</p>}
      {catalog.isPending && <p className="muted">Loading…</p>}
      {catalog.data && empty && !startedEmpty && (
        <EmptyCatalog
          templates={catalog.data.templates}
          baseRevision={revision}
          onStarted={refresh}
          onStartEmpty={() => setStartedEmpty(true)}
        />
      )}
      {catalog.data && empty && startedEmpty && (
        <p className="card muted">
          No fields yet. Add one above, or learn them from a CRM export on the{' '}
          <Link to="/lead-sets">Lead sets</Link> page.
        </p>
      )}
      {fields && fields.length > 0 && search && (
        <p className="small muted" role="status">
          {shown.length} of {fields.length} fields match “{search.trim()}”.
        </p>
      )}
      {FIELD_CATEGORIES.map((category) => {
        const inCategory = shown.filter((f) => f.category === category);
        if (inCategory.length === 0) return null;
        return (
          <section key={category} aria-labelledby={`fields-${category}`}>
            <h2 id={`fields-${category}`}>
              {CATEGORY_TEXT[category].title}{' '}
              <span className="muted small">
                {inCategory.length} · {CATEGORY_TEXT[category].hint}
              </span>
            </h2>
            <DataTable
              label={`${CATEGORY_TEXT[category].title} fields`}
              columns={['Field', 'Type', 'Options', 'Missing when', 'Used by', '']}
            >
              {inCategory.map((field) => (
                <FieldRow
                  key={field.id}
                  field={field}
                  uses={uses[field.id] ?? []}
                  onEdit={can('fields.update') ? () => setEditing(field) : undefined}
                  onRetire={can('fields.setRetired') ? () => setRetiring(field) : undefined}
                />
              ))}
            </DataTable>
          </section>
        );
      })}
      {events && events.length > 0 && (
        <section aria-labelledby="fields-events">
          <h2 id="fields-events">
            Event types <span className="muted small">{events.length}</span>
          </h2>
          <p className="small muted">
            What leads do, with the properties each event carries. Event types are edited by
            importing the catalog as JSON (<code>accord fields import</code>).
          </p>
          <DataTable label="Event types" columns={['Event', 'Category', 'Properties', 'Used by']}>
            {events.map((event) => (
              <EventRow key={event.id} event={event} uses={uses[event.id] ?? []} />
            ))}
          </DataTable>
        </section>
      )}
      <FieldDialog
        open={adding || editing !== null}
        editing={editing}
        baseRevision={revision}
        takenIds={takenIds}
        onClose={() => {
          setAdding(false);
          setEditing(null);
        }}
        onSaved={refresh}
        onReload={refresh}
      />
      <RetireDialog
        field={retiring}
        baseRevision={revision}
        onClose={() => setRetiring(null)}
        onSaved={refresh}
        onReload={refresh}
      />
    </main>
  );
}

function FieldRow(props: {
  field: FieldDef;
  uses: readonly FieldUse[];
  onEdit?: () => void;
  onRetire?: () => void;
}) {
  const { field } = props;
  return (
    <tr className={field.retired ? 'is-archived' : undefined} data-testid={`field-${field.id}`}>
      <td className="field-cell">
        <strong>{field.label}</strong> {field.retired && <span className="pill">retired</span>}
        <div className="mono small muted">{field.id}</div>
        {field.description && <div className="small muted">{field.description}</div>}
      </td>
      <td title={TYPE_TEXT[field.type]}>{TYPE_SHORT[field.type]}</td>
      <td className="small">
        {field.values?.length ? (
          <ul className="chips" aria-label="Options">
            {field.values.map((o) => (
              <li key={o.value} title={o.value}>
                {o.label || o.value}
              </li>
            ))}
          </ul>
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="small">
        {field.missing?.length ? (
          field.missing.map((t) => `“${t}”`).join(', ')
        ) : (
          <span className="muted">blank</span>
        )}
      </td>
      <td className="small">
        <UsedBy uses={props.uses} />
      </td>
      <td className="actions">
        {props.onEdit && (
          <button onClick={props.onEdit} aria-label={`Edit ${field.label}`}>
            Edit
          </button>
        )}
        {props.onRetire && (
          <button
            onClick={props.onRetire}
            aria-label={`${field.retired ? 'Restore' : 'Retire'} ${field.label}`}
          >
            {field.retired ? 'Restore' : 'Retire'}
          </button>
        )}
      </td>
    </tr>
  );
}

function EventRow(props: { event: EventDef; uses: readonly FieldUse[] }) {
  const { event } = props;
  return (
    <tr className={event.retired ? 'is-archived' : undefined} data-testid={`event-${event.id}`}>
      <td className="field-cell">
        <strong>{event.label}</strong> {event.retired && <span className="pill">retired</span>}
        <div className="mono small muted">{event.id}</div>
        {event.description && <div className="small muted">{event.description}</div>}
      </td>
      <td>{CATEGORY_TEXT[event.category].title}</td>
      <td className="small">
        {event.props.length ? (
          event.props.map((p) => `${p.label} (${TYPE_SHORT[p.type].toLowerCase()})`).join(', ')
        ) : (
          <span className="muted">—</span>
        )}
      </td>
      <td className="small">
        <UsedBy uses={props.uses} />
      </td>
    </tr>
  );
}

/** "Inbound B2B — draft, version 3 (published)", one line per workflow, each part a link. */
function UsedBy({ uses }: { uses: readonly FieldUse[] }) {
  if (uses.length === 0) return <span className="muted">not used</span>;
  return (
    <ul className="used-by">
      {usesByWorkflow(uses).map((group) => (
        <li key={group.workflowId}>
          <Link to={`/workflows/${group.workflowId}`}>{group.workflowName}</Link> —{' '}
          {group.uses.map((use, i) => (
            <span key={`${use.kind}-${use.number}`}>
              {i > 0 && ', '}
              {use.versionId ? (
                <Link to={`/workflows/${group.workflowId}/versions/${use.versionId}/view`}>
                  {fieldUseText(use)}
                </Link>
              ) : (
                fieldUseText(use)
              )}
            </span>
          ))}
        </li>
      ))}
    </ul>
  );
}
