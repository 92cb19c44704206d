/**
 * Signals per catalog field: conversion per option, per bin of numbers and dates, and missing vs
 * present, with weight of evidence and information value, fitted on the fit part and judged on
 * the holdout part. One pass over the leads with bounded memory: counts per distinct value
 * (numbers coarsened to fewer significant digits when a field has too many), no per-lead objects.
 */
import type { FieldCatalog, FieldDef, FieldType } from '../schema/field-catalog';
import type { Predicate } from '../schema/predicate';
import { DAY_MS, hasText, toAsOf, toBool, toNumber, toText, toTime } from '../runtime/values';
import { needsOwnRead } from '../compile/expressions';
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
export const MAX_DISTINCT_OPTIONS = 60;
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
  /** Counts per key: raw values for texts (normalised when read), numbers, ages in days. */
  keys: Map<unknown, Float64Array>;
  missing: Float64Array;
  /** Numbers: significant digits buckets are floored to (0: exact values). */
  digits: number;
  /** Texts: more distinct raw values than the cap were seen (judged on missing vs present). */
  overflow: boolean;
  /** The field id must be read as an own property (it names something on Object.prototype). */
  own: boolean;
  /** Leads that had the key at all (readable or not): the rest are missing. */
  seen: Float64Array;
}

const newCounts = () => {
  const c = new Float64Array(6);
  c[MIN] = Infinity;
  c[MAX] = -Infinity;
  return c;
};

/** Powers of ten by exponent, for flooring to significant digits without string work. */
const POW10 = new Map<number, number>();
const pow10 = (e: number) => {
  let p = POW10.get(e);
  if (p === undefined) POW10.set(e, (p = Number(`1e${e}`)));
  return p;
};

/**
 * `v` floored to `digits` significant digits: the bucket [key, key + unit) it falls in. The key
 * is only a name for the bucket (labels and cuts use the values seen), so float rounding in it
 * does no harm as long as the same value always gives the same key.
 */
function floorDigits(v: number, digits: number): number {
  if (v === 0 || digits === 0) return v;
  const e = Math.floor(Math.log10(Math.abs(v))) - digits + 1;
  const unit = pow10(e);
  return e < 0 ? Math.floor(v / unit + 1e-9) / pow10(-e) : Math.floor(v / unit + 1e-9) * unit;
}

/** Distinct raw texts kept before a text field is judged on missing vs present only. */
const MAX_DISTINCT_RAW = MAX_DISTINCT_OPTIONS * 8;
const PRESENT = '';

/**
 * A streaming signals pass: `add` chunks of leads, then `result()`. Leads without
 * `outcome.converted` (a boolean) are counted and left out. Each chunk is read field by field
 * (one tight loop per field over the chunk), texts are counted by their raw value and normalised
 * once per distinct value when the result is read.
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
      own: needsOwnRead(def.id),
      seen: new Float64Array(4),
    }));
  const byId = new Map(accumulators.map((acc) => [acc.def.id, acc]));
  const totals = new Float64Array(4);
  let read = 0;
  let withoutOutcome = 0;
  const sample: Record<string, unknown>[] = [];
  let fitSeen = 0;
  const random = mulberry32(seedOf(split.seed) ^ 0x5eed);
  // Per chunk: each lead's attributes and its cell (2 × part + converted; -1 without outcome).
  let attrs: Record<string, unknown>[] = [];
  let cells = new Int8Array(0);

  const add = (leads: readonly SignalLead[]) => {
    if (cells.length < leads.length) cells = new Int8Array(leads.length);
    attrs.length = leads.length;
    for (let l = 0; l < leads.length; l++) {
      const lead = leads[l]!;
      read++;
      const converted = lead.outcome?.converted;
      const attributes = (
        typeof lead.attributes === 'object' && lead.attributes !== null ? lead.attributes : {}
      ) as Record<string, unknown>;
      attrs[l] = attributes;
      if (typeof converted !== 'boolean') {
        withoutOutcome++;
        cells[l] = -1;
        continue;
      }
      const holdout = partOf(String(lead.id)) === 'holdout';
      const cell = (holdout ? 2 : 0) + (converted ? 1 : 0);
      cells[l] = cell;
      totals[cell & 2]!++;
      totals[(cell & 2) + 1]! += cell & 1;
      if (!holdout) {
        fitSeen++;
        if (sample.length < SIGNAL_SAMPLE_SIZE) sample.push(attributes);
        else {
          const j = Math.floor(random() * fitSeen);
          if (j < SIGNAL_SAMPLE_SIZE) sample[j] = attributes;
        }
      }
    }
    // Lead by lead, only the keys a lead has (most leads leave most fields empty): a field a
    // lead does not have is counted missing from the part totals when the result is read.
    for (let l = 0; l < leads.length; l++) {
      const cell = cells[l]!;
      if (cell < 0) continue;
      const attributes = attrs[l]!;
      for (const key in attributes) {
        const acc = byId.get(key);
        if (acc === undefined || (acc.own && !Object.hasOwn(attributes, key))) continue;
        count(acc.seen, cell);
        const raw = attributes[key];
        switch (acc.shape) {
          case 'category':
            addText(acc, raw, cell);
            break;
          case 'boolean':
            addBoolean(acc, raw, cell);
            break;
          case 'number':
            addNumber(acc, raw, cell);
            break;
          case 'date':
            addDate(acc, raw, cell, asOf);
            break;
          case 'presence':
            count(present(acc.def.type, raw) ? counted(acc, PRESENT) : acc.missing, cell);
            break;
        }
      }
    }
    attrs = [];
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

/** Adds one lead to a counts array: leads and converted of its part. */
function count(counts: Float64Array, cell: number) {
  counts[cell & 2]!++;
  counts[(cell & 2) + 1]! += cell & 1;
}

function counted(acc: Accumulator, key: unknown): Float64Array {
  let counts = acc.keys.get(key);
  if (counts === undefined) acc.keys.set(key, (counts = newCounts()));
  return counts;
}

function addText(acc: Accumulator, raw: unknown, cell: number) {
  if (raw === undefined || raw === null || typeof raw === 'object') {
    // Lists and objects are no option: read as text they are missing.
    count(acc.missing, cell);
    return;
  }
  if (acc.overflow) {
    count(hasText(raw) ? counted(acc, PRESENT) : acc.missing, cell);
    return;
  }
  let counts = acc.keys.get(raw);
  if (counts === undefined) {
    acc.keys.set(raw, (counts = newCounts()));
    if (acc.keys.size > MAX_DISTINCT_RAW) {
      toPresence(acc);
      counts = hasText(raw) ? counted(acc, PRESENT) : acc.missing;
    }
  }
  count(counts, cell);
}

/** Folds a text field's counts into missing vs present (free text: too many values). */
function toPresence(acc: Accumulator) {
  const all = newCounts();
  for (const [raw, counts] of acc.keys) {
    const into = toText(raw) === undefined ? acc.missing : all;
    for (let k = 0; k < 4; k++) into[k]! += counts[k]!;
  }
  acc.keys = new Map([[PRESENT, all]]);
  acc.overflow = true;
}

function addBoolean(acc: Accumulator, raw: unknown, cell: number) {
  const b = raw === true ? true : raw === false ? false : toBool(raw);
  count(b === undefined ? acc.missing : counted(acc, b ? 'true' : 'false'), cell);
}

function addNumber(acc: Accumulator, raw: unknown, cell: number) {
  const x = typeof raw === 'number' && raw - raw === 0 ? raw : toNumber(raw);
  if (x === undefined) {
    count(acc.missing, cell);
    return;
  }
  const key = acc.digits === 0 ? x : floorDigits(x, acc.digits);
  let counts = acc.keys.get(key);
  if (counts === undefined) {
    acc.keys.set(key, (counts = newCounts()));
    if (acc.keys.size > MAX_DISTINCT_NUMBERS) {
      coarsen(acc);
      counts = acc.keys.get(floorDigits(x, acc.digits))!;
    }
  }
  if (x < counts[MIN]!) counts[MIN] = x;
  if (x > counts[MAX]!) counts[MAX] = x;
  count(counts, cell);
}

function addDate(acc: Accumulator, raw: unknown, cell: number, asOf: number) {
  const t = typeof raw === 'string' ? isoTime(raw) : toTime(raw);
  if (t === undefined) {
    count(acc.missing, cell);
    return;
  }
  const age = Math.max(0, Math.floor((asOf - t) / DAY_MS));
  const counts = counted(acc, age);
  if (age < counts[MIN]!) counts[MIN] = age;
  if (age > counts[MAX]!) counts[MAX] = age;
  count(counts, cell);
}

const digit = (s: string, i: number) => s.charCodeAt(i) - 48;
const ISO_DIGITS = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15, 17, 18, 20, 21, 22];
const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/**
 * Epoch milliseconds of a date text: `YYYY-MM-DDTHH:MM:SS.sssZ` (what toISOString writes) read
 * digit by digit, anything else through toTime (Date.parse), so the result is always the same.
 */
function isoTime(s: string): number | undefined {
  if (
    s.length === 24 &&
    s.charCodeAt(4) === 45 &&
    s.charCodeAt(7) === 45 &&
    s.charCodeAt(10) === 84 &&
    s.charCodeAt(13) === 58 &&
    s.charCodeAt(16) === 58 &&
    s.charCodeAt(19) === 46 &&
    s.charCodeAt(23) === 90 &&
    ISO_DIGITS.every((i) => {
      const c = s.charCodeAt(i);
      return c >= 48 && c <= 57;
    })
  ) {
    const year = digit(s, 0) * 1000 + digit(s, 1) * 100 + digit(s, 2) * 10 + digit(s, 3);
    const month = digit(s, 5) * 10 + digit(s, 6);
    const day = digit(s, 8) * 10 + digit(s, 9);
    const hour = digit(s, 11) * 10 + digit(s, 12);
    const minute = digit(s, 14) * 10 + digit(s, 15);
    const second = digit(s, 17) * 10 + digit(s, 18);
    const ms = digit(s, 20) * 100 + digit(s, 21) * 10 + digit(s, 22);
    const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
    const monthDays = month === 2 ? (leap ? 29 : 28) : MONTH_DAYS[month - 1]!;
    if (
      year >= 1000 &&
      month >= 1 &&
      month <= 12 &&
      day >= 1 &&
      day <= monthDays &&
      hour <= 23 &&
      minute <= 59 &&
      second <= 59 &&
      ms >= 0
    )
      return Date.UTC(year, month - 1, day, hour, minute, second, ms);
  }
  return toTime(s);
}

/** Coarsens a number field's buckets to fewer significant digits until few enough remain. */
function coarsen(acc: Accumulator) {
  while (acc.keys.size > MAX_DISTINCT_NUMBERS && acc.digits !== 1) {
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
  }
}

function present(type: FieldType, raw: unknown): boolean {
  if (type === 'list' && Array.isArray(raw)) return raw.some(hasText);
  return hasText(raw);
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
  const { keys, missing, overflow } = normalised(acc, totals);
  const nonMissing = totals[FIT_N]! - missing[FIT_N]!;
  const minLeads = Math.max(20, 0.02 * nonMissing);
  let groups = [...keys].map(([key, counts]) => groupOf(key as string | number, counts));
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
    // Cut points between neighbours, moved to the roundest number within reach (shifting at
    // most a tenth of either neighbour's fit leads): numbers `over c`; dates by age in days,
    // `in the last c days`. Every key (fit or holdout only) then goes to the bin its value is in.
    const shape = acc.shape;
    const cuts = niceCuts(groups, keys, shape);
    const final = assignByCuts(keys, cuts, shape);
    bins = final.map((g, i) => {
      const from = i === 0 ? null : cuts[i - 1]!;
      const to = i === final.length - 1 ? null : cuts[i]!;
      return bin(g, rangeBin(def.id, shape, from, to));
    });
  } else if (acc.shape === 'category' && !overflow) {
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

/**
 * A field's counts as the evaluator reads its values: texts by their trimmed, lower-cased value
 * (raw values that read as nothing join `missing`), free text (too many options) as present.
 * A copy: the pass keeps counting.
 */
function normalised(acc: Accumulator, totals: Float64Array) {
  const missing = Float64Array.from(acc.missing);
  for (let k = 0; k < 4; k++) missing[k]! += totals[k]! - acc.seen[k]!;
  if (acc.shape !== 'category' || acc.overflow)
    return { keys: acc.keys, missing, overflow: acc.overflow };
  const keys = new Map<unknown, Float64Array>();
  for (const [raw, counts] of acc.keys) {
    const text = toText(raw);
    const into = text === undefined ? missing : (keys.get(text) ?? newCounts());
    if (text !== undefined && !keys.has(text)) keys.set(text, into);
    for (let k = 0; k < 4; k++) into[k]! += counts[k]!;
  }
  if (keys.size <= MAX_DISTINCT_OPTIONS) return { keys, missing, overflow: false };
  const all = newCounts();
  for (const counts of keys.values()) for (let k = 0; k < 4; k++) all[k]! += counts[k]!;
  return { keys: new Map<unknown, Float64Array>([[PRESENT, all]]), missing, overflow: true };
}

/** The value that places a key: a date's age, a number bucket's largest value. */
const placeOf = (key: unknown, counts: Float64Array, shape: 'number' | 'date') =>
  shape === 'date' ? (key as number) : counts[MAX]!;

/**
 * Cut points between neighbouring groups: the roundest number between the place where the left
 * group would lose a tenth of its fit leads and where the right one would.
 */
function niceCuts(
  groups: readonly Group[],
  keys: Map<unknown, Float64Array>,
  shape: 'number' | 'date',
): number[] {
  const cuts: number[] = [];
  for (let i = 0; i < groups.length - 1; i++) {
    const left = groups[i]!;
    const right = groups[i + 1]!;
    let lo = left.keys.length - 1;
    let moved = keys.get(left.keys[lo])![FIT_N]!;
    while (lo > 0) {
      const n = keys.get(left.keys[lo - 1])![FIT_N]!;
      if (moved + n > 0.1 * left.n) break;
      moved += n;
      lo--;
    }
    let hi = 0;
    moved = keys.get(right.keys[0])![FIT_N]!;
    while (hi < right.keys.length - 1) {
      const n = keys.get(right.keys[hi + 1])![FIT_N]!;
      if (moved + n > 0.1 * right.n) break;
      moved += n;
      hi++;
    }
    // The cut may fall after key `lo - 1` of the left group … before key `hi + 1` of the right:
    // the keys between change side at most a tenth of either group.
    const lowKey = lo > 0 ? left.keys[lo - 1]! : left.keys[0]!;
    const highKey = hi < right.keys.length - 1 ? right.keys[hi + 1]! : right.keys.at(-1)!;
    const strictLow = placeOf(lowKey, keys.get(lowKey)!, shape);
    const strictHigh = placeOf(highKey, keys.get(highKey)!, shape);
    // Numbers: left ≤ c < right. Ages: left < c ≤ right.
    const cut =
      shape === 'number' ? niceCut(strictLow, strictHigh) : niceCut(strictLow + 1, strictHigh + 1);
    const previous = cuts.at(-1);
    cuts.push(previous !== undefined && cut <= previous ? strictLow : cut);
  }
  return cuts;
}

/** Groups of every key (fit and holdout) by the cut points; empty bins are kept. */
function assignByCuts(
  keys: Map<unknown, Float64Array>,
  cuts: readonly number[],
  shape: 'number' | 'date',
): Group[] {
  const groups: Group[] = Array.from({ length: cuts.length + 1 }, () => ({
    n: 0,
    c: 0,
    hn: 0,
    hc: 0,
    min: Infinity,
    max: -Infinity,
    keys: [],
  }));
  for (const [key, counts] of keys) {
    const x = placeOf(key, counts, shape);
    let i = 0;
    while (i < cuts.length && (shape === 'date' ? x >= cuts[i]! : x > cuts[i]!)) i++;
    const g = groups[i]!;
    g.n += counts[FIT_N]!;
    g.c += counts[FIT_C]!;
    g.hn += counts[HOLD_N]!;
    g.hc += counts[HOLD_C]!;
    g.min = Math.min(g.min, counts[MIN]!);
    g.max = Math.max(g.max, counts[MAX]!);
    g.keys.push(key as number);
  }
  return groups;
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

/**
 * A number bin (from < x ≤ to) or a date bin by age (from ≤ days < to): key, label, range, when.
 * @example rangeBin('company_size', 'number', 1000, null).label // 'over 1,000'
 */
export function rangeBin(
  fieldId: string,
  shape: 'number' | 'date',
  from: number | null,
  to: number | null,
): Omit<SignalBin, 'fit' | 'holdout' | 'iv'> {
  const operand = field(fieldId);
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
