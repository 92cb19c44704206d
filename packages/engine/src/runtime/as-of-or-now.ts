import { toAsOf } from './values';

/**
 * The moment a lead is evaluated as of: the one chosen, else now. The one default of every place
 * a lead is tried (REST, CLI, `simulations.tryLead`, the editor's lead panel, the Simulate page's
 * quick test), so the same lead answers the same everywhere.
 * @example asOfOrNow(undefined) // Date.now()
 * @example asOfOrNow('2026-11-01T00:00:00Z') // 1793491200000
 */
export function asOfOrNow(chosen?: Date | number | string | null): number {
  return chosen === undefined || chosen === null || chosen === '' ? Date.now() : toAsOf(chosen);
}
