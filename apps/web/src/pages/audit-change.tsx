import { useMemo } from 'react';
import { auditSummary, auditSummaryText, type AuditEventChange } from './audit-summary';

/** Items shown before "Show all"; the rest and the raw JSON are one click away. */
const SHOWN_ITEMS = 3;

/**
 * An audit event's change for people: a sentence, the first changed values, and on expand every
 * value and the stored before/after JSON for auditors. The full sentence is the tooltip.
 * @example <AuditChange event={event} />
 */
export function AuditChange({ event }: { event: AuditEventChange }) {
  const summary = useMemo(() => auditSummary(event), [event]);
  const shown = summary.items.slice(0, SHOWN_ITEMS);
  const hidden = summary.items.slice(SHOWN_ITEMS);
  const raw = useMemo(
    () => JSON.stringify({ before: event.before ?? null, after: event.after ?? null }, null, 2),
    [event.before, event.after],
  );
  return (
    <div className="audit-change">
      {summary.headline && (
        <p className="audit-headline" title={auditSummaryText(summary)}>
          {summary.headline}
        </p>
      )}
      {shown.length > 0 && (
        <ul className="audit-items">
          {shown.map((item, i) => (
            <li key={i} title={item}>
              {item}
            </li>
          ))}
        </ul>
      )}
      <details className="audit-raw">
        <summary className="small">
          {hidden.length > 0 ? `All ${summary.items.length} changes and the JSON` : 'Raw JSON'}
        </summary>
        {hidden.length > 0 && (
          <ul className="audit-items">
            {hidden.map((item, i) => (
              <li key={i}>{item}</li>
            ))}
          </ul>
        )}
        {summary.more > 0 && (
          <p className="small muted">
            …and {summary.more} more {summary.more === 1 ? 'change' : 'changes'} this event does not
            list.
          </p>
        )}
        <pre data-testid="audit-raw-json">{raw}</pre>
      </details>
    </div>
  );
}
