export {
  compileSql,
  normalizedColumnSql,
  type SqlDialect,
  type SqlCompileOptions,
  type CompileSqlResult,
} from './compile-sql';
export { quoteIdent, sqlLiteral, inlineParams } from './quote';
export { toSqlLead, toSqlEvents, type SqlEventRow } from './sql-rows';
