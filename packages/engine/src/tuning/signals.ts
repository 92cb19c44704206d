/**
 * Signals per catalog field: conversion per option, per bin of numbers and dates, and missing vs
 * present, with weight of evidence and information value, fitted on the fit part and judged on
 * the holdout part. One pass over the leads with bounded memory: counts per distinct value
 * (numbers coarsened to fewer significant digits when a field has too many), no per-lead objects.
 */
import type { FieldCatalog, FieldDef, FieldType } from '../schema/field-catalog';
import type { Predicate } from '../schema/predicate';
import { DAY_MS, toAsOf, toBool, toNumber, toText, toTime } from '../runtime/values';
import { mulberry32, seedOf } from '../generate/prng';
import { checkSplit, splitter } from './split';
import { informationValue, niceCut, weightOfEvidence } from './statistics';
import type {
  BinPart,
  FieldSignal,
  SignalBin,
  SignalsReport,
  SplitOptions,
  SplitSummary,
} from './types';

/** Distinct numbers kept per field before values are coarsened to fewer significant digits. */
export const MAX_DISTINCT_NUMBERS = 2_048;
/** Distinct texts kept per field; a field with more is judged on missing vs present only. */
export const MAX_DISTINCT_OPTIONS = 200;
/** Quantile pre-bins of a number or date field, before merging. */
export const PRE_BINS = 20;
/** Most bins of a field after merging (besides `missing`). */
export const MAX_BINS = 6;
/** Fit leads kept (reservoir sample) for the drafted scorecard's redundancy guard. */
export const SIGNAL_SAMPLE_SIZE = 20_000;

/** What signals read of a lead. */
export interface SignalLead {
  id: string;
  attributes: Record<string, unknown>;
  outcome?: { converted?: unknown } | null;
}

type Shape = 'category' | 'boolean' | 'number' | 'date' | 'presence';

const shapeOf: Record<FieldType, Shape> = {
  enum: 'category',
  string: 'category',
  boolean: 'boolean',
  number: 'number',
  date: 'date',
  email: 'presence',
  phone: 'presence',
  list: 'presence',
};

// Counts per key: fit leads, fit converted, holdout leads, holdout converted, smallest and
// largest raw value seen (numbers, to place readable cut points between buckets).
const FIT_N = 0;
const FIT_C = 1;
const HOLD_N = 2;
const HOLD_C = 3;
const MIN = 4;
const MAX = 5;

interface Accumulator {
  def: FieldDef;
  shape: Shape;
  keys: Map<string | number, Float64Array>;
  missing: Float64Array;
  /** Numbers: significant digits buckets are floored to (0: exact values). */
  digits: number;
  /** Texts: more distinct options than MAX_DISTINCT_OPTIONS were seen. */
  overflow: boolean;
}

const newCounts = () => {
  const c = new Float64Array(6);
  c[MIN] = Infinity;
  c[MAX] = -Infinity;
  return c;
};

/** `v` floored to `digits` significant digits (a bucket [key, key + unit)). */
function floorDigits(v: number, digits: number): number {
  if (v === 0 || digits === 0) return v;
  const unit = 10 ** (Math.floor(Math.log10(Math.abs(v))) - digits + 1);
  return Number((Math.floor(v / unit) * unit).toPrecision(15));
}

/**
 * A streaming signals pass: `add` chunks of leads, then `result()`. Leads without
 * `outcome.converted` (a boolean) are counted and left out.
 * @example
 * const signals = createSignals(catalog, { seed: 1, holdoutShare: 0.3 }, { asOf: '2026-01-01' });
 * for (const chunk of chunks) signals.add(chunk);
 * signals.result().fields[0].iv.fit
 */
export function createSignals(
  catalog: FieldCatalog,
  split: SplitOptions,
  options: { asOf: Date | number | string; fields?: readonly string[] },
) {
  checkSplit(split);
  const partOf = splitter(split);
  const asOf = toAsOf(options.asOf);
  const wanted = options.fields ? new Set(options.fields) : null;
  const accumulators: Accumulator[] = catalog.fields
    .filter((def) => !def.retired && (!wanted || wanted.has(def.id)))
    .map((def) => ({
      def,
      shape: shapeOf[def.type],
      keys: new Map(),
      missing: newCounts(),
      digits: 0,
      overflow: false,
    }));
  const totals = new Float64Array(4);
  let read = 0;
  let withoutOutcome = 0;
  const sample: Record<string, unknown>[] = [];
  let fitSeen = 0;
  const random = mulberry32(seedOf(split.seed) ^ 0x5eed);

  const coarsen = (acc: Accumulator) => {
    while (acc.keys.size > MAX_DISTINCT_NUMBERS) {
      acc.digits = acc.digits === 0 ? 4 : acc.digits - 1;
      const old = acc.keys;
      acc.keys = new Map();
      for (const [key, c] of old) {
        const k = floorDigits(key as number, acc.digits);
        const into = acc.keys.get(k);
        if (!into) acc.keys.set(k, c);
        else {
          for (let i = 0; i < 4; i++) into[i]! += c[i]!;
          into[MIN] = Math.min(into[MIN]!, c[MIN]!);
          into[MAX] = Math.max(into[MAX]!, c[MAX]!);
        }
      }
      if (acc.digits === 1) break;
    }
  };

  const add = (leads: readonly SignalLead[]) => {
    for (let l = 0; l < leads.length; l++) {
      const lead = leads[l]!;
      read++;
      const converted = lead.outcome?.converted;
      if (typeof converted !== 'boolean') {
        withoutOutcome++;
        continue;
      }
      const holdout = partOf(String(lead.id)) === 'holdout';
      const n = holdout ? HOLD_N : FIT_N;
      const c = holdout ? HOLD_C : FIT_C;
      const conv = converted ? 1 : 0;
      totals[n]!++;
      totals[c]! += conv;
      const attributes = (lead.attributes ?? {}) as Record<string, unknown>;
      if (!holdout) {
        fitSeen++;
        if (sample.length < SIGNAL_SAMPLE_SIZE) sample.push(attributes);
        else {
          const j = Math.floor(random() * fitSeen);
          if (j < SIGNAL_SAMPLE_SIZE) sample[j] = attributes;
        }
      }
      for (let f = 0; f < accumulators.length; f++) {
        const acc = accumulators[f]!;
        const raw = Object.hasOwn(attributes, acc.def.id) ? attributes[acc.def.id] : undefined;
        let key: string | number | undefined;
        let value = 0;
        switch (acc.shape) {
          case 'category':
            key = acc.overflow ? (toText(raw) === undefined ? undefined : '') : toText(raw);
            break;
          case 'boolean': {
            const b = toBool(raw);
            key = b === undefined ? undefined : b ? 'true' : 'false';
            break;
          }
          case 'number': {
            const x = toNumber(raw);
            if (x !== undefined) {
              value = x;
              key = acc.digits === 0 ? x : floorDigits(x, acc.digits);
            }
            break;
          }
          case 'date': {
            const t = toTime(raw);
            if (t !== undefined) {
              key = Math.max(0, Math.floor((asOf - t) / DAY_MS));
              value = key;
            }
            break;
          }
          case 'presence':
            key = present(acc.def.type, raw) ? '' : undefined;
            break;
        }
        let counts: Float64Array;
        if (key === undefined) counts = acc.missing;
        else {
          let found = acc.keys.get(key);
          if (found === undefined) {
            acc.keys.set(key, (found = newCounts()));
            if (acc.shape === 'category' && acc.keys.size > MAX_DISTINCT_OPTIONS) {
              // Free text: judge it on missing vs present only.
              acc.overflow = true;
              const all = newCounts();
              for (const k of acc.keys.values()) for (let i = 0; i < 4; i++) all[i]! += k[i]!;
              acc.keys = new Map([['', all]]);
              found = all;
            } else if (acc.shape === 'number' && acc.keys.size > MAX_DISTINCT_NUMBERS) {
              coarsen(acc);
              found = acc.keys.get(floorDigits(value, acc.digits))!;
            }
          }
          counts = found;
          if (value < counts[MIN]!) counts[MIN] = value;
          if (value > counts[MAX]!) counts[MAX] = value;
        }
        counts[n]!++;
        counts[c]! += conv;
      }
    }
  };

  const summary = (): SplitSummary => ({
    seed: split.seed,
    holdoutShare: split.holdoutShare,
    leadsRead: read,
    withoutOutcome,
    fit: part(totals[FIT_N]!, totals[FIT_C]!),
    holdout: part(totals[HOLD_N]!, totals[HOLD_C]!),
  });

  return {
    add,
    /** The signals so far, strongest field first. */
    result(): SignalsReport {
      const fields = accumulators
        .map((acc) => fieldSignal(acc, totals))
        .sort((a, b) => b.iv.fit - a.iv.fit || a.field.localeCompare(b.field));
      return { split: summary(), fields };
    },
    /** Attributes of up to SIGNAL_SAMPLE_SIZE fit leads (a seeded reservoir sample). */
    sample(): readonly Record<string, unknown>[] {
      return sample;
    },
  };
}

function present(type: FieldType, raw: unknown): boolean {
  if (type === 'list') {
    if (Array.isArray(raw)) return raw.length > 0;
    return toText(raw) !== undefined;
  }
  return toText(raw) !== undefined;
}

const part = (leads: number, converted: number) => ({
  leads,
  converted,
  baseRate: leads ? converted / leads : 0,
});

/** A group of keys being binned: its counts and the keys it holds. */
interface Group {
  n: number;
  c: number;
  hn: number;
  hc: number;
  min: number;
  max: number;
  keys: (string | number)[];
}

const groupOf = (key: string | number, counts: Float64Array): Group => ({
  n: counts[FIT_N]!,
  c: counts[FIT_C]!,
  hn: counts[HOLD_N]!,
  hc: counts[HOLD_C]!,
  min: counts[MIN]!,
  max: counts[MAX]!,
  keys: [key],
});

const merged = (a: Group, b: Group): Group => ({
  n: a.n + b.n,
  c: a.c + b.c,
  hn: a.hn + b.hn,
  hc: a.hc + b.hc,
  min: Math.min(a.min, b.min),
  max: Math.max(a.max, b.max),
  keys: [...a.keys, ...b.keys],
});

const rate = (g: Group) => (g.n ? g.c / g.n : 0);

function groupsIv(groups: readonly Group[], C: number, N: number): number {
  let iv = 0;
  for (const g of groups) iv += informationValue(g.c, g.n - g.c, C, N);
  return iv;
}

/** Merges the neighbouring pair `i`, `i + 1`. */
const mergeAt = (groups: Group[], i: number) =>
  groups.splice(i, 2, merged(groups[i]!, groups[i + 1]!));

/**
 * Merges neighbours until every group has at least `minLeads` fit leads and both outcomes, then
 * until at most `maxBins` remain, each time the pair whose merging loses the least IV.
 */
function mergeSmall(groups: Group[], minLeads: number, C: number, N: number, maxBins: number) {
  for (;;) {
    if (groups.length <= 1) return groups;
    const i = groups.findIndex((g) => g.n < minLeads || g.c === 0 || g.c === g.n);
    if (i < 0) break;
    // Merge with the neighbour whose rate is closer.
    const left = i > 0 ? Math.abs(rate(groups[i - 1]!) - rate(groups[i]!)) : Infinity;
    const right =
      i < groups.length - 1 ? Math.abs(rate(groups[i + 1]!) - rate(groups[i]!)) : Infinity;
    mergeAt(groups, left <= right ? i - 1 : i);
  }
  while (groups.length > maxBins) {
    let best = 0;
    let bestLoss = Infinity;
    for (let i = 0; i < groups.length - 1; i++) {
      const a = groups[i]!;
      const b = groups[i + 1]!;
      const loss =
        informationValue(a.c, a.n - a.c, C, N) +
        informationValue(b.c, b.n - b.c, C, N) -
        informationValue(a.c + b.c, a.n + b.n - a.c - b.c, C, N);
      if (loss < bestLoss) {
        bestLoss = loss;
        best = i;
      }
    }
    mergeAt(groups, best);
  }
  return groups;
}

/** Pool-adjacent-violators: merges neighbours until rates rise (or fall) steadily. */
function monotone(groups: readonly Group[]): Group[] {
  const out = [...groups];
  // Direction: the sign of the weighted covariance of position and rate.
  let sw = 0;
  let sx = 0;
  let sy = 0;
  out.forEach((g, i) => {
    sw += g.n;
    sx += g.n * i;
    sy += g.c;
  });
  let cov = 0;
  out.forEach((g, i) => (cov += g.n * (i - sx / sw) * (rate(g) - sy / sw)));
  const rising = cov >= 0;
  for (let i = 0; i < out.length - 1;) {
    const violates = rising ? rate(out[i]!) > rate(out[i + 1]!) : rate(out[i]!) < rate(out[i + 1]!);
    if (violates) {
      mergeAt(out, i);
      if (i > 0) i--;
    } else i++;
  }
  return out;
}

const formatCut = (v: number) => v.toLocaleString('en-US', { maximumFractionDigits: 6 });
const days = (n: number) => (n === 1 ? '1 day' : `${formatCut(n)} days`);
const field = (id: string) => ({ kind: 'field' as const, field: id });

function fieldSignal(acc: Accumulator, totals: Float64Array): FieldSignal {
  const C = totals[FIT_C]!;
  const N = totals[FIT_N]! - C;
  const HC = totals[HOLD_C]!;
  const HN = totals[HOLD_N]! - HC;
  const def = acc.def;
  const nonMissing = totals[FIT_N]! - acc.missing[FIT_N]!;
  const minLeads = Math.max(20, 0.02 * nonMissing);
  let groups = [...acc.keys].map(([key, counts]) => groupOf(key, counts));
  let isMonotone = false;
  let bins: SignalBin[] = [];
  const binPart = (leads: number, converted: number, total: [number, number]): BinPart => ({
    leads,
    converted,
    rate: leads ? converted / leads : 0,
    woe: weightOfEvidence(converted, leads - converted, total[0], total[1]),
  });
  const bin = (
    g: Pick<Group, 'n' | 'c' | 'hn' | 'hc'>,
    rest: Omit<SignalBin, 'fit' | 'holdout' | 'iv'>,
  ): SignalBin => ({
    ...rest,
    fit: binPart(g.n, g.c, [C, N]),
    holdout: binPart(g.hn, g.hc, [HC, HN]),
    iv: informationValue(g.c, g.n - g.c, C, N),
  });

  if (acc.shape === 'number' || acc.shape === 'date') {
    groups.sort((a, b) => (a.keys[0] as number) - (b.keys[0] as number));
    // Quantile pre-bins over the fit leads (a heavy value is a bin of its own).
    const target = nonMissing / PRE_BINS;
    const pre: Group[] = [];
    for (const g of groups) {
      const last = pre.at(-1);
      if (last && last.n + g.n <= target * 1.0001 && last.n < target)
        pre[pre.length - 1] = merged(last, g);
      else pre.push(g);
    }
    const free = mergeSmall(pre, minLeads, C, N, MAX_BINS);
    const mono = mergeSmall(monotone(free), minLeads, C, N, MAX_BINS);
    const freeIv = groupsIv(free, C, N);
    const monoIv = groupsIv(mono, C, N);
    // Monotone when it keeps at least 90% of the information: easier to read and to trust.
    isMonotone = monoIv >= 0.9 * freeIv;
    groups = isMonotone ? mono : free;
    // Cut points between neighbours: numbers `over c` (c between the largest value on the left
    // and the smallest on the right); dates by age in days, `in the last c days`.
    const cuts: number[] = [];
    for (let i = 0; i < groups.length - 1; i++) {
      const left = groups[i]!;
      const right = groups[i + 1]!;
      cuts.push(
        acc.shape === 'number'
          ? niceCut(left.max, right.min)
          : niceCut(left.max + 1, right.min + 1),
      );
    }
    bins = groups.map((g, i) => {
      const from = i === 0 ? null : cuts[i - 1]!;
      const to = i === groups.length - 1 ? null : cuts[i]!;
      return bin(g, rangeBin(def, acc.shape as 'number' | 'date', from, to));
    });
    // Holdout-only keys belong to the bin their value falls in.
    rebucketHoldout(acc, bins, groups);
  } else if (acc.shape === 'category' && !acc.overflow) {
    const ordered = groups.sort(
      (a, b) =>
        weightOfEvidence(a.c, a.n - a.c, C, N) - weightOfEvidence(b.c, b.n - b.c, C, N) ||
        String(a.keys[0]).localeCompare(String(b.keys[0])),
    );
    groups = mergeSmall(ordered, minLeads, C, N, MAX_BINS);
    bins = groups.map((g) => {
      const values = (g.keys as string[]).sort();
      const label = groups.length === 1 ? 'any value' : optionsLabel(def, values);
      return bin(g, {
        key: `v:${values.join('|')}`,
        label,
        values,
        when:
          groups.length === 1
            ? { operand: field(def.id), op: 'isSet' }
            : { operand: field(def.id), op: 'in', value: values },
      });
    });
  } else if (acc.shape === 'boolean') {
    groups.sort((a, b) => String(b.keys[0]).localeCompare(String(a.keys[0])));
    bins = groups.map((g) => {
      const value = g.keys[0] === 'true';
      return bin(g, {
        key: `v:${String(value)}`,
        label: value ? 'yes' : 'no',
        values: [String(value)],
        when: { operand: field(def.id), op: 'eq', value },
      });
    });
  } else {
    const all = groups[0];
    if (all)
      bins = [
        bin(all, {
          key: 'present',
          label: 'given',
          when: { operand: field(def.id), op: 'isSet' },
        }),
      ];
  }
  const missing = acc.missing;
  if (missing[FIT_N]! + missing[HOLD_N]! > 0)
    bins.push(
      bin(
        { n: missing[FIT_N]!, c: missing[FIT_C]!, hn: missing[HOLD_N]!, hc: missing[HOLD_C]! },
        { key: 'missing', label: 'missing', when: { operand: field(def.id), op: 'isEmpty' } },
      ),
    );
  const ivFit = bins.reduce((s, b) => s + b.iv, 0);
  const ivHoldout = bins.reduce(
    (s, b) =>
      s + informationValue(b.holdout.converted, b.holdout.leads - b.holdout.converted, HC, HN),
    0,
  );
  return {
    field: def.id,
    label: def.label || def.id,
    type: def.type,
    category: def.category,
    bins,
    iv: { fit: ivFit, holdout: ivHoldout },
    strength: ivFit < 0.02 ? 'none' : ivFit < 0.1 ? 'weak' : ivFit < 0.3 ? 'medium' : 'strong',
    monotone: isMonotone,
    leaky: def.category === 'sales',
  };
}

/** Groups were built from keys seen in the fit part; recount every key by the bins' ranges. */
function rebucketHoldout(acc: Accumulator, bins: SignalBin[], groups: Group[]) {
  if (bins.length === 0) return;
  const hn = new Float64Array(bins.length);
  const hc = new Float64Array(bins.length);
  for (const [key, counts] of acc.keys) {
    const i = rangeIndex(bins, acc.shape === 'date' ? (key as number) : counts[MAX]!, acc.shape);
    hn[i]! += counts[HOLD_N]!;
    hc[i]! += counts[HOLD_C]!;
  }
  bins.forEach((b, i) => {
    groups[i]!.hn = hn[i]!;
    groups[i]!.hc = hc[i]!;
    b.holdout.leads = hn[i]!;
    b.holdout.converted = hc[i]!;
    b.holdout.rate = hn[i]! ? hc[i]! / hn[i]! : 0;
  });
  let HC = 0;
  let HN = 0;
  for (let i = 0; i < bins.length; i++) {
    HC += hc[i]!;
    HN += hn[i]! - hc[i]!;
  }
  HC += acc.missing[HOLD_C]!;
  HN += acc.missing[HOLD_N]! - acc.missing[HOLD_C]!;
  for (const b of bins)
    b.holdout.woe = weightOfEvidence(
      b.holdout.converted,
      b.holdout.leads - b.holdout.converted,
      HC,
      HN,
    );
}

/** The bin of a number (from < x ≤ to) or of a date's age in days (from ≤ age < to). */
function rangeIndex(bins: readonly SignalBin[], x: number, shape: Shape): number {
  for (let i = 0; i < bins.length; i++) {
    const to = bins[i]!.range?.to ?? null;
    if (to === null) return i;
    if (shape === 'date' ? x < to : x <= to) return i;
  }
  return bins.length - 1;
}

/**
 * The index of the bin of `signal` a lead's raw value falls in (the `missing` bin, or -1 when it
 * has none, for no value; -1 for an option the bins do not list).
 * @example binIndex(signal, lead.attributes.company_size, asOf)
 */
export function binIndex(signal: FieldSignal, raw: unknown, asOf: number): number {
  const missing = signal.bins.findIndex((b) => b.key === 'missing');
  const shape = shapeOf[signal.type];
  let key: string | number | undefined;
  switch (shape) {
    case 'category':
      key = toText(raw);
      break;
    case 'boolean': {
      const b = toBool(raw);
      key = b === undefined ? undefined : String(b);
      break;
    }
    case 'number':
      key = toNumber(raw);
      break;
    case 'date': {
      const t = toTime(raw);
      key = t === undefined ? undefined : Math.max(0, Math.floor((asOf - t) / DAY_MS));
      break;
    }
    case 'presence':
      key = present(signal.type, raw) ? '' : undefined;
      break;
  }
  if (key === undefined) return missing;
  const ranged = signal.bins.filter((b) => b.key !== 'missing');
  if (shape === 'number' || shape === 'date') return rangeIndex(ranged, key as number, shape);
  if (shape === 'presence') return signal.bins.findIndex((b) => b.key === 'present');
  const i = signal.bins.findIndex((b) => b.key === 'present' || b.values?.includes(String(key)));
  return i;
}

function rangeBin(
  def: FieldDef,
  shape: 'number' | 'date',
  from: number | null,
  to: number | null,
): Omit<SignalBin, 'fit' | 'holdout' | 'iv'> {
  const operand = field(def.id);
  const key = `r:${from ?? ''}:${to ?? ''}`;
  const range = { from, to };
  if (shape === 'number') {
    const above: Predicate | null = from === null ? null : { operand, op: 'gt', value: from };
    const upTo: Predicate | null = to === null ? null : { operand, op: 'lte', value: to };
    const label =
      from === null && to === null
        ? 'any value'
        : from === null
          ? `up to ${formatCut(to!)}`
          : to === null
            ? `over ${formatCut(from)}`
            : `over ${formatCut(from)}, up to ${formatCut(to)}`;
    const parts = ([above, upTo] as (Predicate | null)[]).filter((p): p is Predicate => p !== null);
    const when: Predicate =
      parts.length === 0
        ? { operand, op: 'isSet' }
        : parts.length === 1
          ? parts[0]!
          : { all: parts };
    return { key, label, range, when };
  }
  // Dates by age: from ≤ age < to days.
  const recent: Predicate | null =
    to === null ? null : { operand, op: 'withinLastDays', value: to };
  const older: Predicate | null =
    from === null || from === 0 ? null : { operand, op: 'olderThanDays', value: from };
  const label =
    (from === null || from === 0) && to === null
      ? 'any date'
      : from === null || from === 0
        ? `in the last ${days(to!)}`
        : to === null
          ? `over ${days(from)} ago`
          : `${formatCut(from)} to ${days(to)} ago`;
  const parts = ([older, recent] as (Predicate | null)[]).filter((p): p is Predicate => p !== null);
  const when: Predicate =
    parts.length === 0 ? { operand, op: 'isSet' } : parts.length === 1 ? parts[0]! : { all: parts };
  return { key, label, range, when };
}

function optionsLabel(def: FieldDef, values: readonly string[]): string {
  const labels = values.map(
    (v) => def.values?.find((o) => o.value.trim().toLowerCase() === v)?.label ?? v,
  );
  if (labels.length <= 3) return labels.join(' or ');
  return `${labels.slice(0, 2).join(', ')} or ${labels.length - 2} more`;
}
