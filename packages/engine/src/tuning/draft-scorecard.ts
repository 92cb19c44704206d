import { defaultStages } from '../defaults/default-stages';
import type { FieldCatalog } from '../schema/field-catalog';
import {
  scorecardDataSchema,
  SCORE_CATEGORIES,
  type NodeDataOf,
  type ScoreCategory,
} from '../schema/node';
import type { Workflow } from '../schema/workflow';
import type { Predicate } from '../schema/predicate';
import { toAsOf } from '../runtime/values';
import { hasErrors } from '../validate/diagnostic';
import { validate } from '../validate/validate';
import { atThreshold, thresholdForShare } from './rule-pass';
import { binIndex, PRE_BINS, rangeBin } from './signals';
import { beyondChance, informationValue, weightOfEvidence } from './statistics';
import { PDO_FACTOR, roundToStep } from './suggest-points';
import type {
  DraftedRow,
  DraftedScorecard,
  FieldSignal,
  ScoreThresholds,
  SignalsReport,
} from './types';

/** Default and largest number of rows of a drafted scorecard. */
export const DEFAULT_DRAFT_ROWS = 12;
export const MAX_DRAFT_ROWS = 30;
/** A field whose WoE-coded values correlate more than this with a chosen field's is redundant. */
export const REDUNDANCY_CORRELATION = 0.7;
/** A field with a fit IV below this carries nothing worth a row. */
export const MIN_DRAFT_IV = 0.02;

export interface DraftOptions {
  /** The score the rows add to. */
  score: string;
  maxRows?: number;
  /** Points are rounded to this step. */
  step?: number;
  /** Points per unit of log-odds (default 20 / ln 2: 20 points double the odds). */
  factor?: number;
  /** Also use fields filled in after sales contact (category `sales`). */
  includeLeaky?: boolean;
  /** Fit leads' attributes (`createSignals(…).sample()`) for the redundancy guard. */
  sample?: readonly Record<string, unknown>[];
  /** The date ages of date fields count from (as the signals pass). */
  asOf: Date | number | string;
  /** Prefix of the row ids (default `drafted-`). */
  idPrefix?: string;
}

/**
 * A scorecard drafted from the signals (fit part), at most `maxRows` rows:
 * 1. fields in order of fit information value, leaving out those under 0.02 (`weak`), those
 *    whose bins separate the outcomes no more than chance would given how many options or
 *    pre-bins were grouped into them (`chance`: χ², p ≥ 0.001; e.g. first names grouped by their
 *    fitted conversion), those filled in after sales contact (`leaky`), and those whose WoE-coded
 *    values on the fit sample correlate above 0.7 with a field already chosen (`redundant`);
 * 2. per field, the bin with the most leads is the reference (no row: 0 points) and every other
 *    bin is a row;
 * 3. while there are more rows than `maxRows`, the merge that loses the least information value
 *    over all fields is made: a bin into its field's reference (its row goes), two neighbouring
 *    ranges, or two option groups (a field merged into one bin drops out);
 * 4. each row is worth (WoE of its bin − WoE of the reference) × factor, rounded to the step;
 *    rows that round to 0 are left out.
 * Rows read like a person wrote them ("Company size (employees) over 1,000 +25"). The data is
 * checked against the workflow schema and validated in a one-node workflow; a failure throws.
 * The threshold is added by `withDraftThreshold` once the leads went through the draft.
 * @example draftScorecard(signals.result(), catalog, { score: 'fit', asOf, sample: signals.sample() })
 */
export function draftScorecard(
  signals: SignalsReport,
  catalog: FieldCatalog,
  options: DraftOptions,
): DraftedScorecard {
  const maxRows = options.maxRows ?? DEFAULT_DRAFT_ROWS;
  if (!Number.isInteger(maxRows) || maxRows < 1 || maxRows > MAX_DRAFT_ROWS)
    throw new RangeError(`maxRows must be a whole number from 1 to ${MAX_DRAFT_ROWS}`);
  const step = options.step ?? 5;
  if (!(step > 0) || !Number.isFinite(step)) throw new RangeError('step must be a positive number');
  const factor = options.factor ?? PDO_FACTOR;
  const asOf = toAsOf(options.asOf);
  const sample = options.sample ?? [];
  const skipped: DraftedScorecard['skipped'] = [];
  const chosen: { signal: FieldSignal; coded: Float64Array }[] = [];

  for (const signal of signals.fields) {
    if (signal.leaky && !options.includeLeaky) {
      skipped.push({ field: signal.field, reason: 'leaky' });
      continue;
    }
    if (signal.iv.fit < MIN_DRAFT_IV) {
      skipped.push({ field: signal.field, reason: 'weak' });
      continue;
    }
    if (!beyondChance(fitCounts(signal), groupedOptions(signal) - 1)) {
      skipped.push({ field: signal.field, reason: 'chance' });
      continue;
    }
    const coded = codeByWoe(signal, sample, asOf);
    if (chosen.some((c) => Math.abs(correlation(c.coded, coded)) > REDUNDANCY_CORRELATION)) {
      skipped.push({ field: signal.field, reason: 'redundant' });
      continue;
    }
    chosen.push({ signal, coded });
  }

  const C = signals.split.fit.converted;
  const N = signals.split.fit.leads - C;
  const fields = chosen.map(({ signal }) => allocatable(signal));
  // Fewer rows than bins: merge where the least information is lost, across all fields.
  for (;;) {
    const rows = fields.reduce((n, f) => n + f.bins.length - 1, 0);
    if (rows <= maxRows) break;
    let best: { field: Allocatable; loss: number; apply: () => void } | null = null;
    for (const f of fields)
      for (const op of mergeOptions(f, C, N))
        if (!best || op.loss < best.loss) best = { field: f, ...op };
    if (!best) break;
    best.apply();
  }

  const candidates: (DraftedRow & { order: number; category: ScoreCategory; bin: WorkingBin })[] =
    [];
  fields.forEach((f, fieldOrder) => {
    const ref = f.bins[f.reference]!;
    const refWoe = weightOfEvidence(ref.c, ref.n - ref.c, C, N);
    let rows = 0;
    f.bins.forEach((bin, binOrder) => {
      if (binOrder === f.reference) return;
      const woe = weightOfEvidence(bin.c, bin.n - bin.c, C, N);
      const points = roundToStep((woe - refWoe) * factor, step);
      if (points === 0) return;
      rows++;
      candidates.push({
        rowId: '',
        field: f.signal.field,
        binKey: bin.key,
        text: `${f.signal.label} ${bin.label} ${points > 0 ? '+' : ''}${points}`,
        points,
        woe,
        iv: f.signal.iv.fit,
        order: fieldOrder * 1000 + binOrder,
        category: rowCategory(f.signal.category),
        bin,
      });
    });
    if (rows === 0) skipped.push({ field: f.signal.field, reason: 'no rows' });
  });
  const kept = candidates.slice(0, maxRows);

  const prefix = options.idPrefix ?? 'drafted-';
  const bySignal = new Map(signals.fields.map((s) => [s.field, s]));
  const rows: DraftedRow[] = [];
  const data: NodeDataOf<'scorecard'> = {
    score: options.score,
    rows: kept.map((candidate, i) => {
      const rowId = `${prefix}${i + 1}`;
      const { order: _order, category, bin, ...row } = candidate;
      rows.push({ ...row, rowId });
      const signal = bySignal.get(candidate.field)!;
      return {
        id: rowId,
        label: `${signal.label} ${bin.label}`,
        category,
        when: bin.when,
        points: candidate.points,
      };
    }),
  };
  const parsed = scorecardDataSchema.safeParse(data);
  if (!parsed.success)
    throw new Error(`The drafted scorecard is not valid: ${parsed.error.message}`);
  const check = validate(scorecardWorkflow(parsed.data), catalog);
  if (hasErrors(check))
    throw new Error(
      `The drafted scorecard does not validate: ${check.find((d) => d.severity === 'error')?.message}`,
    );
  return { split: signals.split, data: parsed.data, rows, skipped, threshold: null, factor };
}

/** A bin being allocated: fit counts, its condition and how it may merge. */
interface WorkingBin {
  key: string;
  label: string;
  when: Predicate;
  n: number;
  c: number;
  kind: 'range' | 'options' | 'other';
  range?: { from: number | null; to: number | null };
  values?: string[];
  /** The option labels of a group, to name merged groups. */
  parts: string[];
}

interface Allocatable {
  signal: FieldSignal;
  bins: WorkingBin[];
  reference: number;
}

function allocatable(signal: FieldSignal): Allocatable {
  const bins: WorkingBin[] = signal.bins.map((b) => ({
    key: b.key,
    label: b.label,
    when: b.when,
    n: b.fit.leads,
    c: b.fit.converted,
    kind: b.range ? 'range' : b.values && signal.type !== 'boolean' ? 'options' : 'other',
    range: b.range,
    values: b.values,
    parts: [b.label],
  }));
  let reference = 0;
  bins.forEach((b, i) => {
    if (b.n > bins[reference]!.n) reference = i;
  });
  return { signal, bins, reference };
}

const ivOf = (b: { n: number; c: number }, C: number, N: number) =>
  informationValue(b.c, b.n - b.c, C, N);

/** The merges a field allows, each with the information value it loses. */
function mergeOptions(f: Allocatable, C: number, N: number) {
  const ops: { loss: number; apply: () => void }[] = [];
  const ref = f.bins[f.reference]!;
  f.bins.forEach((bin, i) => {
    if (i === f.reference) return;
    const together = { n: bin.n + ref.n, c: bin.c + ref.c };
    ops.push({
      loss: ivOf(bin, C, N) + ivOf(ref, C, N) - ivOf(together, C, N),
      apply: () => {
        ref.n = together.n;
        ref.c = together.c;
        f.bins.splice(i, 1);
        if (i < f.reference) f.reference--;
      },
    });
  });
  const shape = f.signal.type === 'date' ? 'date' : 'number';
  for (let i = 0; i < f.bins.length; i++)
    for (let j = i + 1; j < f.bins.length; j++) {
      const a = f.bins[i]!;
      const b = f.bins[j]!;
      if (i === f.reference || j === f.reference || a.kind !== b.kind || a.kind === 'other')
        continue;
      if (a.kind === 'range' && j !== i + 1) continue;
      const together = { n: a.n + b.n, c: a.c + b.c };
      ops.push({
        loss: ivOf(a, C, N) + ivOf(b, C, N) - ivOf(together, C, N),
        apply: () => {
          let bin: WorkingBin;
          if (a.kind === 'range') {
            const r = rangeBin(f.signal.field, shape, a.range!.from, b.range!.to);
            bin = {
              ...r,
              when: r.when,
              n: together.n,
              c: together.c,
              kind: 'range',
              parts: [r.label],
            };
          } else {
            const values = [...a.values!, ...b.values!].sort();
            const parts = [...a.parts, ...b.parts];
            bin = {
              key: `v:${values.join('|')}`,
              label:
                parts.length <= 3
                  ? parts.join(' or ')
                  : `${parts.slice(0, 2).join(', ')} or ${parts.length - 2} more`,
              parts,
              when: { operand: { kind: 'field', field: f.signal.field }, op: 'in', value: values },
              n: together.n,
              c: together.c,
              kind: 'options',
              values,
            };
          }
          f.bins.splice(j, 1);
          f.bins.splice(i, 1, bin);
          if (j < f.reference) f.reference--;
        },
      });
    }
  return ops;
}

/** A catalog category as a scorecard row category (sales fields count as profile). */
function rowCategory(category: string): ScoreCategory {
  return (SCORE_CATEGORIES as readonly string[]).includes(category)
    ? (category as ScoreCategory)
    : 'profile';
}

/** The sample's values of a field replaced by their bin's fit WoE (0 outside every bin). */
function codeByWoe(signal: FieldSignal, sample: readonly Record<string, unknown>[], asOf: number) {
  const coded = new Float64Array(sample.length);
  sample.forEach((attributes, i) => {
    const raw = Object.hasOwn(attributes, signal.field) ? attributes[signal.field] : undefined;
    const b = binIndex(signal, raw, asOf);
    coded[i] = b < 0 ? 0 : signal.bins[b]!.fit.woe;
  });
  return coded;
}

/** Pearson correlation; 0 when either side is constant. */
function correlation(a: Float64Array, b: Float64Array): number {
  const n = a.length;
  if (n === 0) return 0;
  let sa = 0;
  let sb = 0;
  for (let i = 0; i < n; i++) {
    sa += a[i]!;
    sb += b[i]!;
  }
  const ma = sa / n;
  const mb = sb / n;
  let cov = 0;
  let va = 0;
  let vb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    cov += x * y;
    va += x * x;
    vb += y * y;
  }
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
}

/**
 * A one-scorecard workflow (start → scorecard → nurture) to run leads through a drafted
 * scorecard, e.g. with `createRulePass(…).thresholds()` to choose its threshold.
 * @example createRulePass(scorecardWorkflow(draft.data), catalog, split, { asOf })
 */
export function scorecardWorkflow(data: NodeDataOf<'scorecard'>, scoreLabel?: string): Workflow {
  const position = { x: 0, y: 0 };
  return {
    schemaVersion: 1,
    stages: defaultStages(),
    scores: [{ id: data.score, label: scoreLabel ?? data.score }],
    nodes: [
      { id: 'start', kind: 'start', label: 'Start', position, data: {} },
      { id: 'drafted', kind: 'scorecard', label: 'Drafted scorecard', position, data },
      { id: 'end', kind: 'stage', label: 'Nurture', position, data: { stage: 'nurture' } },
    ],
    edges: [
      { id: 'e1', source: 'start', sourceHandle: 'next', target: 'drafted' },
      { id: 'e2', source: 'drafted', sourceHandle: 'next', target: 'end' },
    ],
  };
}

/**
 * The draft with the threshold that flags `flagShare` of the fit part (from the drafted score's
 * curves, see `scorecardWorkflow`), and what that threshold gives on both parts.
 * @example withDraftThreshold(draft, pass.thresholds().scores[0], 0.3).threshold?.value
 */
export function withDraftThreshold(
  draft: DraftedScorecard,
  curves: ScoreThresholds,
  flagShare: number,
): DraftedScorecard {
  if (!(flagShare > 0 && flagShare < 1)) throw new RangeError('flagShare must be between 0 and 1');
  const point = thresholdForShare(curves.fit, flagShare);
  if (!point) return draft;
  return {
    ...draft,
    threshold: {
      value: point.threshold,
      flagShare,
      fit: atThreshold(curves.fit, point.threshold),
      holdout: atThreshold(curves.holdout, point.threshold),
    },
  };
}

/** The fit part's counts per bin of a field. */
function fitCounts(signal: FieldSignal): { leads: number; converted: number }[] {
  return signal.bins.map((bin) => bin.fit);
}

/**
 * How many options or pre-bins the signal's bins were grouped from: each option of an option bin,
 * one for `missing`, and the 20 quantile pre-bins the ranges were merged from.
 */
function groupedOptions(signal: FieldSignal): number {
  let options = 0;
  let ranges = 0;
  for (const bin of signal.bins) {
    if (bin.range) ranges++;
    else options += Math.max(1, bin.values?.length ?? 1);
  }
  return options + (ranges > 0 ? PRE_BINS : 0);
}
