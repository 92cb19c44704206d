import type { CatalogIndex } from '../catalog/catalog-index';
import type { FieldType } from '../schema/field-catalog';
import {
  isComparison,
  type EventFilter,
  type EventsOperand,
  type Operand,
  type Predicate,
  type PropComparison,
} from '../schema/predicate';
import type { ScoreDef } from '../schema/workflow';
import { DAY_MS, decayRate, toText } from '../runtime/values';
import { ConstPool } from './const-pool';
import { comparisonExpr, needsOwnRead, READER_BY_TYPE } from './expressions';

const TEXT_MATCH_OPS = new Set(['contains', 'startsWith', 'endsWith', 'eq']);
const TEXT_TYPES = new Set<FieldType>(['string', 'email', 'phone', 'enum']);

interface Accumulator {
  /** Code run for a matching event, given the event time in `at`. */
  update: string;
  /** `let e0 = 0` */
  declare: string;
  filter: EventFilter;
}

export interface ScoreSlot {
  def: ScoreDef;
  /** Local variable holding the running score. */
  name: string;
  label: string;
  initial: number;
}

export interface TagSlot {
  /** Local variable holding the raw tag value. */
  name: string;
  /** Local variable holding the lower-cased value, for comparisons. */
  lower: string;
}

/**
 * The state of one code generation: constants, the lead fields each node reads, the event
 * aggregates the workflow needs (folded in one pass over the events), scores and tags as locals.
 */
export class Codegen {
  readonly k = new ConstPool();
  private readonly fieldVars = new Map<string, { name: string; read: string }>();
  private readonly accumulators = new Map<string, { name: string; acc: Accumulator }>();
  private readonly perEvent = new Map<string, { n: string; w: string }>();
  private readonly windows = new Map<number, string>();
  private counter = 0;
  /** Fields read by the node being generated. */
  used = new Set<string>();

  constructor(
    readonly catalog: CatalogIndex,
    readonly scores: Map<string, ScoreSlot>,
    readonly tags: Map<string, TagSlot>,
    /** Text fields only ever asked whether they are given: read without lower-casing. */
    private readonly presenceOnly: ReadonlySet<string> = new Set(),
  ) {}

  fresh(prefix: string): string {
    return `${prefix}${this.counter++}`;
  }

  /** `a[c3]`, or an own-property read for keys such as `constructor`. */
  private read(obj: string, key: string): string {
    const c = this.k.add(key);
    return needsOwnRead(key) ? `ownValue(${obj}, ${c})` : `${obj}[${c}]`;
  }

  /** The variable holding a lead field, normalised by its type; marks it used by this node. */
  field(id: string): { name: string; type: FieldType } {
    const def = this.catalog.fields.get(id);
    const type = def?.type ?? 'string';
    let slot = this.fieldVars.get(id);
    if (!slot) {
      const name = this.fresh('f');
      const read =
        this.presenceOnly.has(id) && READER_BY_TYPE[type] === 'toText'
          ? `${name} = hasText(${this.read('a', id)}) || undefined;`
          : `${name} = ${READER_BY_TYPE[type]}(${this.read('a', id)});`;
      slot = { name, read };
      this.fieldVars.set(id, slot);
    }
    this.used.add(id);
    return { name: slot.name, type };
  }

  /** The variable holding the mail domain of an email field (read once, like the field). */
  domain(id: string): string {
    const { name: fieldVar } = this.field(id);
    const key = `\u0000domain\u0000${id}`;
    let slot = this.fieldVars.get(key);
    if (!slot) {
      const name = this.fresh('d');
      slot = { name, read: `${name} = emailDomain(${fieldVar});` };
      this.fieldVars.set(key, slot);
    }
    this.used.add(key);
    return slot.name;
  }

  /** The statement that reads a field into its variable. */
  fieldRead(id: string): string {
    return this.fieldVars.get(id)?.read ?? '';
  }

  fieldDeclarations(): string[] {
    return [...this.fieldVars.values()].map((s) => s.name);
  }

  /** The raw attribute, for reason templates. */
  rawField(id: string): string {
    return this.read('a', id);
  }

  private windowVar(days: number): string {
    let name = this.windows.get(days);
    if (!name) {
      name = this.fresh('lo');
      this.windows.set(days, name);
    }
    return name;
  }

  /** The condition, over `at` and the event's props, that an event passes a filter. */
  private filterCondition(filter: EventFilter, props: Map<string, string>): string {
    const parts: string[] = [];
    if (filter.withinDays !== undefined) parts.push(`at >= ${this.windowVar(filter.withinDays)}`);
    for (const w of filter.where ?? []) parts.push(this.propComparison(filter.event, w, props));
    return parts.length ? parts.join(' && ') : 'true';
  }

  private propComparison(event: string, w: PropComparison, props: Map<string, string>): string {
    const type = this.catalog.events.get(event)?.props.get(w.prop)?.type ?? 'string';
    const key = `${type}\u0000${w.prop}`;
    let name = props.get(key);
    if (!name) {
      name = this.fresh('q');
      props.set(key, name);
    }
    return comparisonExpr(name, type, w.op, w.value, this.k);
  }

  /** The variable holding an event aggregate, computed once per evaluation. */
  aggregate(operand: EventsOperand): string {
    // Equal aggregates share one accumulator (parsed documents have a fixed key order).
    const key = JSON.stringify([
      operand.event,
      operand.where ?? [],
      operand.withinDays ?? null,
      operand.agg,
      operand.agg === 'count' || operand.agg === 'first' || operand.agg === 'last'
        ? null
        : (operand.prop ?? null),
    ]);
    const hit = this.accumulators.get(key);
    if (hit) return hit.name;
    const name = this.fresh('e');
    let update: string;
    let declare = `let ${name};`;
    switch (operand.agg) {
      case 'count':
        declare = `let ${name} = 0;`;
        update = `${name}++;`;
        break;
      case 'sum':
        declare = `let ${name} = 0;`;
        update = `{ const x = toNumber(${this.propRead(operand.prop ?? '')}); if (x !== undefined) ${name} += x; }`;
        break;
      case 'min':
      case 'max':
        update = `{ const x = toNumber(${this.propRead(operand.prop ?? '')}); if (x !== undefined && (${name} === undefined || x ${operand.agg === 'max' ? '>' : '<'} ${name})) ${name} = x; }`;
        break;
      case 'first':
      case 'last':
        update = `if (${name} === undefined || at ${operand.agg === 'last' ? '>' : '<'} ${name}) ${name} = at;`;
        break;
    }
    this.accumulators.set(key, { name, acc: { update, declare, filter: operand } });
    return name;
  }

  private propRead(prop: string): string {
    return this.read('pp', prop);
  }

  /** Count and (decayed) weight of the events a per-event scorecard row counts. */
  perEventCounters(
    filter: EventFilter,
    halfLifeDays: number | undefined,
  ): { n: string; w: string } {
    const key = JSON.stringify([
      filter.event,
      filter.where ?? [],
      filter.withinDays ?? null,
      halfLifeDays ?? null,
    ]);
    const hit = this.perEvent.get(key);
    if (hit) return hit;
    const n = this.fresh('n');
    const w = halfLifeDays === undefined ? n : this.fresh('w');
    const update =
      halfLifeDays === undefined
        ? `${n}++;`
        : `${n}++; ${w} += Math.exp((at - now) * ${this.k.num(decayRate(halfLifeDays))});`;
    const declare = halfLifeDays === undefined ? `let ${n} = 0;` : `let ${n} = 0, ${w} = 0;`;
    this.accumulators.set(`perEvent:${key}`, { name: n, acc: { update, declare, filter } });
    const slot = { n, w };
    this.perEvent.set(key, slot);
    return slot;
  }

  /** The value expression of an operand and its type. */
  operand(operand: Operand): { expr: string; type: FieldType } {
    switch (operand.kind) {
      case 'field': {
        const { name, type } = this.field(operand.field);
        return { expr: name, type };
      }
      case 'events':
        return {
          expr: this.aggregate(operand),
          type: operand.agg === 'first' || operand.agg === 'last' ? 'date' : 'number',
        };
      case 'score':
        return { expr: this.scores.get(operand.score)?.name ?? 'undefined', type: 'number' };
      case 'tag':
        return { expr: this.tags.get(operand.tag)?.lower ?? 'undefined', type: 'string' };
    }
  }

  /** A predicate as one boolean expression. */
  predicate(p: Predicate): string {
    if (isComparison(p)) {
      if (
        p.operand.kind === 'field' &&
        (p.op === 'freeEmail' || p.op === 'emailDomainIn') &&
        this.catalog.fields.get(p.operand.field)?.type === 'email'
      ) {
        const domain = this.domain(p.operand.field);
        return p.op === 'freeEmail'
          ? `isFreeDomain(${domain})`
          : comparisonExpr(domain, 'email', p.op, p.value, this.k, domain);
      }
      const { expr, type } = this.operand(p.operand);
      return comparisonExpr(expr, type, p.op, p.value, this.k);
    }
    if ('not' in p) return `!${this.predicate(p.not)}`;
    const items = 'all' in p ? p.all : p.any;
    if (items.length === 0) return 'all' in p ? 'true' : 'false';
    const parts = 'any' in p ? this.anyOfText(items) : items.map((i) => this.predicate(i));
    return `(${parts.join('all' in p ? ' && ' : ' || ')})`;
  }

  /**
   * The alternatives of an `any` group, with text matches on the same value (contains,
   * starts/ends with, equals) folded into one regular expression: one scan instead of many.
   * The pattern is built from escaped constants and lives in the constants array.
   */
  private anyOfText(items: readonly Predicate[]): string[] {
    const groups = new Map<string, string[]>();
    const parts: string[] = [];
    for (const item of items) {
      if (isComparison(item) && TEXT_MATCH_OPS.has(item.op) && typeof item.value === 'string') {
        const text = toText(item.value);
        const { expr, type } = this.operand(item.operand);
        if (text !== undefined && TEXT_TYPES.has(type) && /^[a-z]+\d+$/.test(expr)) {
          const escaped = text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
          const alt =
            item.op === 'eq'
              ? `^${escaped}$`
              : item.op === 'startsWith'
                ? `^${escaped}`
                : item.op === 'endsWith'
                  ? `${escaped}$`
                  : escaped;
          let group = groups.get(expr);
          if (!group) {
            groups.set(expr, (group = []));
            parts.push(`\u0000${expr}`);
          }
          group.push(alt);
          continue;
        }
      }
      parts.push(this.predicate(item));
    }
    return parts.map((part) => {
      if (!part.startsWith('\u0000')) return part;
      const v = part.slice(1);
      const alts = groups.get(v)!;
      return `(${v} !== undefined && ${this.k.add(new RegExp(alts.join('|')))}.test(${v}))`;
    });
  }

  /** Declarations and the single pass over the lead's events that fills every aggregate. */
  eventPass(): string {
    if (this.accumulators.size === 0) return '';
    const byEvent = new Map<string, Accumulator[]>();
    for (const { acc } of this.accumulators.values()) {
      let list = byEvent.get(acc.filter.event);
      if (!list) byEvent.set(acc.filter.event, (list = []));
      list.push(acc);
    }
    const lines: string[] = [];
    for (const { acc } of this.accumulators.values()) lines.push(acc.declare);
    const blocks: string[] = [];
    for (const [event, accs] of byEvent) {
      const props = new Map<string, string>();
      const body = accs.map((acc) => {
        const cond = this.filterCondition(acc.filter, props);
        return cond === 'true' ? acc.update : `if (${cond}) { ${acc.update} }`;
      });
      const needsProps = props.size > 0 || accs.some((a) => a.update.includes('pp['));
      const propLines = [...props].map(([key, name]) => {
        const [type, prop] = key.split('\u0000') as [FieldType, string];
        return `const ${name} = ${READER_BY_TYPE[type]}(${this.read('pp', prop)});`;
      });
      const head =
        needsProps || accs.some((a) => a.update.includes('ownValue(pp'))
          ? `const p = ev.props; const pp = typeof p === 'object' && p !== null ? p : EMPTY;\n`
          : '';
      blocks.push(
        `if (t === ${this.k.add(event)}) {\n${head}${propLines.join('\n')}\n${body.join('\n')}\n}`,
      );
    }
    for (const [days, name] of this.windows)
      lines.push(`const ${name} = now - ${this.k.num(days * DAY_MS)};`);
    lines.push(
      `const evs = lead.events;`,
      `if (Array.isArray(evs)) {`,
      `for (let i = 0; i < evs.length; i++) {`,
      `const ev = evs[i];`,
      `if (typeof ev !== 'object' || ev === null) continue;`,
      `const at = toTime(ev.at);`,
      `if (!(at <= now)) continue;`,
      `const t = ev.type;`,
      blocks.join(' else '),
      `}`,
      `}`,
    );
    return lines.join('\n');
  }
}
