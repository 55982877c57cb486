export { argsValidator } from "./args";
export { CodecError, decodeDocument, decodeValue, encodeDocument, encodeValue, type SqlValue } from "./codec";
export { type Codec, fieldCodec, isIndexableCodec } from "./codec-kind";
export {
  type ColumnSpec,
  type Engine,
  indexedFields,
  sqlTypeFor,
  tableColumn,
  tableColumns,
} from "./columns";
export { compareIndexKeys, compareKeyValues, compareStrings } from "./compare";
export { createTableSql, type ExternalEngine, MYSQL_TABLE_OPTIONS, quoteIdentifier, schemaDdl } from "./ddl";
export { sqliteTableFor, sqliteTables } from "./drizzle";
export { decodeJson, encodeJson, JsonEncodeError } from "./json";
export { JOB_STATUSES, type JobStatus, scheduledJobsTable } from "./scheduled-jobs-table";
export { defineSchema, type SchemaDefinition, SchemaError } from "./schema";
export {
  defineSeed,
  type SeedDefinition,
  type SeedKeyValue,
  type SeedRow,
  type SeedRows,
  type SeedTables,
  seedId,
  type TableSeed,
} from "./seed";
export {
  isDocumentId,
  NAMESPACE_COLUMN,
  newDocumentId,
  SYSTEM_FIELDS,
  type SystemFieldName,
  type SystemFields,
} from "./system-fields";
export {
  orrerySystemTables,
  SYSTEM_DOCUMENT_TABLES,
  SYSTEM_TABLES,
  type SystemTable,
  type SystemTableName,
  type SystemTableSide,
  systemTableNames,
} from "./system-tables";
export { systemTablesDdl } from "./system-tables-ddl";
export {
  BY_CREATION_TIME,
  BY_ID,
  defineTable,
  type IndexableField,
  type IndexDefinition,
  type IndexMap,
  indexKeyColumns,
  physicalIndexName,
  type TableDefinition,
  tableIndexes,
} from "./table";
export type {
  DocOf,
  Id,
  IndexFieldsOf,
  IndexNamesOf,
  TableNamesOf,
  TableOf,
  WithoutSystemFields,
} from "./types";
export { INT64_MAX, INT64_MIN, v } from "./v";
export {
  assertValid,
  childPath,
  describeValidator,
  describeValue,
  formatIssue,
  ValidationError,
  type ValidationIssue,
  validate,
} from "./validate";
export {
  type AnyValidator,
  type ArrayValidator,
  type BooleanValidator,
  type BytesValidator,
  type IdValidator,
  type Infer,
  type Int64Validator,
  isValidator,
  type KnownValidator,
  type LiteralValidator,
  type LiteralValue,
  type NullValidator,
  type NumberValidator,
  type ObjectType,
  type ObjectValidator,
  type OptionalOf,
  type PropertyValidators,
  type RecordValidator,
  type StringValidator,
  type UnionValidator,
  type Validator,
  type ValidatorJSON,
  type ValidatorKind,
  validatorToJSON,
} from "./validators";
