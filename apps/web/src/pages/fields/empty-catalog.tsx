import { useMutation } from '@tanstack/react-query';
import { Link } from 'react-router';
import { useTRPC } from '../../lib/trpc';
import type { RouterOutputs } from '../../lib/types';
import { usePermissions } from '../use-permissions';

type Template = RouterOutputs['fields']['catalog']['templates'][number];

/**
 * A workspace without fields (a fresh one): the templates it can start from, and the other way
 * to get fields, learning them from a lead-set import.
 */
export function EmptyCatalog(props: {
  templates: readonly Template[];
  baseRevision: number;
  onStarted: () => Promise<unknown>;
  onStartEmpty: () => void;
}) {
  const trpc = useTRPC();
  const { can } = usePermissions();
  const apply = useMutation(
    trpc.fields.applyTemplate.mutationOptions({ onSuccess: () => props.onStarted() }),
  );
  const b2b = props.templates.find((t) => t.id === 'b2b');
  return (
    <section className="card empty-state" aria-label="No fields yet">
      <h2>This workspace has no fields yet</h2>
      <p>
        Fields are the lead attributes your rules read (job title, company size, lead source…) and
        event types what leads do. Start from a template, add fields one by one, or learn them from
        a CRM export on the <Link to="/lead-sets">Lead sets</Link> page: each column that is not a
        field yet can become one.
      </p>
      <ul className="template-list">
        {props.templates.map((t) => (
          <li key={t.id}>
            <strong>{t.label}</strong> —{' '}
            <span className="muted small" title={`${t.fields} fields, ${t.events} event types`}>
              {t.description}
            </span>
          </li>
        ))}
      </ul>
      {can('fields.applyTemplate') ? (
        <div className="row">
          {b2b && (
            <button
              className="primary"
              disabled={apply.isPending}
              onClick={() => apply.mutate({ baseRevision: props.baseRevision, template: 'b2b' })}
            >
              {apply.isPending ? 'Starting…' : `Start from ${b2b.label}`}
            </button>
          )}
          <button onClick={props.onStartEmpty}>Start empty</button>
        </div>
      ) : (
        <p className="small">An admin or ops can start from a template.</p>
      )}
      {apply.error && (
        <p className="error" role="alert">
          {apply.error.message}
        </p>
      )}
    </section>
  );
}
