import { DropdownMenu, Tooltip } from 'radix-ui';
import { useState, type ReactNode } from 'react';
import { Link } from 'react-router';
import type { RouterOutputs } from '../lib/types';
import type { SaveState } from './collab/presence';
import { redo, undo } from './commands';
import { StagesScoresDialog } from './stages-scores-dialog';
import { useEditor, useEditorStoreApi, useHistory } from './store';

const SAVE_LABELS: Record<SaveState, string> = {
  saved: 'Saved',
  unsaved: 'Saving…',
  offline: 'Offline',
  connecting: 'Connecting…',
};

function saveTitle(state: SaveState, revision: number): string {
  switch (state) {
    case 'saved':
      return `Every change is saved (draft revision ${revision}).`;
    case 'unsaved':
      return 'Your latest edits are on their way to the server (saved within a second).';
    case 'offline':
      return 'Offline: your edits are kept here and merge when the connection returns.';
    case 'connecting':
      return 'Connecting to the shared draft…';
  }
}

function ToolButton(props: {
  label: string;
  shortcut?: string;
  onClick: () => void;
  disabled?: boolean;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <Tooltip.Root>
      <Tooltip.Trigger asChild>
        <button
          type="button"
          className="tool-button"
          aria-label={props.label}
          data-testid={props.testId}
          onClick={props.onClick}
          disabled={props.disabled}
        >
          {props.children}
        </button>
      </Tooltip.Trigger>
      <Tooltip.Portal>
        <Tooltip.Content className="tooltip" sideOffset={6}>
          {props.label}
          {props.shortcut && <kbd>{props.shortcut}</kbd>}
        </Tooltip.Content>
      </Tooltip.Portal>
    </Tooltip.Root>
  );
}

/** The editor's top bar: name, save state, undo/redo, layout, problems, simulate, versions, propose. */
export function Toolbar(props: {
  workflow: RouterOutputs['workflows']['get'];
  versions: RouterOutputs['versions']['list'] | undefined;
  /** The shared draft's save state; null where nothing is saved (read-only views). */
  status: { state: SaveState; revision: number } | null;
  /** Who else is in the draft (avatars). */
  presence?: ReactNode;
  onLayout: () => void;
  onFitView: () => void;
  onHelp: () => void;
  onPropose?: () => void;
}) {
  const store = useEditorStoreApi();
  const { canUndo, canRedo } = useHistory();
  const readOnly = useEditor((s) => s.readOnly);
  const diagnostics = useEditor((s) => s.diagnostics);
  const errors = diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = diagnostics.length - errors;
  const { status } = props;
  const [stagesOpen, setStagesOpen] = useState(false);
  return (
    <Tooltip.Provider delayDuration={400}>
      <div className="editor-toolbar" role="toolbar" aria-label="Editor">
        <div className="toolbar-title">
          <Link to="/workflows" className="muted small">
            Workflows
          </Link>
          <span className="muted small"> / </span>
          <h1 title={props.workflow.name}>{props.workflow.name}</h1>
          {props.workflow.publishedVersion != null && (
            <span className="pill ok">Live: v{props.workflow.publishedVersion}</span>
          )}
        </div>
        {status && (
          <span
            role="status"
            className={`save-state state-${status.state}`}
            data-testid="save-state"
            data-state={status.state}
            title={saveTitle(status.state, status.revision)}
          >
            <span className="dot" aria-hidden />
            {SAVE_LABELS[status.state]}
          </span>
        )}
        {props.presence}
        {readOnly && <span className="pill">Read only</span>}
        <div className="toolbar-group">
          <ToolButton
            label="Undo"
            shortcut="Ctrl+Z"
            disabled={!canUndo || readOnly}
            onClick={() => undo(store)}
            testId="undo"
          >
            ↶
          </ToolButton>
          <ToolButton
            label="Redo"
            shortcut="Ctrl+Shift+Z"
            disabled={!canRedo || readOnly}
            onClick={() => redo(store)}
            testId="redo"
          >
            ↷
          </ToolButton>
          <ToolButton
            label="Tidy up the layout"
            onClick={props.onLayout}
            disabled={readOnly}
            testId="auto-layout"
          >
            ⇶
          </ToolButton>
          <ToolButton label="Fit the workflow in view" onClick={props.onFitView}>
            ⤢
          </ToolButton>
          <ToolButton label="Keyboard shortcuts" shortcut="?" onClick={props.onHelp} testId="help">
            ?
          </ToolButton>
        </div>
        <button
          type="button"
          data-testid="stages-scores-button"
          title="The stages a lead can end in and the scores steps add to"
          onClick={() => setStagesOpen(true)}
        >
          Stages &amp; scores
        </button>
        <StagesScoresDialog open={stagesOpen} onOpenChange={setStagesOpen} />
        <button
          type="button"
          className={`problems-chip ${errors ? 'has-errors' : warnings ? 'has-warnings' : 'is-clean'}`}
          data-testid="problems-chip"
          onClick={() => store.getState().setPanel('problems')}
        >
          {errors === 0 && warnings === 0
            ? '✓ No problems'
            : `${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`}
        </button>
        <Link
          className="button"
          data-testid="simulate"
          to={`/workflows/${props.workflow.id}/simulate`}
          title="Run the draft against the live version on sample leads"
        >
          Simulate
        </Link>
        <DropdownMenu.Root>
          <DropdownMenu.Trigger asChild>
            <button type="button" data-testid="versions-menu">
              Versions ▾
            </button>
          </DropdownMenu.Trigger>
          <DropdownMenu.Portal>
            <DropdownMenu.Content className="menu" align="end" sideOffset={4}>
              {props.versions && props.versions.length > 0 ? (
                props.versions.map((v) => (
                  <DropdownMenu.Item key={v.id} asChild>
                    <Link
                      className="menu-item"
                      to={`/workflows/${props.workflow.id}/versions/${v.id}/view`}
                    >
                      <strong>v{v.number}</strong>
                      <span className={`pill status-${v.status}`}>{v.status}</span>
                      <span className="muted small menu-note">{v.change_note}</span>
                    </Link>
                  </DropdownMenu.Item>
                ))
              ) : (
                <DropdownMenu.Item disabled className="menu-item muted">
                  No versions yet
                </DropdownMenu.Item>
              )}
              <DropdownMenu.Separator className="menu-separator" />
              <DropdownMenu.Item asChild>
                <Link className="menu-item" to={`/workflows/${props.workflow.id}/versions`}>
                  All versions and approvals…
                </Link>
              </DropdownMenu.Item>
            </DropdownMenu.Content>
          </DropdownMenu.Portal>
        </DropdownMenu.Root>
        {props.onPropose && (
          <button type="button" className="primary" data-testid="propose" onClick={props.onPropose}>
            Propose version
          </button>
        )}
      </div>
    </Tooltip.Provider>
  );
}
