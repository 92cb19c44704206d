import { DropdownMenu } from 'radix-ui';
import { useEditor } from '../store';
import type { Workflow } from '@accord/engine';
import { editingText, editingWhere, initials, peoplePresent, type Peer } from './presence';
import { useSharedDraftSnapshot } from './shared-draft';

/**
 * Who else is in the draft, for the toolbar: an initials avatar per person in their colour (name
 * and role on hover), opening the list of everyone with what they are editing.
 */
export function PresenceAvatars() {
  const { peers } = useSharedDraftSnapshot();
  const doc = useEditor((s) => s.doc);
  const people = peoplePresent(peers);
  if (people.length === 0) return null;
  return (
    <DropdownMenu.Root>
      <DropdownMenu.Trigger asChild>
        <button
          type="button"
          className="presence"
          data-testid="presence"
          aria-label={`In this draft: ${people.map((p) => p.user.name).join(', ')}`}
        >
          {people.map((p) => (
            <span
              key={p.user.id}
              className="presence-avatar"
              data-testid="presence-avatar"
              data-user={p.user.name}
              title={`${p.user.name} (${p.user.role})`}
              style={{ background: p.user.colour }}
            >
              {initials(p.user.name)}
            </span>
          ))}
        </button>
      </DropdownMenu.Trigger>
      <DropdownMenu.Portal>
        <DropdownMenu.Content
          className="menu presence-list"
          align="end"
          sideOffset={4}
          data-testid="presence-list"
        >
          <DropdownMenu.Label className="menu-item muted small">
            Also in this draft
          </DropdownMenu.Label>
          {people.map((p) => (
            <DropdownMenu.Item key={p.user.id} className="menu-item" disabled>
              <span className="presence-avatar" style={{ background: p.user.colour }} aria-hidden>
                {initials(p.user.name)}
              </span>
              <strong>{p.user.name}</strong>
              <span className="muted small">{p.user.role}</span>
              {editingHint(peers, p.user.id, doc)}
            </DropdownMenu.Item>
          ))}
        </DropdownMenu.Content>
      </DropdownMenu.Portal>
    </DropdownMenu.Root>
  );
}

function editingHint(peers: readonly Peer[], userId: string, doc: Workflow) {
  const where = peers
    .filter((p) => p.user.id === userId)
    .map((p) => editingWhere(p, doc))
    .find(Boolean);
  return where ? <span className="muted small menu-note">editing {where}</span> : null;
}

/** The live line under the toolbar: "Sam Sales is editing Fit › Title is VP", one per person. */
export function PresenceHint() {
  const { peers } = useSharedDraftSnapshot();
  const doc = useEditor((s) => s.doc);
  const lines = peers
    .map((p) => ({ peer: p, text: editingText(p, doc) }))
    .filter((line): line is { peer: Peer; text: string } => line.text !== null);
  if (lines.length === 0) return null;
  return (
    <div className="presence-hints" role="status" data-testid="presence-hint">
      {lines.map(({ peer, text }) => (
        <p key={peer.clientId} className="presence-hint">
          <span className="presence-dot" style={{ background: peer.user.colour }} aria-hidden />
          {text}
        </p>
      ))}
    </div>
  );
}
