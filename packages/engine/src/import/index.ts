export { isPlaceholder } from './placeholders';
export {
  coerceValue,
  enumLookup,
  isEmailAddress,
  missingTexts,
  parseBoolean,
  parseDate,
  parseNumber,
  type Coerced,
  type CoerceTarget,
  type DateOrder,
} from './coerce';
export {
  columnTargetSchema,
  importMappingSchema,
  importColumns,
  DEFAULT_CONVERTED_STAGES,
  type ColumnTarget,
  type ImportMapping,
  type ImportMappingInput,
} from './mapping';
export { suggestMapping, nameSimilarity, fitsField, type SuggestedColumn } from './suggest-mapping';
export {
  checkMapping,
  createRowMapper,
  mapLeadDocument,
  BAD_CELLS,
  ISSUE_VALUE_CHARS,
  type BadCells,
  type CellError,
  type MappedRow,
  type MappingIssue,
} from './row-mapper';
export { inferColumnType, type InferredType } from './infer-type';
export {
  ColumnProfiler,
  proposeField,
  fieldSlug,
  valueKey,
  MAX_DISTINCT,
  MAX_DISTINCT_CHARS,
  type ColumnProfile,
  type ProposedField,
} from './column-profile';
export { IMPORT_LIMITS, cellTooLong, columnNameTooLong, tooManyColumns } from './limits';
export { TextScanner, EMPTY_FILE, type NotText } from './text-scanner';
