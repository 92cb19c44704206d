import { assertNever } from '../assert-never';
import type { CatalogIndex } from '../catalog/catalog-index';
import { operandLabel, operandType, type TextContext } from '../describe/predicate-text';
import type { EnumOption, FieldType } from '../schema/field-catalog';
import {
  OPERATOR_LABELS,
  operatorsForType,
  valueKindFor,
  type Operator,
  type ValueKind,
} from '../schema/operators';
import {
  isComparison,
  type ComparisonValue,
  type EventFilter,
  type Operand,
  type Predicate,
} from '../schema/predicate';
import type { Diagnostic, DiagnosticCode } from './diagnostic';

/** Where a check reports: the node it belongs to and a way to add diagnostics. */
export interface CheckContext extends TextContext {
  catalog: CatalogIndex;
  assignedTags: ReadonlySet<string>;
  report: (d: Diagnostic) => void;
}

interface At {
  nodeId: string;
  path: string;
}

const TYPE_NOUNS: Record<FieldType, string> = {
  string: 'text',
  email: 'an email address',
  phone: 'a phone number',
  number: 'a number',
  boolean: 'yes/no',
  date: 'a date',
  enum: 'a choice',
  list: 'a list',
};

const KIND_NOUNS: Record<ValueKind, string> = {
  none: 'no value',
  text: 'a text',
  textList: 'a list of texts',
  number: 'a number',
  numberList: 'a list of numbers',
  numberRange: 'two numbers (from, to)',
  boolean: 'yes or no',
  date: 'a date',
  dateRange: 'two dates (from, to)',
  days: 'a number of days',
  enum: 'one of the choices',
  enumList: 'a list of choices',
  domainList: 'a list of domains',
};

function valueNoun(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'yes/no';
  if (typeof value === 'string') return Number.isFinite(Date.parse(value)) ? 'a date text' : 'text';
  return 'an unknown value';
}

const isDate = (v: unknown) =>
  (typeof v === 'number' && Number.isFinite(v)) ||
  (typeof v === 'string' && Number.isFinite(Date.parse(v)));
const isText = (v: unknown): v is string => typeof v === 'string';
const isNum = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const toMs = (v: string | number) => (typeof v === 'number' ? v : Date.parse(v));

const SCALAR_KINDS = new Set<ValueKind>(['text', 'number', 'boolean', 'date', 'days', 'enum']);

type Problem = { code: DiagnosticCode; severity: 'error' | 'warning'; message: string };

function mismatchProblem(
  q: string,
  type: FieldType,
  op: Operator,
  kind: ValueKind,
  value: ComparisonValue | undefined,
): Problem {
  return {
    code: 'value-type-mismatch',
    severity: 'error',
    message:
      SCALAR_KINDS.has(kind) && !Array.isArray(value) && value !== undefined && value !== null
        ? `${q} compares ${TYPE_NOUNS[type]} with ${valueNoun(value)}`
        : `${q} ${OPERATOR_LABELS[op]} needs ${KIND_NOUNS[kind]}, not ${valueNoun(value)}`,
  };
}

function emptyProblem(q: string, op: Operator): Problem {
  return {
    code: 'empty-value',
    severity: 'error',
    message: `${q} ${OPERATOR_LABELS[op]} has no value yet`,
  };
}

function unknownOptionProblem(
  q: string,
  v: string,
  options: readonly EnumOption[] | undefined,
): Problem | undefined {
  if (!options) return undefined;
  const t = v.trim().toLowerCase();
  return options.some((o) => o.value.toLowerCase() === t)
    ? undefined
    : {
        code: 'unknown-enum-value',
        severity: 'warning',
        message: `${q} has no choice '${v}'; it will never match`,
      };
}

/**
 * Checks a comparison value against what the operator needs; returns the diagnostic code and
 * message, or undefined when it fits.
 */
function checkValue(
  label: string,
  type: FieldType,
  op: Operator,
  kind: ValueKind,
  value: ComparisonValue | undefined,
  options: readonly EnumOption[] | undefined,
): Problem | undefined {
  const q = `'${label}'`;
  const mismatch = () => mismatchProblem(q, type, op, kind, value);
  const empty = () => emptyProblem(q, op);
  const unknownOption = (v: string) => unknownOptionProblem(q, v, options);
  switch (kind) {
    case 'none':
      return value === undefined || value === null
        ? undefined
        : {
            code: 'ignored-value',
            severity: 'warning',
            message: `${q} ${OPERATOR_LABELS[op]} needs no value; the value is ignored`,
          };
    case 'text':
      if (value === undefined || value === null) return empty();
      if (!isText(value)) return mismatch();
      return value.trim() === '' ? empty() : undefined;
    case 'enum':
      if (value === undefined || value === null) return empty();
      if (!isText(value)) return mismatch();
      if (value.trim() === '') return empty();
      return unknownOption(value);
    case 'number':
      if (value === undefined || value === null) return empty();
      return isNum(value) ? undefined : mismatch();
    case 'boolean':
      if (value === undefined || value === null) return empty();
      return typeof value === 'boolean' ? undefined : mismatch();
    case 'date':
      if (value === undefined || value === null || value === '') return empty();
      return isDate(value) ? undefined : mismatch();
    case 'days':
      if (value === undefined || value === null) return empty();
      if (!isNum(value)) return mismatch();
      return value < 0
        ? { code: 'bad-threshold', severity: 'error', message: `${q}: days can't be negative` }
        : undefined;
    case 'textList':
    case 'domainList':
    case 'enumList': {
      if (value === undefined || value === null) return empty();
      if (!Array.isArray(value) || !value.every(isText)) return mismatch();
      if (value.length === 0 || value.some((v) => v.trim() === '')) return empty();
      if (kind === 'enumList')
        for (const v of value) {
          const problem = unknownOption(v);
          if (problem) return problem;
        }
      return undefined;
    }
    case 'numberList':
      if (value === undefined || value === null) return empty();
      if (!Array.isArray(value) || !value.every(isNum)) return mismatch();
      return value.length === 0 ? empty() : undefined;
    case 'numberRange':
    case 'dateRange': {
      if (value === undefined || value === null) return empty();
      const ok = kind === 'numberRange' ? isNum : isDate;
      if (!Array.isArray(value) || value.length !== 2 || !value.every(ok)) return mismatch();
      const [lo, hi] = value as [string | number, string | number];
      return toMs(lo) > toMs(hi)
        ? {
            code: 'bad-threshold',
            severity: 'error',
            message: `${q} ${OPERATOR_LABELS[op]}: the first value is above the second`,
          }
        : undefined;
    }
    default:
      return assertNever(kind);
  }
}

/** Checks one typed comparison (a predicate leaf, an event property filter or a table cell). */
export function checkComparison(
  label: string,
  type: FieldType,
  op: Operator,
  value: ComparisonValue | undefined,
  options: readonly EnumOption[] | undefined,
  at: At,
  ctx: CheckContext,
): void {
  const kind = valueKindFor(type, op);
  if (kind === undefined) {
    ctx.report({
      severity: 'error',
      code: 'operator-type-mismatch',
      message: `'${label}' is ${TYPE_NOUNS[type]}; '${OPERATOR_LABELS[op]}' doesn't apply (use ${operatorsForType(
        type,
      )
        .map((o) => `'${OPERATOR_LABELS[o]}'`)
        .join(', ')})`,
      nodeId: at.nodeId,
      path: `${at.path}.op`,
    });
    return;
  }
  const problem = checkValue(label, type, op, kind, value, options);
  if (problem) ctx.report({ ...problem, nodeId: at.nodeId, path: `${at.path}.value` });
}

/** Checks an event filter: the event type, its property conditions, the time window. */
export function checkEventFilter(filter: EventFilter, at: At, ctx: CheckContext): void {
  const event = ctx.catalog.events.get(filter.event);
  if (!event) {
    ctx.report({
      severity: 'error',
      code: 'unknown-event',
      message: `There is no event type '${filter.event}' in the field catalog`,
      nodeId: at.nodeId,
      path: `${at.path}.event`,
    });
    return;
  }
  if (filter.withinDays !== undefined && !(filter.withinDays >= 0)) {
    ctx.report({
      severity: 'error',
      code: 'bad-threshold',
      message: `'${event.def.label}': the number of days can't be negative`,
      nodeId: at.nodeId,
      path: `${at.path}.withinDays`,
    });
  }
  (filter.where ?? []).forEach((w, i) => {
    const path = `${at.path}.where[${i}]`;
    const prop = event.props.get(w.prop);
    if (!prop) {
      ctx.report({
        severity: 'error',
        code: 'unknown-event-prop',
        message: `'${event.def.label}' events have no property '${w.prop}'`,
        nodeId: at.nodeId,
        path: `${path}.prop`,
      });
      return;
    }
    checkComparison(
      `${event.def.label} ${prop.label}`,
      prop.type,
      w.op,
      w.value,
      prop.values,
      { nodeId: at.nodeId, path },
      ctx,
    );
  });
}

/** Checks an operand; returns its type and label when it is known. */
export function checkOperand(
  operand: Operand,
  at: At,
  ctx: CheckContext,
): { type: FieldType; label: string; options?: readonly EnumOption[] } | undefined {
  switch (operand.kind) {
    case 'field': {
      const field = ctx.catalog.fields.get(operand.field);
      if (!field) {
        ctx.report({
          severity: 'error',
          code: 'unknown-field',
          message: `There is no field '${operand.field}' in the field catalog`,
          nodeId: at.nodeId,
          path: `${at.path}.field`,
        });
        return undefined;
      }
      if (field.retired)
        ctx.report({
          severity: 'warning',
          code: 'retired-field',
          message: `${field.label} is retired in the field catalog; rules should stop using it`,
          nodeId: at.nodeId,
          path: `${at.path}.field`,
        });
      return { type: field.type, label: field.label, options: field.values };
    }
    case 'events': {
      checkEventFilter(operand, at, ctx);
      const event = ctx.catalog.events.get(operand.event);
      if (!event) return undefined;
      if (operand.agg === 'sum' || operand.agg === 'min' || operand.agg === 'max') {
        if (operand.prop === undefined) {
          ctx.report({
            severity: 'error',
            code: 'missing-prop',
            message: `'${operandLabel(operand, ctx)}' needs the property to ${operand.agg === 'sum' ? 'add up' : `take the ${operand.agg} of`}`,
            nodeId: at.nodeId,
            path: `${at.path}.prop`,
          });
          return undefined;
        }
        const prop = event.props.get(operand.prop);
        if (!prop) {
          ctx.report({
            severity: 'error',
            code: 'unknown-event-prop',
            message: `'${event.def.label}' events have no property '${operand.prop}'`,
            nodeId: at.nodeId,
            path: `${at.path}.prop`,
          });
          return undefined;
        }
        if (prop.type !== 'number') {
          ctx.report({
            severity: 'error',
            code: 'bad-aggregate',
            message: `'${event.def.label} ${prop.label}' is ${TYPE_NOUNS[prop.type]}; only numbers add up`,
            nodeId: at.nodeId,
            path: `${at.path}.prop`,
          });
          return undefined;
        }
      }
      const type = operandType(operand, ctx);
      return type ? { type, label: operandLabel(operand, ctx) } : undefined;
    }
    case 'score':
      if (!ctx.scores.has(operand.score)) {
        ctx.report({
          severity: 'error',
          code: 'unknown-score',
          message: `There is no score '${operand.score}' in this workflow`,
          nodeId: at.nodeId,
          path: `${at.path}.score`,
        });
        return undefined;
      }
      return { type: 'number', label: operandLabel(operand, ctx) };
    case 'tag':
      if (!ctx.assignedTags.has(operand.tag)) {
        ctx.report({
          severity: 'warning',
          code: 'unknown-tag',
          message: `No step sets the tag '${operand.tag}', so it is always missing`,
          nodeId: at.nodeId,
          path: `${at.path}.tag`,
        });
      }
      return { type: 'string', label: operandLabel(operand, ctx) };
  }
}

/** Checks a predicate tree: empty groups, unknown names, operators and values by type. */
export function checkPredicate(p: Predicate, at: At, ctx: CheckContext): void {
  if (isComparison(p)) {
    const operand = checkOperand(p.operand, { nodeId: at.nodeId, path: `${at.path}.operand` }, ctx);
    if (operand)
      checkComparison(operand.label, operand.type, p.op, p.value, operand.options, at, ctx);
    return;
  }
  if ('not' in p) {
    checkPredicate(p.not, { nodeId: at.nodeId, path: `${at.path}.not` }, ctx);
    return;
  }
  const key = 'all' in p ? 'all' : 'any';
  const items = 'all' in p ? p.all : p.any;
  if (items.length === 0) {
    ctx.report({
      severity: 'error',
      code: 'empty-predicate',
      message: `A condition group ('${key === 'all' ? 'all of' : 'any of'}') has no conditions`,
      nodeId: at.nodeId,
      path: `${at.path}.${key}`,
    });
  }
  items.forEach((item, i) =>
    checkPredicate(item, { nodeId: at.nodeId, path: `${at.path}.${key}[${i}]` }, ctx),
  );
}
