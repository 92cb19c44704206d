import { Handle, Position } from '@xyflow/react';
import type { CSSProperties, ReactNode } from 'react';

/** One labelled output of a node card. */
export interface NodeCardOutput {
  id: string;
  label: string;
}

export interface NodeCardProps {
  /** The node's own name, e.g. "MQL threshold reached?". */
  title: string;
  /** What kind of node it is, e.g. "Condition". */
  kindLabel: string;
  /** A short glyph shown before the kind. */
  icon: ReactNode;
  /** The kind's colour (any CSS colour); used for the header stripe and icon. */
  accent: string;
  /** Whether edges can come in (every node but the entry). */
  hasInput: boolean;
  /** Outputs in display order, each with its own labelled handle on the right edge. */
  outputs: readonly NodeCardOutput[];
  selected?: boolean;
  /** Drawn emphasised (e.g. on the path a lead took). */
  highlighted?: boolean;
  /** Drawn faded (e.g. off the path a lead took). */
  dimmed?: boolean;
  /** Extra classes for the card (e.g. `is-added` on a diff), styled by the app. */
  className?: string;
  /** The worst problem on the node, for the border colour. */
  status?: 'error' | 'warning';
  /** Small controls at the right of the header: problem and comment badges. */
  badges?: ReactNode;
  /** The node's content at a glance. */
  children?: ReactNode;
  testId?: string;
}

/**
 * The card every graph node renders in: a coloured header (icon, kind, title, badges), a body,
 * and one row per output with its label and a connection handle at the card's right edge.
 * Must be rendered inside a React Flow node.
 */
export function NodeCard(props: NodeCardProps) {
  const className = [
    'ui-node-card',
    props.selected && 'is-selected',
    props.highlighted && 'is-highlighted',
    props.dimmed && 'is-dimmed',
    props.status && `has-${props.status}`,
    props.className,
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <div
      className={className}
      style={{ '--node-accent': props.accent } as CSSProperties}
      data-testid={props.testId}
    >
      {props.hasInput && (
        <Handle type="target" position={Position.Left} className="ui-node-input" />
      )}
      <div className="ui-node-header">
        <span className="ui-node-icon" aria-hidden>
          {props.icon}
        </span>
        <div className="ui-node-titles">
          <span className="ui-node-kind">{props.kindLabel}</span>
          <span className="ui-node-title">{props.title || 'Untitled'}</span>
        </div>
        {props.badges && <div className="ui-node-badges">{props.badges}</div>}
      </div>
      {props.children && <div className="ui-node-body">{props.children}</div>}
      {props.outputs.length > 0 && (
        <ul className="ui-node-outputs">
          {props.outputs.map((output) => (
            <li key={output.id} className="ui-node-output">
              <span className="ui-node-output-label" title={output.label}>
                {output.label}
              </span>
              <Handle
                type="source"
                id={output.id}
                position={Position.Right}
                className="ui-node-handle"
                aria-label={`${output.label} output`}
              />
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
