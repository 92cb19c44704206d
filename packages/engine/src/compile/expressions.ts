import type { FieldType } from '../schema/field-catalog';
import type { Operator } from '../schema/operators';
import type { ComparisonValue } from '../schema/predicate';
import { DAY_MS, toBool, toNumber, toText, toTime } from '../runtime/values';
import type { ConstPool } from './const-pool';

/** A domain as `emailDomainIn` compares it: lower-case, without a leading `@`. */
export function normalizeDomain(v: unknown): string | undefined {
  const t = toText(v);
  return t === undefined ? undefined : t.startsWith('@') ? t.slice(1) : t;
}

const textSet = (value: ComparisonValue | undefined) =>
  new Set(
    (Array.isArray(value) ? value : [value])
      .map((v) => toText(v))
      .filter((v): v is string => v !== undefined),
  );
const numberSet = (value: ComparisonValue | undefined) =>
  new Set(
    (Array.isArray(value) ? value : [value])
      .map((v) => toNumber(v))
      .filter((v): v is number => v !== undefined),
  );
const pair = (value: ComparisonValue | undefined, read: (v: unknown) => number | undefined) =>
  Array.isArray(value) ? [read(value[0]), read(value[1])] : [undefined, undefined];

/**
 * A JavaScript expression (over the already-normalised variable `v`) that is true when the
 * comparison holds. Values become constants or checked numeric literals, never source text.
 */
export function comparisonExpr(
  v: string,
  type: FieldType,
  op: Operator,
  value: ComparisonValue | undefined,
  k: ConstPool,
  /** A variable already holding the mail domain of `v`, if there is one. */
  domain?: string,
): string {
  if (op === 'isSet') return `(${v} !== undefined)`;
  if (op === 'isEmpty') return `(${v} === undefined)`;
  switch (type) {
    case 'string':
    case 'email':
    case 'phone':
    case 'enum': {
      const c = toText(Array.isArray(value) ? undefined : value);
      switch (op) {
        case 'eq':
          return c === undefined ? 'false' : `(${v} === ${k.add(c)})`;
        case 'neq':
          return c === undefined ? 'true' : `(${v} !== ${k.add(c)})`;
        case 'in':
          return `(${v} !== undefined && ${k.add(textSet(value))}.has(${v}))`;
        case 'notIn':
          return `(${v} === undefined || !${k.add(textSet(value))}.has(${v}))`;
        case 'contains':
          return c === undefined ? 'false' : `(${v} !== undefined && ${v}.includes(${k.add(c)}))`;
        case 'startsWith':
          return c === undefined ? 'false' : `(${v} !== undefined && ${v}.startsWith(${k.add(c)}))`;
        case 'endsWith':
          return c === undefined ? 'false' : `(${v} !== undefined && ${v}.endsWith(${k.add(c)}))`;
        case 'emailDomainIn': {
          const domains = new Set(
            (Array.isArray(value) ? value : [value])
              .map(normalizeDomain)
              .filter((d): d is string => d !== undefined),
          );
          return `${k.add(domains)}.has(${domain ?? `emailDomain(${v})`})`;
        }
        case 'freeEmail':
          return `isFreeDomain(${domain ?? `emailDomain(${v})`})`;
        default:
          return 'false';
      }
    }
    case 'number': {
      const c = typeof value === 'number' ? value : undefined;
      switch (op) {
        case 'eq':
          return c === undefined ? 'false' : `(${v} === ${k.num(c)})`;
        case 'neq':
          return c === undefined ? 'true' : `(${v} !== ${k.num(c)})`;
        case 'gt':
        case 'gte':
        case 'lt':
        case 'lte': {
          if (c === undefined) return 'false';
          const sym = { gt: '>', gte: '>=', lt: '<', lte: '<=' }[op];
          return `(${v} ${sym} ${k.num(c)})`;
        }
        case 'between': {
          const [lo, hi] = pair(value, (x) => (typeof x === 'number' ? x : undefined));
          if (lo === undefined || hi === undefined) return 'false';
          return `(${v} >= ${k.num(lo)} && ${v} <= ${k.num(hi)})`;
        }
        case 'in':
          return `(${v} !== undefined && ${k.add(numberSet(value))}.has(${v}))`;
        case 'notIn':
          return `(${v} === undefined || !${k.add(numberSet(value))}.has(${v}))`;
        default:
          return 'false';
      }
    }
    case 'boolean': {
      const c = typeof value === 'boolean' ? value : toBool(value);
      if (op === 'eq') return c === undefined ? 'false' : `(${v} === ${c ? 'true' : 'false'})`;
      if (op === 'neq') return c === undefined ? 'true' : `(${v} !== ${c ? 'true' : 'false'})`;
      return 'false';
    }
    case 'date': {
      switch (op) {
        case 'before':
        case 'after': {
          const c = Array.isArray(value) ? undefined : toTime(value);
          if (c === undefined) return 'false';
          return `(${v} ${op === 'before' ? '<' : '>'} ${k.num(c)})`;
        }
        case 'between': {
          const [lo, hi] = pair(value, toTime);
          if (lo === undefined || hi === undefined) return 'false';
          return `(${v} >= ${k.num(lo)} && ${v} <= ${k.num(hi)})`;
        }
        case 'withinLastDays':
        case 'olderThanDays': {
          if (typeof value !== 'number' || !Number.isFinite(value)) return 'false';
          const span = k.num(value * DAY_MS);
          return op === 'withinLastDays'
            ? `(${v} >= now - ${span} && ${v} <= now)`
            : `(${v} < now - ${span})`;
        }
        default:
          return 'false';
      }
    }
    case 'list': {
      switch (op) {
        case 'contains': {
          const c = toText(Array.isArray(value) ? undefined : value);
          return c === undefined ? 'false' : `(${v} !== undefined && ${v}.includes(${k.add(c)}))`;
        }
        case 'in':
          return `(${v} !== undefined && listHasAny(${v}, ${k.add(textSet(value))}))`;
        case 'notIn':
          return `(${v} === undefined || !listHasAny(${v}, ${k.add(textSet(value))}))`;
        default:
          return 'false';
      }
    }
  }
}

/** The normaliser a value of a type is read through, by its name in generated code. */
export const READER_BY_TYPE: Record<FieldType, string> = {
  string: 'toText',
  email: 'toText',
  phone: 'toText',
  enum: 'toText',
  number: 'toNumber',
  boolean: 'toBool',
  date: 'toTime',
  list: 'toList',
};

/** Keys that a plain `obj[key]` read could find on Object.prototype instead of the lead. */
export function needsOwnRead(key: string): boolean {
  return key === '__proto__' || key in Object.prototype;
}
