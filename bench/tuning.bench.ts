/**
 * npm run bench:tuning — tuning on outcomes against a known truth (issue #19).
 *
 * 1. Generates 200,000 leads in the generator's outcome mode: outcomes drawn from the documented
 *    logistic model OUTCOME_MODEL of five fields, plus six `noise_*` fields that carry nothing.
 *    The seeded split holds out 30%.
 * 2. Signals of every catalog field on the fit part, a drafted scorecard (at most 12 rows) and
 *    its threshold flagging 30% of the fit part; judged on the holdout part (`draftedAuc`,
 *    `draftedLiftAt30`: the lift on the holdout part at the threshold chosen on the fit part).
 * 3. Peers on the same parts: a logistic regression (ml-logistic-regression, batch gradient
 *    ascent; standardised features, log2 of company size, days since last activity, one-hot
 *    options, missing indicators, an intercept column) fitted on a 20,000-lead sample of the fit
 *    part (`logisticAuc`), and the true model's logit (`trueAuc`), both on the holdout part.
 * 4. The time to compute all signals of 1,000,000 leads × 40 fields (`signals1MMs`: the pass and
 *    the result, not the generation of the leads).
 *
 * Ends with one JSON line:
 * {"draftedAuc":N,"logisticAuc":N,"trueAuc":N,"draftedLiftAt30":N,"signals1MMs":N}.
 * Targets: drafted AUC within 0.02 of the logistic regression's; signals 1M × 40 under 5 s.
 */
import { loadavg } from 'node:os';
import LogisticRegression from 'ml-logistic-regression';
import { Matrix } from 'ml-matrix';
import {
  createRulePass,
  createSignals,
  DEFAULT_SAMPLE_AS_OF,
  defaultCatalog,
  draftScorecard,
  extendCatalog,
  leadBatches,
  noiseFieldDefs,
  outcomeLogit,
  rocAuc,
  scorecardWorkflow,
  splitter,
  withDraftThreshold,
  type FieldCatalog,
  type GeneratedLead,
} from '@accord/engine';

const LEADS = Number(process.env.BENCH_TUNING_LEADS ?? 200_000);
const SIGNAL_LEADS = Number(process.env.BENCH_TUNING_SIGNAL_LEADS ?? 1_000_000);
const LOGISTIC_SAMPLE = Number(process.env.BENCH_TUNING_LOGISTIC_SAMPLE ?? 20_000);
const LOGISTIC_STEPS = Number(process.env.BENCH_TUNING_LOGISTIC_STEPS ?? 600);
const AS_OF = DEFAULT_SAMPLE_AS_OF;
const split = { seed: 1, holdoutShare: 0.3 };
const NOISE = 6;

const round = (x: number, digits = 4) => Number(x.toFixed(digits));
const load = () =>
  loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');

/** AUC of continuous scores: counts grouped by distinct score (ties count one half). */
function aucOf(scores: ArrayLike<number>, converted: ArrayLike<boolean>): number {
  const groups = new Map<number, [number, number]>();
  for (let i = 0; i < scores.length; i++) {
    const g = groups.get(scores[i]!) ?? [0, 0];
    g[0]++;
    if (converted[i]) g[1]++;
    groups.set(scores[i]!, g);
  }
  const keys = [...groups.keys()];
  return rocAuc(
    keys,
    keys.map((k) => groups.get(k)![0]),
    keys.map((k) => groups.get(k)![1]),
  )!;
}

/**
 * The logistic regression's features of a lead: numbers standardised (company size as log2),
 * dates as days since, booleans 0/1, options one-hot, a missing indicator per field; column 0
 * is the intercept.
 */
function featureSpace(catalog: FieldCatalog, fitLeads: readonly GeneratedLead[]) {
  const columns: { name: string; value: (a: Record<string, unknown>) => number }[] = [
    { name: 'intercept', value: () => 1 },
  ];
  for (const def of catalog.fields) {
    if (def.category === 'sales' || def.retired) continue;
    const id = def.id;
    const raw = (a: Record<string, unknown>) => a[id];
    const missing = (a: Record<string, unknown>) =>
      raw(a) === undefined || raw(a) === null ? 1 : 0;
    if (def.type === 'number')
      columns.push({
        name: id,
        value: (a) => {
          const x = Number(raw(a));
          return Number.isFinite(x) ? (id === 'company_size' ? Math.log2(Math.max(1, x)) : x) : 0;
        },
      });
    else if (def.type === 'date')
      columns.push({
        name: id,
        value: (a) => {
          const t = Date.parse(String(raw(a)));
          return Number.isFinite(t) ? (AS_OF - t) / 86_400_000 : 0;
        },
      });
    else if (def.type === 'boolean')
      columns.push({ name: id, value: (a) => (raw(a) === true ? 1 : 0) });
    else if (def.type === 'enum' || def.type === 'string') {
      const counts = new Map<string, number>();
      for (const lead of fitLeads) {
        const v = raw(lead.attributes);
        if (typeof v === 'string') counts.set(v, (counts.get(v) ?? 0) + 1);
      }
      // Options with at least 1% of the fit leads, at most 20 of them (free text has none).
      const options = [...counts]
        .filter(([, n]) => n >= fitLeads.length * 0.01)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 20)
        .map(([v]) => v);
      for (const option of options.slice(1))
        columns.push({ name: `${id}=${option}`, value: (a) => (raw(a) === option ? 1 : 0) });
    }
    columns.push({ name: `${id} missing`, value: missing });
  }
  // Standardise every column but the intercept on the fit leads; drop constant ones.
  const stats = columns.map((c) => {
    let s = 0;
    let s2 = 0;
    for (const lead of fitLeads) {
      const x = c.value(lead.attributes);
      s += x;
      s2 += x * x;
    }
    const mean = s / fitLeads.length;
    return { mean, sd: Math.sqrt(Math.max(0, s2 / fitLeads.length - mean * mean)) };
  });
  const kept = columns
    .map((c, i) => ({ ...c, ...stats[i]! }))
    .filter((c, i) => i === 0 || c.sd > 1e-9);
  return {
    width: kept.length,
    row: (a: Record<string, unknown>) =>
      kept.map((c, i) => (i === 0 ? 1 : (c.value(a) - c.mean) / c.sd)),
  };
}

function main() {
  console.log(`bench:tuning — load average ${load()}`);
  const catalog = extendCatalog(defaultCatalog, { fields: noiseFieldDefs(NOISE) });
  const options = {
    count: LEADS,
    seed: 19,
    asOf: AS_OF,
    outcome: 'model' as const,
    noiseFields: NOISE,
  };
  const leads: GeneratedLead[] = [];
  for (const batch of leadBatches({ ...options, batchSize: 10_000 })) leads.push(...batch);
  const partOf = splitter(split);
  const fit = leads.filter((l) => partOf(l.id) === 'fit');
  const holdout = leads.filter((l) => partOf(l.id) === 'holdout');
  console.log(`${LEADS.toLocaleString('en')} leads: ${fit.length} fit, ${holdout.length} holdout`);

  // The drafted scorecard.
  let t = performance.now();
  const signals = createSignals(catalog, split, { asOf: AS_OF });
  for (let i = 0; i < leads.length; i += 10_000) signals.add(leads.slice(i, i + 10_000));
  const report = signals.result();
  const draft = draftScorecard(report, catalog, {
    score: 'fit',
    asOf: AS_OF,
    sample: signals.sample(),
  });
  const pass = createRulePass(scorecardWorkflow(draft.data), catalog, split, { asOf: AS_OF });
  for (let i = 0; i < leads.length; i += 10_000) pass.add(leads.slice(i, i + 10_000));
  const curves = pass.thresholds().scores[0]!;
  const judged = withDraftThreshold(draft, curves, 0.3);
  const draftedAuc = curves.holdout.auc!;
  const draftedLiftAt30 = judged.threshold!.holdout.lift;
  console.log(
    `drafted scorecard (${Math.round(performance.now() - t)} ms), ${draft.rows.length} rows:`,
  );
  for (const row of draft.rows) console.log(`  ${row.text}`);
  console.log(
    `  threshold ${judged.threshold!.value}: fit share ${round(judged.threshold!.fit.share, 3)}, holdout share ${round(judged.threshold!.holdout.share, 3)}, precision ${round(judged.threshold!.holdout.precision, 3)}, lift ${round(draftedLiftAt30, 3)}`,
  );

  // The true model.
  const trueAuc = aucOf(
    holdout.map((l) => outcomeLogit(l.attributes, AS_OF)),
    holdout.map((l) => l.outcome.converted),
  );

  // The logistic regression on a sample of the fit part.
  t = performance.now();
  const step = Math.max(1, Math.floor(fit.length / LOGISTIC_SAMPLE));
  const sample = fit.filter((_, i) => i % step === 0).slice(0, LOGISTIC_SAMPLE);
  const space = featureSpace(catalog, sample);
  const X = new Matrix(sample.map((l) => space.row(l.attributes)));
  const Y = Matrix.columnVector(sample.map((l) => (l.outcome.converted ? 1 : 0)));
  // Summed gradients: a rate of about 1 / rows keeps each step stable.
  const logistic = new LogisticRegression({
    numSteps: LOGISTIC_STEPS,
    learningRate: 1 / sample.length,
  });
  logistic.train(X, Y);
  // One-vs-all over classes 0 and 1: classifier 0 scores "not class 0", i.e. converted.
  const classifier = logistic.classifiers[0]!;
  const scores = classifier.testScores(new Matrix(holdout.map((l) => space.row(l.attributes))));
  const logisticAuc = aucOf(
    scores,
    holdout.map((l) => l.outcome.converted),
  );
  console.log(
    `logistic regression: ${space.width} columns, ${sample.length} fit leads, ${LOGISTIC_STEPS} steps (${Math.round(performance.now() - t)} ms)`,
  );
  console.log(
    `holdout AUC: drafted ${round(draftedAuc)}, logistic ${round(logisticAuc)}, true model ${round(trueAuc)}`,
  );
  leads.length = 0;

  // Signals of 1M leads × 40 fields: the default catalog plus noise fields up to 40.
  const noise40 = Math.max(0, 40 - defaultCatalog.fields.length);
  const catalog40 = extendCatalog(defaultCatalog, { fields: noiseFieldDefs(noise40) });
  const fields = catalog40.fields.filter((f) => !f.retired).length;
  const big = createSignals(catalog40, split, { asOf: AS_OF });
  let signalsMs = 0;
  // CPU time of the process beside the wall time: on a shared machine the wall time also counts
  // waiting for a core.
  let signalsCpuMs = 0;
  const cpu = () => {
    const { user, system } = process.cpuUsage();
    return (user + system) / 1000;
  };
  for (const batch of leadBatches({
    count: SIGNAL_LEADS,
    seed: 23,
    asOf: AS_OF,
    outcome: 'model',
    noiseFields: noise40,
    batchSize: 10_000,
  })) {
    const start = performance.now();
    const startCpu = cpu();
    big.add(batch);
    signalsMs += performance.now() - start;
    signalsCpuMs += cpu() - startCpu;
  }
  const start = performance.now();
  const startCpu = cpu();
  const bigReport = big.result();
  signalsMs += performance.now() - start;
  signalsCpuMs += cpu() - startCpu;
  console.log(
    `signals of ${SIGNAL_LEADS.toLocaleString('en')} leads × ${fields} fields: ${Math.round(signalsMs)} ms (CPU ${Math.round(signalsCpuMs)} ms; strongest: ${bigReport.fields[0]!.field}) — load average ${load()}`,
  );
  console.log(
    `targets: drafted AUC within 0.02 of the logistic regression's: ${logisticAuc - draftedAuc <= 0.02 ? 'met' : 'NOT met'}; signals 1M × 40 under 5 s: ${signalsMs < 5000 ? 'met' : 'NOT met'}`,
  );
  console.log(
    JSON.stringify({
      draftedAuc: round(draftedAuc),
      logisticAuc: round(logisticAuc),
      trueAuc: round(trueAuc),
      draftedLiftAt30: round(draftedLiftAt30, 3),
      signals1MMs: Math.round(signalsMs),
    }),
  );
}

main();
