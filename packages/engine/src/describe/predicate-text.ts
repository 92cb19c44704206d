import { assertNever } from '../assert-never';
import type { CatalogIndex } from '../catalog/catalog-index';
import type { EnumOption, FieldType } from '../schema/field-catalog';
import { LIST_OPERATOR_LABELS, OPERATOR_LABELS, type Operator } from '../schema/operators';
import {
  isComparison,
  type Comparison,
  type ComparisonValue,
  type EventFilter,
  type Operand,
  type Predicate,
  type PropComparison,
} from '../schema/predicate';
import type { ScoreDef } from '../schema/workflow';

/** What text helpers need to name things the way a sales leader reads them. */
export interface TextContext {
  catalog: CatalogIndex;
  scores: ReadonlyMap<string, ScoreDef>;
}

/**
 * The value type of an operand, or undefined when it names something unknown.
 * @example operandType({ kind: 'score', score: 'fit' }, ctx) // 'number'
 */
export function operandType(operand: Operand, ctx: TextContext): FieldType | undefined {
  switch (operand.kind) {
    case 'field':
      return ctx.catalog.fields.get(operand.field)?.type;
    case 'events':
      return operand.agg === 'first' || operand.agg === 'last' ? 'date' : 'number';
    case 'score':
      return 'number';
    case 'tag':
      return 'string';
    default:
      return assertNever(operand);
  }
}

const quote = (s: string) => `'${s}'`;

function eventFilterText(filter: EventFilter, ctx: TextContext): string {
  const event = ctx.catalog.events.get(filter.event);
  let text = event?.def.label ?? quote(filter.event);
  const where = (filter.where ?? []).map((w) => propComparisonText(filter.event, w, ctx));
  if (where.length) text += ` where ${where.join(' and ')}`;
  if (filter.withinDays !== undefined) text += ` in the last ${filter.withinDays} days`;
  return text;
}

/**
 * Names an operand: "Job title", "Pricing page visits", "Fit score".
 * @example operandLabel({ kind: 'field', field: 'job_title' }, ctx) // 'Job title'
 */
export function operandLabel(operand: Operand, ctx: TextContext): string {
  switch (operand.kind) {
    case 'field':
      return ctx.catalog.fields.get(operand.field)?.label ?? quote(operand.field);
    case 'events': {
      if (operand.label) return operand.label;
      const events = eventFilterText(operand, ctx);
      const prop =
        operand.prop === undefined
          ? ''
          : (ctx.catalog.events.get(operand.event)?.props.get(operand.prop)?.label ??
            quote(operand.prop));
      switch (operand.agg) {
        case 'count':
          return `Number of ${events} events`;
        case 'sum':
          return `Total ${prop} of ${events}`;
        case 'min':
          return `Lowest ${prop} of ${events}`;
        case 'max':
          return `Highest ${prop} of ${events}`;
        case 'first':
          return `First ${events}`;
        case 'last':
          return `Last ${events}`;
        default:
          return assertNever(operand.agg);
      }
    }
    case 'score':
      return `${ctx.scores.get(operand.score)?.label ?? quote(operand.score)} score`;
    case 'tag':
      return `Tag ${quote(operand.tag)}`;
    default:
      return assertNever(operand);
  }
}

function valueText(
  value: ComparisonValue | undefined,
  type: FieldType | undefined,
  options?: readonly EnumOption[],
): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) {
    const items = value.map((v) => valueText(v, type, options));
    if (items.length <= 1) return items.join('');
    return `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
  }
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') {
    if (type === 'date')
      return Number.isFinite(value) ? new Date(value).toISOString().slice(0, 10) : '';
    return String(value);
  }
  const option = options?.find((o) => o.value === value);
  return quote(option ? option.label : value);
}

function opText(
  op: Operator,
  type: FieldType | undefined,
  value: ComparisonValue | undefined,
  options?: readonly EnumOption[],
): string {
  const label = (type === 'list' ? LIST_OPERATOR_LABELS[op] : undefined) ?? OPERATOR_LABELS[op];
  switch (op) {
    case 'isSet':
    case 'isEmpty':
    case 'freeEmail':
      return label;
    case 'between':
      if (Array.isArray(value) && value.length === 2)
        return `${label} ${valueText(value[0], type)} and ${valueText(value[1], type)}`;
      return `${label} ${valueText(value, type)}`;
    case 'withinLastDays':
      return `${label} ${valueText(value, 'number')} days`;
    case 'olderThanDays':
      return `is more than ${valueText(value, 'number')} days ago`;
    default:
      return `${label} ${valueText(value, type, options)}`;
  }
}

function propComparisonText(event: string, w: PropComparison, ctx: TextContext): string {
  const prop = ctx.catalog.events.get(event)?.props.get(w.prop);
  return `${prop?.label ?? quote(w.prop)} ${opText(w.op, prop?.type, w.value, prop?.values)}`;
}

/**
 * A comparison in words.
 * @example comparisonText(when(field('job_title'), 'contains', 'director'), ctx) // "Job title contains 'director'"
 */
export function comparisonText(c: Comparison, ctx: TextContext): string {
  const type = operandType(c.operand, ctx);
  const options =
    c.operand.kind === 'field' ? ctx.catalog.fields.get(c.operand.field)?.values : undefined;
  return `${operandLabel(c.operand, ctx)} ${opText(c.op, type, c.value, options)}`;
}

/** A table cell in words, given its column. */
export function cellText(
  operand: Operand,
  cell: { op: Operator; value?: ComparisonValue },
  ctx: TextContext,
): string {
  return comparisonText({ operand, op: cell.op, value: cell.value }, ctx);
}

/**
 * A predicate in words: "Job title is given and (… or …)".
 * @example predicateText({ all: [a, b] }, ctx) // 'A and B'
 */
export function predicateText(p: Predicate, ctx: TextContext, nested = false): string {
  if (isComparison(p)) return comparisonText(p, ctx);
  if ('not' in p) return `not (${predicateText(p.not, ctx, false)})`;
  const items = 'all' in p ? p.all : p.any;
  if (items.length === 0) return 'all' in p ? 'always' : 'never';
  if (items.length === 1) return predicateText(items[0]!, ctx, nested);
  const text = items.map((i) => predicateText(i, ctx, true)).join('all' in p ? ' and ' : ' or ');
  return nested ? `(${text})` : text;
}

/** The event filter of a per-event row in words. */
export function eventFilterLabel(filter: EventFilter, ctx: TextContext): string {
  return eventFilterText(filter, ctx);
}
