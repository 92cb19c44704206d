import type { RouterOutputs } from '../../lib/types';

/** What both a run and a quick test compare: the two sides and the day (empty: the default). */
export interface SidesChoice {
  baseline: string;
  candidate: string;
  asOf: string;
}

/** The sides as `simulations.start` and `simulations.tryLead` take them. */
export function sidesInput(choice: SidesChoice) {
  return {
    baseline:
      choice.baseline === 'published' ? ('published' as const) : { versionId: choice.baseline },
    candidate: choice.candidate === 'draft' ? ('draft' as const) : { versionId: choice.candidate },
    ...(choice.asOf ? { asOf: choice.asOf } : {}),
  };
}

/** A lead set a run or a quick test can use (ready, with leads). */
export type ReadyLeadSet = RouterOutputs['leadSets']['list'][number];
