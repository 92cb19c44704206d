export * from './types';
export { checkSplit, splitter, MIN_HOLDOUT_SHARE, MAX_HOLDOUT_SHARE } from './split';
export {
  wilson,
  weightOfEvidence,
  informationValue,
  logOddsRatio,
  rocAuc,
  niceCut,
  Z95,
} from './statistics';
export {
  createSignals,
  binIndex,
  MAX_BINS,
  PRE_BINS,
  MAX_DISTINCT_NUMBERS,
  MAX_DISTINCT_OPTIONS,
  SIGNAL_SAMPLE_SIZE,
  type SignalLead,
} from './signals';
export {
  createRulePass,
  thresholdForShare,
  atThreshold,
  thresholdSites,
  MIN_FIRINGS,
  MAX_CURVE_POINTS,
  type TuningLead,
} from './rule-pass';
export {
  suggestPoints,
  roundToStep,
  PDO_FACTOR,
  POINTS_TO_DOUBLE_ODDS,
  DEFAULT_SHRINKAGE,
} from './suggest-points';
export {
  draftScorecard,
  scorecardWorkflow,
  withDraftThreshold,
  DEFAULT_DRAFT_ROWS,
  MAX_DRAFT_ROWS,
  REDUNDANCY_CORRELATION,
  MIN_DRAFT_IV,
  type DraftOptions,
} from './draft-scorecard';
