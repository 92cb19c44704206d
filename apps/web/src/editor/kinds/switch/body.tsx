import type { NodeOf } from '@accord/engine';

/** The switch card: its cases are its outputs, so the body only says how they are chosen. */
export function SwitchBody({ node }: { node: NodeOf<'switch'> }) {
  return node.data.cases.length === 0 ? (
    <p className="node-note">No cases yet</p>
  ) : (
    <p className="node-note">First matching case wins</p>
  );
}
