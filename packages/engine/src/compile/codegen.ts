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
  /** Per text field: the rules asked of it, answered as bits by one memoised function. */
  private readonly facts = new Map<
    string,
    { mask: string; fn: string; exprs: string[]; of: 'field' | 'prop' }
  >();
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
    const key = `\u0000domain\u0000${id}`;
    let slot = this.fieldVars.get(key);
    if (!slot) {
      const name = this.fresh('d');
      slot = { name, read: `${name} = mailDomain(${this.read('a', id)});` };
      this.fieldVars.set(key, slot);
    }
    this.used.add(key);
    return slot.name;
  }

  /** The statements that read a field into its variable and its facts mask. */
  fieldRead(id: string): string {
    const facts = this.facts.get(id);
    const read = this.fieldVars.get(id)?.read ?? '';
    return facts ? `${read} ${facts.mask} = ${facts.fn}.get(${this.read('a', id)});` : read;
  }

  fieldDeclarations(): string[] {
    return [
      ...[...this.fieldVars.values()].map((s) => s.name),
      ...[...this.facts.values()].filter((f) => f.of === 'field').map((f) => f.mask),
    ];
  }

  /**
   * A rule on a text field as a bit of the field's facts mask (see `TextFacts`), or undefined
   * when the field is not text, is only asked whether it is given, or has 31 rules already.
   * `rule` builds the rule's expression over the normalised text in a variable it is given.
   */
  private fact(operand: Operand, rule: (v: string, type: FieldType) => string): string | undefined {
    if (operand.kind !== 'field') return undefined;
    const id = operand.field;
    const type = this.catalog.fields.get(id)?.type;
    if (type === undefined || !TEXT_TYPES.has(type) || this.presenceOnly.has(id)) return undefined;
    const bit = this.factBit(id, 'field', (v) => rule(v, type));
    if (bit !== undefined) this.used.add(id);
    return bit;
  }

  /** The test of one bit of the facts mask under `key`, adding the rule if it is new. */
  private factBit(key: string, of: 'field' | 'prop', rule: (v: string) => string) {
    let facts = this.facts.get(key);
    if (!facts) {
      const n = this.counter++;
      facts = { mask: `fm${n}`, fn: `fx${n}`, exprs: [], of };
      this.facts.set(key, facts);
    }
    const expr = rule('v');
    let bit = facts.exprs.indexOf(expr);
    if (bit < 0) {
      if (facts.exprs.length >= 31) return undefined;
      bit = facts.exprs.push(expr) - 1;
    }
    return `((${facts.mask} & ${2 ** bit}) !== 0)`;
  }

  /** The memoised facts function of each text field rules ask about, for the factory. */
  factDeclarations(): string {
    return [...this.facts.values()]
      .map(
        ({ fn, exprs }) =>
          `const ${fn} = new TextFacts(function (v) { let m = 0; ${exprs.map((e, i) => `if (${e}) m |= ${2 ** i};`).join(' ')} return m; });`,
      )
      .join('\n');
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
    if (TEXT_TYPES.has(type)) {
      // Text props (page paths, form names) repeat: answered by a memoised facts mask.
      const factKey = `\u0000facts\u0000${event}\u0000${w.prop}`;
      const bit = this.factBit(factKey, 'prop', (v) =>
        comparisonExpr(v, type, w.op, w.value, this.k),
      );
      if (bit !== undefined) {
        props.set(`${type}\u0000${w.prop}\u0000facts`, factKey);
        return bit;
      }
    }
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
      const fact = this.fact(p.operand, (v, type) =>
        comparisonExpr(v, type, p.op, p.value, this.k),
      );
      if (fact !== undefined) return fact;
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
    const groups = new Map<string, { operand: Operand; alts: string[] }>();
    const parts: string[] = [];
    for (const item of items) {
      if (isComparison(item) && TEXT_MATCH_OPS.has(item.op) && typeof item.value === 'string') {
        const text = toText(item.value);
        const operand = item.operand;
        const type =
          operand.kind === 'field'
            ? this.catalog.fields.get(operand.field)?.type
            : operand.kind === 'tag'
              ? 'string'
              : undefined;
        if (text !== undefined && type !== undefined && TEXT_TYPES.has(type)) {
          const escaped = text.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
          const alt =
            item.op === 'eq'
              ? `^${escaped}$`
              : item.op === 'startsWith'
                ? `^${escaped}`
                : item.op === 'endsWith'
                  ? `${escaped}$`
                  : escaped;
          const key = JSON.stringify(operand);
          let group = groups.get(key);
          if (!group) {
            groups.set(key, (group = { operand, alts: [] }));
            parts.push(`\u0000${key}`);
          }
          group.alts.push(alt);
          continue;
        }
      }
      parts.push(this.predicate(item));
    }
    return parts.map((part) => {
      if (!part.startsWith('\u0000')) return part;
      const { operand, alts } = groups.get(part.slice(1))!;
      const re = this.k.add(new RegExp(alts.join('|')));
      const test = (v: string) => `(${v} !== undefined && ${re}.test(${v}))`;
      return this.fact(operand, test) ?? test(this.operand(operand).expr);
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
        const [type, prop, facts] = key.split('\u0000') as [FieldType, string, string?];
        if (facts) {
          const { mask, fn } = this.facts.get(name)!;
          return `const ${mask} = ${fn}.get(${this.read('pp', prop)});`;
        }
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
