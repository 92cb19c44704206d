export {
  compileSql,
  compileSqlSides,
  normalizedColumnSql,
  type SqlSide,
  type SqlSideColumns,
  type CompileSqlSidesResult,
  type SqlDialect,
  type SqlCompileOptions,
  type CompileSqlResult,
} from './compile-sql';
export { quoteIdent, sqlLiteral, inlineParams } from './quote';
export { toSqlLead, toSqlEvents, type SqlEventRow } from './sql-rows';
