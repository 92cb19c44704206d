import { useState, type ReactNode } from 'react';
import './expandable-card.css';

/**
 * A card of the workflow pages with a title, a line beside it and a button that shows or hides
 * its body (mounted only while shown). `name` gives its test id, its title's and body's ids and
 * the body's class (`${name}-body`). Without children there is nothing to show: no button.
 * @example <ExpandableCard name="crm-call" title="Call it from your CRM" showLabel="Show how to call it">…</ExpandableCard>
 */
export function ExpandableCard(props: {
  name: string;
  title: string;
  aside?: ReactNode;
  showLabel: string;
  /** The card's own id (a link to `#id` scrolls to it). */
  id?: string;
  defaultOpen?: boolean;
  children?: ReactNode;
}) {
  const [open, setOpen] = useState(props.defaultOpen ?? false);
  const body = `${props.name}-body`;
  return (
    <section
      className={`card expandable-card ${props.name}`}
      id={props.id}
      aria-labelledby={`${props.name}-title`}
      data-testid={props.name}
    >
      <div className="expandable-card-head">
        <h2 id={`${props.name}-title`}>{props.title}</h2>
        {props.aside}
        {props.children !== undefined && (
          <button
            type="button"
            aria-expanded={open}
            aria-controls={body}
            onClick={() => setOpen(!open)}
          >
            {open ? 'Hide' : props.showLabel}
          </button>
        )}
      </div>
      {open && props.children !== undefined && (
        <div className={body} id={body}>
          {props.children}
        </div>
      )}
    </section>
  );
}
