import { useCallback, useSyncExternalStore } from 'react';

/**
 * The evidence a person chose for a workflow: which lead set (with outcomes) judges its rules,
 * how it is split into a part suggestions are fitted on and a held-out part they are judged on,
 * and the step suggested points are rounded to. Kept per workflow in localStorage, so the editor
 * and the Tune page read the same numbers and a reload keeps the choice.
 */
export interface EvidenceChoice {
  /** '' until a lead set is chosen. */
  leadSetId: string;
  seed: number;
  /** The held-out share, 0.1–0.5. */
  holdoutShare: number;
  /** Suggested points are rounded to a multiple of this. */
  step: number;
}

export const DEFAULT_CHOICE: EvidenceChoice = {
  leadSetId: '',
  seed: 1,
  holdoutShare: 0.3,
  step: 5,
};

export const HOLDOUT_SHARES = [0.2, 0.3, 0.4, 0.5] as const;
export const POINT_STEPS = [1, 5, 10] as const;

const storageKey = (workflowId: string) => `accord:evidence:${workflowId}`;

const clampInt = (value: unknown, min: number, max: number, fallback: number) =>
  typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max
    ? value
    : fallback;

/**
 * Reads a stored choice, keeping only values that make sense (a hand-edited or old entry falls
 * back to the defaults field by field).
 * @example parseChoice('{"leadSetId":"x","seed":7}') // { leadSetId: 'x', seed: 7, holdoutShare: 0.3, step: 5 }
 */
export function parseChoice(text: string | null): EvidenceChoice {
  if (!text) return DEFAULT_CHOICE;
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return DEFAULT_CHOICE;
  }
  if (typeof raw !== 'object' || raw === null) return DEFAULT_CHOICE;
  const r = raw as Record<string, unknown>;
  return {
    leadSetId: typeof r.leadSetId === 'string' && r.leadSetId.length <= 64 ? r.leadSetId : '',
    seed: clampInt(r.seed, 0, 2_147_483_647, DEFAULT_CHOICE.seed),
    holdoutShare:
      typeof r.holdoutShare === 'number' && r.holdoutShare >= 0.1 && r.holdoutShare <= 0.5
        ? r.holdoutShare
        : DEFAULT_CHOICE.holdoutShare,
    step: clampInt(r.step, 1, 100, DEFAULT_CHOICE.step),
  };
}

// One listener set for every hook in the tab; other tabs are heard through the storage event.
const listeners = new Set<() => void>();
const cache = new Map<string, { text: string | null; choice: EvidenceChoice }>();

function read(workflowId: string): EvidenceChoice {
  let text: string | null = null;
  try {
    text = localStorage.getItem(storageKey(workflowId));
  } catch {
    // storage blocked: the defaults
  }
  const cached = cache.get(workflowId);
  if (cached && cached.text === text) return cached.choice;
  const choice = parseChoice(text);
  cache.set(workflowId, { text, choice });
  return choice;
}

function subscribe(listener: () => void) {
  listeners.add(listener);
  window.addEventListener('storage', listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener('storage', listener);
  };
}

/**
 * The evidence choice of a workflow and a setter that stores it (every hook of the tab sees it).
 * @example const [choice, setChoice] = useEvidenceChoice(workflowId); setChoice({ seed: 2 });
 */
export function useEvidenceChoice(
  workflowId: string,
): [EvidenceChoice, (patch: Partial<EvidenceChoice>) => void] {
  const choice = useSyncExternalStore(subscribe, () => read(workflowId));
  const update = useCallback(
    (patch: Partial<EvidenceChoice>) => {
      const next = { ...read(workflowId), ...patch };
      try {
        localStorage.setItem(storageKey(workflowId), JSON.stringify(next));
      } catch {
        // storage blocked: the choice lasts as long as the cache
        cache.set(workflowId, { text: null, choice: next });
      }
      for (const l of listeners) l();
    },
    [workflowId],
  );
  return [choice, update];
}
