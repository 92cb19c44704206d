import { useEffect } from 'react';
import { Dialog } from '../pages/dialog';
import {
  copySelection,
  deleteSelection,
  duplicateSelection,
  pasteClipboard,
  redo,
  selectAll,
  undo,
} from './commands';
import type { EditorStore } from './store';

/** Every keyboard shortcut, as the help dialog lists them. */
export const SHORTCUTS: { keys: string[]; what: string }[] = [
  { keys: ['Ctrl', 'Z'], what: 'Undo' },
  { keys: ['Ctrl', 'Shift', 'Z'], what: 'Redo (also Ctrl + Y)' },
  { keys: ['Ctrl', 'C'], what: 'Copy the selected steps' },
  { keys: ['Ctrl', 'V'], what: 'Paste' },
  { keys: ['Ctrl', 'D'], what: 'Duplicate the selected steps' },
  { keys: ['Ctrl', 'A'], what: 'Select everything' },
  { keys: ['Delete'], what: 'Delete the selection (also Backspace)' },
  { keys: ['Esc'], what: 'Clear the selection' },
  { keys: ['Shift', 'drag'], what: 'Select several steps with a box' },
  { keys: ['Ctrl', 'click'], what: 'Add a step to the selection' },
  { keys: ['?'], what: 'Show this list' },
];

function typingIn(target: EventTarget | null): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return (
    target.isContentEditable ||
    target instanceof HTMLInputElement ||
    target instanceof HTMLTextAreaElement ||
    target instanceof HTMLSelectElement
  );
}

/** The editor's keyboard shortcuts; ignored while typing in a form or with a dialog open. */
export function useEditorShortcuts(
  store: EditorStore,
  actions: { save: () => void; help: () => void },
) {
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const mod = event.ctrlKey || event.metaKey;
      const key = event.key.toLowerCase();
      if (mod && key === 's') {
        event.preventDefault();
        actions.save();
        return;
      }
      if (typingIn(event.target) || document.querySelector('[role="dialog"]')) return;
      const readOnly = store.getState().readOnly;
      const handled = (): void => event.preventDefault();
      if (mod && key === 'z' && !event.shiftKey) {
        if (!readOnly) undo(store);
        handled();
      } else if (mod && ((key === 'z' && event.shiftKey) || key === 'y')) {
        if (!readOnly) redo(store);
        handled();
      } else if (mod && key === 'c') {
        if (copySelection(store)) handled();
      } else if (mod && key === 'v') {
        if (!readOnly && pasteClipboard(store)) handled();
      } else if (mod && key === 'd') {
        handled();
        if (!readOnly) duplicateSelection(store);
      } else if (mod && key === 'a') {
        handled();
        selectAll(store);
      } else if ((key === 'delete' || key === 'backspace') && !mod) {
        if (!readOnly) deleteSelection(store);
        handled();
      } else if (key === 'escape') {
        store.getState().select({ nodes: [], edges: [] });
      } else if (event.key === '?') {
        handled();
        actions.help();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, actions]);
}

/** The list of shortcuts, opened with "?" or the toolbar's help button. */
export function ShortcutsDialog(props: { open: boolean; onOpenChange: (open: boolean) => void }) {
  return (
    <Dialog
      open={props.open}
      onOpenChange={props.onOpenChange}
      testId="shortcuts-dialog"
      title="Keyboard shortcuts"
      description="On a Mac, use ⌘ where this says Ctrl."
      closeLabel="Close"
    >
      <table className="shortcuts">
        <tbody>
          {SHORTCUTS.map((s) => (
            <tr key={s.what}>
              <td>
                {s.keys.map((k, i) => (
                  <span key={k}>
                    {i > 0 && ' + '}
                    <kbd>{k}</kbd>
                  </span>
                ))}
              </td>
              <td>{s.what}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </Dialog>
  );
}
