import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTRPC } from '../../lib/trpc';
import type { RouterOutputs } from '../../lib/types';
import { coverageEvidence, type WholeSetEvidence } from '../tuning/coverage-evidence';

/**
 * How the leads each candidate rule fired on converted, for a finished run on a set with
 * outcomes: the tuning evidence of the run's candidate on the run's leads, as of the run's day.
 * A draft candidate counts only while the draft is still the revision the run simulated.
 */
export function useCoverageEvidence(
  run: RouterOutputs['simulations']['get'],
  hasOutcomes: boolean,
): ReadonlyMap<string, WholeSetEvidence> | undefined {
  const trpc = useTRPC();
  const versionId = run.candidate.versionId;
  const side = versionId ? { versionId } : ('draft' as const);
  const report = useQuery(
    trpc.tuning.evidence.queryOptions(
      {
        workflowId: run.workflowId,
        side,
        leadSetId: run.leadSet.id,
        asOf: run.asOf,
      },
      { enabled: hasOutcomes && run.status === 'done', staleTime: 60_000 },
    ),
  );
  const data = report.data;
  return useMemo(() => {
    if (!data) return undefined;
    if (!versionId && data.side.draftRevision !== run.candidate.draftRevision) return undefined;
    return coverageEvidence(data);
  }, [data, versionId, run.candidate.draftRevision]);
}
