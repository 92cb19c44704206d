import type { FieldCatalog, FieldType } from '../schema/field-catalog';
import type { LeadInput } from '../schema/lead';
import { formatPath } from '../schema/parse-workflow';
import { toBool, toNumber, toTime } from '../runtime/values';

/** A value of a lead that does not fit the catalog, at a path such as `attributes.email`. */
export interface LeadValueIssue {
  path: string;
  message: string;
}

/**
 * What `checkLeadValues` found: `errors` (wrongly typed values, unknown event types, unreadable
 * event times) make the lead unusable; `warnings` (attributes and event properties the catalog
 * does not know, enum values outside its options) are ignored by every workflow.
 */
export interface LeadValueCheck {
  errors: readonly LeadValueIssue[];
  warnings: readonly LeadValueIssue[];
}

/** Checks one value; answers what is wrong with it, or `undefined`. */
type ValueCheck = (value: unknown) => string | undefined;

interface Checker {
  fields: Map<string, ValueCheck>;
  enums: Map<string, Set<string>>;
  events: Map<string, { props: Map<string, ValueCheck>; enums: Map<string, Set<string>> }>;
}

const CLEAN: LeadValueCheck = Object.freeze({
  errors: Object.freeze([]),
  warnings: Object.freeze([]),
}) as LeadValueCheck;

/** Shown in messages: the value as JSON, cut short. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}…` : text;
}

/** Blank text and null read as "not given" for every type (trimmed only when it may be blank). */
const isMissing = (v: unknown) =>
  v === null ||
  (typeof v === 'string' && (v.length === 0 || (v.charCodeAt(0) <= 32 && v.trim() === '')));

/** Whether text is one of an enum's values, compared as the evaluator compares text. */
const isOption = (options: Set<string>, value: string) =>
  options.has(value) || options.has(value.trim().toLowerCase());

const checks: Record<FieldType, ValueCheck> = {
  string: (v) =>
    typeof v === 'string' || typeof v === 'number' ? undefined : `expected text, got ${shown(v)}`,
  phone: (v) =>
    typeof v === 'string' || typeof v === 'number'
      ? undefined
      : `expected a phone number (text), got ${shown(v)}`,
  email: (v) =>
    typeof v === 'string' ? undefined : `expected an email address (text), got ${shown(v)}`,
  enum: (v) => (typeof v === 'string' ? undefined : `expected one value (text), got ${shown(v)}`),
  number: (v) => (toNumber(v) !== undefined ? undefined : `expected a number, got ${shown(v)}`),
  boolean: (v) =>
    toBool(v) !== undefined
      ? undefined
      : `expected yes or no (true, false, "yes", "no", 1, 0), got ${shown(v)}`,
  date: (v) =>
    toTime(v) !== undefined
      ? undefined
      : `expected a date (ISO 8601 text or epoch milliseconds), got ${shown(v)}`,
  list: (v) =>
    typeof v === 'string' || Array.isArray(v)
      ? undefined
      : `expected a list (an array or comma-separated text), got ${shown(v)}`,
};

const checkers = new WeakMap<FieldCatalog, Checker>();

/** The checker of a catalog, built once per catalog object. */
function checkerOf(catalog: FieldCatalog): Checker {
  let checker = checkers.get(catalog);
  if (checker) return checker;
  checker = { fields: new Map(), enums: new Map(), events: new Map() };
  for (const field of catalog.fields) {
    if (checker.fields.has(field.id)) continue;
    checker.fields.set(field.id, checks[field.type]);
    if (field.type === 'enum' && field.values?.length)
      checker.enums.set(field.id, new Set(field.values.map((o) => o.value.toLowerCase())));
  }
  for (const event of catalog.events) {
    if (checker.events.has(event.id)) continue;
    const props = new Map<string, ValueCheck>();
    const enums = new Map<string, Set<string>>();
    for (const prop of event.props ?? []) {
      if (props.has(prop.id)) continue;
      props.set(prop.id, checks[prop.type]);
      if (prop.type === 'enum' && prop.values?.length)
        enums.set(prop.id, new Set(prop.values.map((o) => o.value.toLowerCase())));
    }
    checker.events.set(event.id, { props, enums });
  }
  checkers.set(catalog, checker);
  return checker;
}

/**
 * Checks a structurally valid lead's values against a field catalog: each known attribute and
 * event property has a value its field type can be read as (numbers also from numeric text, yes/no
 * also from "yes", "no", 1, 0, dates from ISO 8601 text or epoch milliseconds; null and blank text
 * are "not given"), every event type is in the catalog and every event time is readable. Paths
 * are relative to the lead (`attributes.email`, `events[0].at`). The checker is built once per
 * catalog object, so a lead costs one map lookup per value.
 * @example checkLeadValues({ id: 'l', attributes: { email: 42 }, events: [] }, defaultCatalog).errors[0]
 * // { path: 'attributes.email', message: 'expected an email address (text), got 42' }
 */
export function checkLeadValues(
  lead: Pick<LeadInput, 'attributes' | 'events'>,
  catalog: FieldCatalog,
): LeadValueCheck {
  const checker = checkerOf(catalog);
  let errors: LeadValueIssue[] | undefined;
  let warnings: LeadValueIssue[] | undefined;
  const attributes = lead.attributes;
  for (const key in attributes) {
    const check = checker.fields.get(key);
    if (check === undefined) {
      (warnings ??= []).push({
        path: formatPath(['attributes', key]),
        message: `"${key}" is not a field of the catalog; it is ignored`,
      });
      continue;
    }
    const value = attributes[key];
    if (isMissing(value)) continue;
    const problem = check(value);
    if (problem !== undefined)
      (errors ??= []).push({ path: formatPath(['attributes', key]), message: problem });
    else if (typeof value === 'string') {
      const options = checker.enums.get(key);
      if (options !== undefined && !isOption(options, value))
        (warnings ??= []).push({
          path: formatPath(['attributes', key]),
          message: `${shown(value)} is not one of the catalog's values; it matches none`,
        });
    }
  }
  // Unparsed leads (the REST API's fast check skips zod) may leave `events` out.
  const events = lead.events ?? [];
  for (let i = 0; i < events.length; i++) {
    const event = events[i]!;
    const def = checker.events.get(event.type);
    if (def === undefined)
      (errors ??= []).push({
        path: `events[${i}].type`,
        message: `${shown(event.type)} is not an event type of the catalog`,
      });
    if (toTime(event.at) === undefined)
      (errors ??= []).push({
        path: `events[${i}].at`,
        message: `expected a date-time (ISO 8601 text or epoch milliseconds), got ${shown(event.at)}`,
      });
    const props = event.props;
    if (def === undefined || props === undefined) continue;
    for (const key in props) {
      const check = def.props.get(key);
      if (check === undefined) {
        (warnings ??= []).push({
          path: formatPath(['events', i, 'props', key]),
          message: `"${key}" is not a property of ${event.type} events; it is ignored`,
        });
        continue;
      }
      const value = props[key];
      if (isMissing(value)) continue;
      const problem = check(value);
      if (problem !== undefined)
        (errors ??= []).push({ path: formatPath(['events', i, 'props', key]), message: problem });
      else if (typeof value === 'string') {
        const options = def.enums.get(key);
        if (options !== undefined && !isOption(options, value))
          (warnings ??= []).push({
            path: formatPath(['events', i, 'props', key]),
            message: `${shown(value)} is not one of the catalog's values; it matches none`,
          });
      }
    }
  }
  return errors === undefined && warnings === undefined
    ? CLEAN
    : { errors: errors ?? CLEAN.errors, warnings: warnings ?? CLEAN.warnings };
}
