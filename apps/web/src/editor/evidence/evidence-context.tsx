import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useMemo } from 'react';
import { useTRPC } from '../../lib/trpc';
import { useEvidenceChoice, type EvidenceChoice } from '../../pages/tuning/evidence-choice';
import { splitText } from '../../pages/tuning/format';
import { indexEvidence, type EvidenceIndex } from './evidence-index';

/** The editor's evidence: off until a lead set is chosen, then loading, failed or ready. */
export type EditorEvidence = { workflowId: string; choice: EvidenceChoice } & (
  | { status: 'off' }
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | {
      status: 'ready';
      index: EvidenceIndex;
      /** "judged on the held-out 30%, seed 1": where the shown numbers come from. */
      judgedOn: string;
      /** "fitted on the other 70%, seed 1": where suggested points come from. */
      fittedOn: string;
      /** Suggested points are still being computed, or could not be. */
      pointsPending: boolean;
    }
);

export const EvidenceContext = createContext<EditorEvidence | null>(null);

/** The surrounding editor's evidence, or null outside an editor with evidence (e.g. a version view). */
export function useEvidence(): EditorEvidence | null {
  return useContext(EvidenceContext);
}

/**
 * Asks the API for the draft's evidence on the chosen lead set, and its suggested points, once
 * a set is chosen; asks again after each save of the draft (`revision`), keeping the last
 * numbers on screen meanwhile.
 */
export function useEditorEvidence(workflowId: string, revision: number): EditorEvidence {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [choice] = useEvidenceChoice(workflowId);
  const enabled = choice.leadSetId !== '';
  const input = {
    workflowId,
    side: 'draft' as const,
    leadSetId: choice.leadSetId,
    seed: choice.seed,
    holdoutShare: choice.holdoutShare,
  };
  const evidence = useQuery(
    trpc.tuning.evidence.queryOptions(input, {
      enabled,
      placeholderData: keepPreviousData,
      staleTime: Infinity,
    }),
  );
  const points = useQuery(
    trpc.tuning.suggestPoints.queryOptions(
      { ...input, step: choice.step },
      { enabled, placeholderData: keepPreviousData, staleTime: Infinity },
    ),
  );
  // A saved draft may fire differently: ask again (the server caches by the document's hash).
  useEffect(() => {
    if (!enabled) return;
    void queryClient.invalidateQueries({ queryKey: trpc.tuning.evidence.pathKey() });
    void queryClient.invalidateQueries({ queryKey: trpc.tuning.suggestPoints.pathKey() });
  }, [revision, enabled, queryClient, trpc]);
  const index = useMemo(
    () => (evidence.data ? indexEvidence(evidence.data, points.data) : null),
    [evidence.data, points.data],
  );
  return useMemo((): EditorEvidence => {
    const base = { workflowId, choice };
    if (!enabled) return { ...base, status: 'off' };
    if (evidence.error) return { ...base, status: 'error', message: evidence.error.message };
    if (!index) return { ...base, status: 'loading' };
    const split = index.report.split;
    return {
      ...base,
      status: 'ready',
      index,
      judgedOn: splitText('holdout', split.holdoutShare, split.seed),
      fittedOn: splitText('fit', split.holdoutShare, split.seed),
      pointsPending: !points.data,
    };
  }, [workflowId, choice, enabled, evidence.error, index, points.data]);
}
