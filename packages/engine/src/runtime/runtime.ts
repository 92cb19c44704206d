import {
  checklistReasonText,
  detailDate,
  detailNumber,
  detailText,
  eventCountDetail,
} from './reason-text';
import { TextFacts } from './text-facts';
import {
  emailDomain,
  formatNumber,
  formatPoints,
  formatRaw,
  hasText,
  isFreeDomain,
  isFreeEmail,
  mailDomain,
  ownValue,
  round2,
  setOwn,
  toAsOf,
  toBool,
  toList,
  toNumber,
  toText,
  toTime,
} from './values';

/** Whether any item of a list is in a set. */
export function listHasAny(list: readonly string[], set: ReadonlySet<string>): boolean {
  for (const item of list) if (set.has(item)) return true;
  return false;
}

/** The helpers generated evaluators call; passed in as an argument, never looked up globally. */
export const runtime = Object.freeze({
  toText,
  hasText,
  toNumber,
  toBool,
  toTime,
  toList,
  toAsOf,
  emailDomain,
  mailDomain,
  isFreeEmail,
  isFreeDomain,
  listHasAny,
  TextFacts,
  ownValue,
  setOwn,
  round2,
  formatNumber,
  formatPoints,
  formatRaw,
  eventCountDetail,
  checklistReasonText,
  detailText,
  detailNumber,
  detailDate,
  EMPTY: Object.freeze({}) as Readonly<Record<string, never>>,
  NONE: Object.freeze([]) as readonly never[],
});
export type Runtime = typeof runtime;
