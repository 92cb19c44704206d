import { z } from 'zod';
import type { FieldType } from './field-catalog';

/** Every comparison operator, declared once. */
export const OPERATORS = [
  'eq',
  'neq',
  'in',
  'notIn',
  'contains',
  'startsWith',
  'endsWith',
  'isSet',
  'isEmpty',
  'gt',
  'gte',
  'lt',
  'lte',
  'between',
  'before',
  'after',
  'withinLastDays',
  'olderThanDays',
  'emailDomainIn',
  'freeEmail',
] as const;
export type Operator = (typeof OPERATORS)[number];
export const operatorSchema = z.enum(OPERATORS);

/** What a sales leader reads for each operator, e.g. in the operator dropdown. */
export const OPERATOR_LABELS = {
  eq: 'is',
  neq: 'is not',
  in: 'is one of',
  notIn: 'is none of',
  contains: 'contains',
  startsWith: 'starts with',
  endsWith: 'ends with',
  isSet: 'is given',
  isEmpty: 'is missing',
  gt: 'is more than',
  gte: 'is at least',
  lt: 'is less than',
  lte: 'is at most',
  between: 'is between',
  before: 'is before',
  after: 'is after',
  withinLastDays: 'is within the last',
  olderThanDays: 'is more than … days ago',
  emailDomainIn: 'has a domain among',
  freeEmail: 'is a free-mail address',
} as const satisfies Record<Operator, string>;

/** On list fields, membership operators read differently. */
export const LIST_OPERATOR_LABELS: Partial<Record<Operator, string>> = {
  contains: 'includes',
  in: 'includes any of',
  notIn: 'includes none of',
};

const TEXT_OPS = [
  'eq',
  'neq',
  'in',
  'notIn',
  'contains',
  'startsWith',
  'endsWith',
  'isSet',
  'isEmpty',
] as const satisfies readonly Operator[];

const OPERATORS_BY_TYPE = {
  string: TEXT_OPS,
  phone: TEXT_OPS,
  email: [...TEXT_OPS, 'emailDomainIn', 'freeEmail'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between', 'in', 'notIn', 'isSet', 'isEmpty'],
  boolean: ['eq', 'neq', 'isSet', 'isEmpty'],
  date: ['before', 'after', 'between', 'withinLastDays', 'olderThanDays', 'isSet', 'isEmpty'],
  enum: ['eq', 'neq', 'in', 'notIn', 'isSet', 'isEmpty'],
  list: ['contains', 'in', 'notIn', 'isSet', 'isEmpty'],
} as const satisfies Record<FieldType, readonly Operator[]>;

/**
 * The operators that make sense for a value type, in dropdown order.
 * @example operatorsForType('number') // ['eq', 'neq', 'gt', 'gte', …]
 */
export function operatorsForType(type: FieldType): readonly Operator[] {
  return OPERATORS_BY_TYPE[type] ?? [];
}

/** What input a comparison's value needs. */
export const VALUE_KINDS = [
  'none',
  'text',
  'textList',
  'number',
  'numberList',
  'numberRange',
  'boolean',
  'date',
  'dateRange',
  'days',
  'enum',
  'enumList',
  'domainList',
] as const;
export type ValueKind = (typeof VALUE_KINDS)[number];

/**
 * The kind of value a comparison needs for a type and operator (`'none'` for isSet, freeEmail…);
 * `undefined` when the operator does not apply to the type.
 * @example valueKindFor('number', 'between') // 'numberRange'
 */
export function valueKindFor(type: FieldType, op: Operator): ValueKind | undefined {
  if (!operatorsForType(type).includes(op)) return undefined;
  switch (op) {
    case 'isSet':
    case 'isEmpty':
    case 'freeEmail':
      return 'none';
    case 'emailDomainIn':
      return 'domainList';
    case 'withinLastDays':
    case 'olderThanDays':
      return 'days';
    case 'before':
    case 'after':
      return 'date';
    case 'between':
      return type === 'date' ? 'dateRange' : 'numberRange';
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return 'number';
    case 'in':
    case 'notIn':
      return type === 'number' ? 'numberList' : type === 'enum' ? 'enumList' : 'textList';
    case 'eq':
    case 'neq':
      return type === 'number'
        ? 'number'
        : type === 'boolean'
          ? 'boolean'
          : type === 'enum'
            ? 'enum'
            : 'text';
    case 'contains':
    case 'startsWith':
    case 'endsWith':
      return 'text';
  }
}
