import type { FieldCatalog, SimulationResult } from '@accord/engine';

/** What the run manager sends a simulation worker. */
export type ToWorker =
  | {
      type: 'start';
      baseline: unknown;
      candidate: unknown;
      baselineCatalog: FieldCatalog;
      candidateCatalog: FieldCatalog;
      asOf: number;
      keepChanged: number;
    }
  /** A page of leads as one JSON array text; `firstIndex` is the position of its first lead. */
  | { type: 'page'; json: string; firstIndex: number }
  | { type: 'finish' };

/** What a simulation worker answers. */
export type FromWorker =
  | { type: 'progress'; leads: number }
  | { type: 'result'; result: SimulationResult }
  | { type: 'error'; message: string };
