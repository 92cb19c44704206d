export * from './schema/field-catalog';
export * from './schema/operators';
export * from './schema/predicate';
export * from './schema/node';
export * from './schema/workflow';
export * from './schema/lead';
export * from './schema/result';
export { nodeHandles, type NodeHandle } from './handles';
export { assertNever } from './assert-never';
export { defaultCatalog, FREE_MAIL_DOMAINS } from './catalog/default-catalog';
export { CATALOG_TEMPLATES, type CatalogTemplate } from './catalog/templates';
export * from './simulate/simulate';
export { simulationSide } from './simulate/simulation-side';
export * from './sql/simulate-sql';
export * from './sql/lead-columns';
export {
  parseWorkflow,
  parseLead,
  formatPath,
  zodErrors,
  type ParseError,
  type ParseResult,
} from './schema/parse-workflow';
export { validate, assignedTags } from './validate/validate';
export { groupDiagnostics, type DiagnosticGroup } from './validate/group-diagnostics';
export { templateInWords, type TemplateNames } from './runtime/template';
export {
  hasErrors,
  DIAGNOSTIC_CODES,
  type Diagnostic,
  type DiagnosticCode,
} from './validate/diagnostic';
export { buildGraph, type WorkflowGraph } from './validate/graph';
export { indexCatalog, extendCatalog, type CatalogIndex } from './catalog/catalog-index';
export { isFreeMailDomain } from './catalog/free-mail';
export { checkLeadValues, type LeadValueCheck, type LeadValueIssue } from './catalog/check-lead';
export { asOfOrNow } from './runtime/as-of-or-now';
export {
  operandLabel,
  operandType,
  comparisonText,
  predicateText,
  type TextContext,
} from './describe/predicate-text';
export {
  compile,
  initialScore,
  type CompileResult,
  type Evaluate,
  type EvaluateOptions,
  type TallyKey,
  type TallyResult,
  type BindTally,
  type EvaluableLead,
} from './compile/compile';
export {
  defaultWorkflow,
  blankWorkflow,
  COMPETITOR_DOMAINS,
  MQL_THRESHOLDS,
} from './defaults/default-workflow';
export { defaultStages, defaultScores } from './defaults/default-stages';
export * as build from './defaults/builders';
export { canonicalJson } from './hash/canonical-json';
export { hashWorkflow } from './hash/hash-workflow';
export { hashCatalog } from './hash/hash-catalog';
export {
  catalogChanges,
  fieldChanges,
  fieldChangeText,
  usedCatalogIds,
  type CatalogFieldChange,
} from './catalog/catalog-changes';
export { sha256Hex } from './hash/sha256';
export { checkDocument } from './validate/validate';
export {
  generateLeads,
  leadBatches,
  DEFAULT_SAMPLE_AS_OF,
  type GenerateOptions,
  type GeneratedLead,
} from './generate/generate-leads';
export {
  OUTCOME_MODEL,
  OUTCOME_MODEL_FIELDS,
  OUTCOME_NOISE_FIELDS,
  outcomeLogit,
  noiseFieldDefs,
} from './generate/outcome-model';
export { mulberry32, seedOf } from './generate/prng';
export { interpret } from './reference/interpret';
export * from './import';
export {
  diffWorkflows,
  diffLines,
  type WorkflowDiff,
  type FieldChange,
  type NodeChange,
  type ItemChanges,
} from './diff/diff-workflows';
export {
  auditChanges,
  describeAuditChange,
  isAuditChangeSummary,
  MAX_AUDIT_CHANGES,
  type AuditChange,
  type AuditChangeSummary,
  type AuditValue,
} from './diff/audit-changes';
export {
  mergeWorkflows,
  type MergeConflict,
  type MergeSide,
  type WorkflowMerge,
} from './diff/merge-workflows';
export {
  describeWorkflow,
  agreementToMarkdown,
  type AgreementDoc,
  type AgreementSection,
} from './describe/describe-workflow';
export * from './sql';
export * from './tuning';
