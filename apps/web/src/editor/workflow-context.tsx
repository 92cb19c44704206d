import {
  indexCatalog,
  type CatalogIndex,
  type FieldCatalog,
  type ScoreDef,
  type Stage,
  type TextContext,
} from '@accord/engine';
import { createContext, useContext, useMemo, type ReactNode } from 'react';

/** What forms and node bodies need to name things: the catalog, the stages and the scores. */
export interface WorkflowContextValue {
  catalog: FieldCatalog;
  index: CatalogIndex;
  stages: readonly Stage[];
  scores: readonly ScoreDef[];
  /** For the engine's text helpers (`predicateText`, `operandType`…). */
  text: TextContext;
}

const WorkflowContext = createContext<WorkflowContextValue | null>(null);

/**
 * Provides the catalog and the workflow's stages and scores. The catalog is the one the shown
 * document is read with: the workspace's live catalog for the draft, a version's pinned one for
 * a version, each side's own for a simulation. Its value changes only when the catalog, stages
 * or scores do, so node bodies do not re-render on every edit.
 */
export function WorkflowContextProvider(props: {
  stages: readonly Stage[];
  scores: readonly ScoreDef[];
  catalog: FieldCatalog;
  children: ReactNode;
}) {
  const { stages, scores, catalog } = props;
  const value = useMemo(() => {
    const index = indexCatalog(catalog);
    return {
      catalog,
      index,
      stages,
      scores,
      text: { catalog: index, scores: new Map(scores.map((s) => [s.id, s])) },
    };
  }, [catalog, stages, scores]);
  return <WorkflowContext.Provider value={value}>{props.children}</WorkflowContext.Provider>;
}

export function useWorkflowContext(): WorkflowContextValue {
  const value = useContext(WorkflowContext);
  if (!value) throw new Error('useWorkflowContext needs a WorkflowContextProvider');
  return value;
}
