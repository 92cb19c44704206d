import { parseWorkflow } from '@accord/engine';
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTRPC } from '../lib/trpc';

/** A version with its document parsed by the engine's schema (undefined while loading). */
export function useVersionDocument(versionId: string) {
  const trpc = useTRPC();
  const version = useQuery({
    ...trpc.versions.get.queryOptions({ versionId }),
    enabled: !!versionId,
  });
  const parsed = useMemo(
    () => (version.data ? parseWorkflow(version.data.document) : undefined),
    [version.data],
  );
  return { version, workflow: parsed?.ok ? parsed.workflow : undefined, parsed };
}
