import { parseLead, type Lead } from '@accord/engine';

/**
 * A lead from pasted JSON text, or what is wrong with it: not JSON, or each problem with the
 * path where it is ("id: expected string").
 * @example leadFromJson('{"id": 1}') // { error: 'id: …' }
 */
export function leadFromJson(text: string): { lead: Lead } | { error: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { error: `Not JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
  const parsed = parseLead(value);
  if (!parsed.ok)
    return { error: parsed.errors.map((e) => `${e.path || 'lead'}: ${e.message}`).join('; ') };
  return { lead: parsed.lead };
}
