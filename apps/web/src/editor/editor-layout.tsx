import { useReactFlow, useStoreApi } from '@xyflow/react';
import { Tabs } from 'radix-ui';
import { useCallback, useMemo, useRef, useState, type ReactNode } from 'react';
import { Canvas } from './canvas';
import { layoutAll } from './commands';
import { FIT_PADDING } from './initial-view';
import type { FlowCache } from './flow-mapping';
import { EvidenceBar } from './evidence/evidence-bar';
import { InspectorPanel } from './inspector-panel';
import { LeadPanel } from './lead-panel';
import { Palette } from './palette';
import { ProblemsPanel, useProblemGroups } from './problems-panel';
import { ShortcutsDialog, useEditorShortcuts } from './shortcuts';
import { useEditor, useEditorStoreApi, type RightPanel } from './store';

/** What the layout hands its toolbar. */
export interface ToolbarActions {
  onLayout: () => void;
  onFitView: () => void;
  onHelp: () => void;
}

/**
 * The editor's frame: toolbar on top, palette left, canvas in the middle, and on the right the
 * inspector, the problems and "Try a lead". Must sit inside a ReactFlowProvider and an
 * EditorStoreContext.
 */
export function EditorLayout(props: {
  toolbar: (actions: ToolbarActions) => ReactNode;
  banner?: ReactNode;
  onSave?: () => void;
  children?: ReactNode;
}) {
  const store = useEditorStoreApi();
  const readOnly = useEditor((s) => s.readOnly);
  const panel = useEditor((s) => s.panel);
  // The tab counts problems by cause, as the panel lists them.
  const groups = useProblemGroups();
  const errors = groups.filter((g) => g.cause.severity === 'error').length;
  const warnings = groups.length - errors;
  const reactFlow = useReactFlow();
  const cacheRef = useRef<FlowCache | null>(null);
  const [help, setHelp] = useState(false);
  const { onSave } = props;
  const shortcutActions = useMemo(
    () => ({ save: () => onSave?.(), help: () => setHelp(true) }),
    [onSave],
  );
  useEditorShortcuts(store, shortcutActions);
  const flowStore = useStoreApi();
  const onLayout = useCallback(() => {
    const { width, height } = flowStore.getState();
    layoutAll(
      store,
      (id) => cacheRef.current?.measured.get(id),
      width && height ? { width, height } : undefined,
    );
    requestAnimationFrame(
      () => void reactFlow.fitView({ padding: FIT_PADDING, maxZoom: 1, duration: 300 }),
    );
  }, [store, reactFlow, flowStore]);
  const actions: ToolbarActions = {
    onLayout,
    onFitView: () => void reactFlow.fitView({ padding: FIT_PADDING, maxZoom: 1, duration: 300 }),
    onHelp: () => setHelp(true),
  };
  return (
    <div className={`editor${readOnly ? ' is-read-only' : ''}`}>
      {props.toolbar(actions)}
      {props.banner}
      <div className="editor-body">
        {!readOnly && <Palette />}
        <Canvas cacheRef={cacheRef} />
        <Tabs.Root
          className="side-panel"
          value={panel}
          onValueChange={(value) => store.getState().setPanel(value as RightPanel)}
        >
          <Tabs.List className="side-tabs" aria-label="Side panel">
            <Tabs.Trigger value="inspector" data-testid="tab-inspector">
              Inspector
            </Tabs.Trigger>
            <Tabs.Trigger value="problems" data-testid="tab-problems">
              Problems
              {errors + warnings > 0 && (
                <span className={`tab-count${errors ? ' has-errors' : ''}`}>
                  {errors + warnings}
                </span>
              )}
            </Tabs.Trigger>
            <Tabs.Trigger value="lead" data-testid="tab-lead">
              Try a lead
            </Tabs.Trigger>
          </Tabs.List>
          <Tabs.Content value="inspector" className="side-content">
            <EvidenceBar />
            <InspectorPanel />
          </Tabs.Content>
          <Tabs.Content value="problems" className="side-content">
            <ProblemsPanel />
          </Tabs.Content>
          <Tabs.Content value="lead" className="side-content">
            <LeadPanel />
          </Tabs.Content>
        </Tabs.Root>
      </div>
      <ShortcutsDialog open={help} onOpenChange={setHelp} />
      {props.children}
    </div>
  );
}
