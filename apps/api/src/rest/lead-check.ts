import {
  checkLeadValues,
  formatPath,
  leadSchema,
  type FieldCatalog,
  type Lead,
  type LeadValueIssue,
} from '@accord/engine';

const isValue = (v: unknown): boolean => {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v);
    case 'object':
      if (v === null) return true;
      if (!Array.isArray(v)) return false;
      for (let i = 0; i < v.length; i++) {
        const item: unknown = v[i];
        if (typeof item !== 'string' && !(typeof item === 'number' && Number.isFinite(item)))
          return false;
      }
      return true;
    default:
      return false;
  }
};

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function isValueRecord(v: unknown): boolean {
  if (!isRecord(v)) return false;
  for (const key in v) if (!isValue(v[key])) return false;
  return true;
}

/**
 * The hot-path twin of `leadSchema.safeParse(x).success`: a plain structural check without
 * allocations, so a batch of valid leads skips zod. Anything it rejects goes through zod for the
 * error message and path; a property test keeps the two in agreement.
 */
export function isValidLead(x: unknown): x is Lead {
  if (!isRecord(x) || typeof x.id !== 'string' || !isValueRecord(x.attributes)) return false;
  const events = x.events;
  if (events !== undefined) {
    if (!Array.isArray(events)) return false;
    for (let i = 0; i < events.length; i++) {
      const e: unknown = events[i];
      if (!isRecord(e) || typeof e.type !== 'string') return false;
      if (typeof e.at !== 'string' && !(typeof e.at === 'number' && Number.isFinite(e.at)))
        return false;
      if (e.props !== undefined && !isValueRecord(e.props)) return false;
    }
  }
  const outcome = x.outcome;
  return outcome === undefined || (isRecord(outcome) && typeof outcome.converted === 'boolean');
}

/** A lead as sent, checked: ready to evaluate with its warnings, or what is wrong and where. */
export type LeadCheck =
  | { ok: true; lead: Lead; warnings: readonly LeadValueIssue[] }
  | { ok: false; message: string; path: string };

/**
 * Checks a lead as sent: its shape (`isValidLead`, zod only for the message of a bad one), then
 * its values against the version's pinned catalog (`checkLeadValues`). Paths are relative to the
 * lead (`attributes.email`; empty for the lead itself).
 * @example checkLead({ id: 'L', attributes: { email: 42 } }, catalog) // { ok: false, message: 'expected an email address (text), got 42', path: 'attributes.email' }
 */
export function checkLead(input: unknown, catalog: FieldCatalog): LeadCheck {
  if (!isValidLead(input)) {
    const issue = leadSchema.safeParse(input).error?.issues[0];
    return {
      ok: false,
      message: issue?.message ?? 'Invalid lead',
      path: formatPath(issue?.path ?? []),
    };
  }
  const { errors, warnings } = checkLeadValues(input, catalog);
  if (errors.length > 0)
    return {
      ok: false,
      message:
        errors.length === 1
          ? errors[0]!.message
          : `${errors[0]!.message} (and ${errors.length - 1} more problem${errors.length === 2 ? '' : 's'})`,
      path: errors[0]!.path,
    };
  return { ok: true, lead: input, warnings };
}
