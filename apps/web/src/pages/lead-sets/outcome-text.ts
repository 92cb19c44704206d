import type { Lead } from '@accord/engine';

/**
 * A lead's known outcome as a reader says it: "converted", "not converted", "won", "lost", or
 * the stage reached with whether that counts as converted; "—" when unknown.
 * @example outcomeText({ converted: true, stage: 'Closed Won' }) // 'Closed Won (converted)'
 */
export function outcomeText(outcome: Lead['outcome']): string {
  if (!outcome) return '—';
  const converted = outcome.converted ? 'converted' : 'not converted';
  if (typeof outcome.stage === 'string' && outcome.stage !== '')
    return `${outcome.stage} (${converted})`;
  if (typeof outcome.won === 'boolean') return outcome.won ? 'won' : 'lost';
  return converted;
}
