import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../lib/trpc';
import type { EvidenceChoice } from './evidence-choice';

/**
 * The draft's threshold curves on the chosen lead set and split: one query (and one cache entry)
 * for the threshold explorer and the drafted scorecard's choice of comparison.
 * @example const thresholds = useDraftThresholds(workflowId, choice);
 */
export function useDraftThresholds(workflowId: string, choice: EvidenceChoice) {
  const trpc = useTRPC();
  return useQuery(
    trpc.tuning.thresholds.queryOptions(
      {
        workflowId,
        side: 'draft',
        leadSetId: choice.leadSetId,
        seed: choice.seed,
        holdoutShare: choice.holdoutShare,
      },
      { staleTime: 30_000 },
    ),
  );
}
