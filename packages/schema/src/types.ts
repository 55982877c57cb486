import type { SchemaDefinition } from "./schema";
import type { SystemFieldName } from "./system-fields";
import type { IndexMap, TableDefinition } from "./table";
import type { ObjectType, PropertyValidators } from "./validators";

/** A document id of table `TableName`: a ULID string, branded so ids of tables don't mix. */
export type Id<TableName extends string> = string & { __tableName: TableName };

type Expand<T> = T extends object ? { [K in keyof T]: T[K] } : T;

type AnySchema = SchemaDefinition<Record<string, TableDefinition>>;

export type TableNamesOf<Schema extends AnySchema> = keyof Schema["tables"] & string;

export type TableOf<Schema extends AnySchema, T extends TableNamesOf<Schema>> = Schema["tables"][T];

type FieldsOf<Table> = Table extends TableDefinition<infer F, IndexMap, boolean> ? F : never;
type IndexesOf<Table> = Table extends TableDefinition<PropertyValidators, infer I, boolean> ? I : never;

/** A stored document: the table's fields plus the system fields. */
export type DocOf<Schema extends AnySchema, T extends TableNamesOf<Schema>> = Expand<
  ObjectType<FieldsOf<TableOf<Schema, T>>> & { _id: Id<T>; _creationTime: number; _version: number }
>;

/** Index names of a table, including the implicit `by_creation_time`. */
export type IndexNamesOf<Schema extends AnySchema, T extends TableNamesOf<Schema>> =
  | (keyof IndexesOf<TableOf<Schema, T>> & string)
  | "by_creation_time";

/** The logical fields of an index, as a tuple (no `_id`, no `_namespace`). */
export type IndexFieldsOf<
  Schema extends AnySchema,
  T extends TableNamesOf<Schema>,
  IndexName extends IndexNamesOf<Schema, T>,
> = IndexName extends "by_creation_time"
  ? ["_creationTime"]
  : IndexesOf<TableOf<Schema, T>>[IndexName & keyof IndexesOf<TableOf<Schema, T>>];

export type WithoutSystemFields<Doc> = Expand<Omit<Doc, SystemFieldName>>;
