import { NAMESPACE_COLUMN } from "./system-fields";
import type { PropertyValidators, Validator, ValidatorKind } from "./validators";

export interface IndexDefinition {
  name: string;
  /** Logical fields in key order; the physical key also has `_id` last (and `_namespace` first). */
  fields: string[];
}

/** Index name → tuple of its fields, tracked in the type so queries can check index use. */
export type IndexMap = Record<string, readonly string[]>;

// Kinds that map to a single scalar column; unions are narrowed further at definition time.
type ScalarKind = Extract<
  ValidatorKind,
  "string" | "number" | "int64" | "boolean" | "id" | "literal" | "union"
>;

/** Field names an index may use: scalar-typed fields plus `_creationTime`. */
export type IndexableField<F extends PropertyValidators> =
  | {
      [K in keyof F & string]: F[K] extends Validator<unknown, boolean, ScalarKind> ? K : never;
    }[keyof F & string]
  | "_creationTime";

export interface TableDefinition<
  F extends PropertyValidators = PropertyValidators,
  I extends IndexMap = IndexMap,
  G extends boolean = boolean,
> {
  readonly fields: F;
  readonly indexes: readonly IndexDefinition[];
  readonly isGlobal: G;
  /** Returns a new definition with the index added; the original is unchanged. */
  index<const N extends string, const Fs extends readonly [IndexableField<F>, ...IndexableField<F>[]]>(
    name: N,
    fields: Fs,
  ): TableDefinition<F, I & Record<N, [...Fs]>, G>;
  /** Returns a new definition whose rows live in the external backend, partitioned by namespace. */
  global(): TableDefinition<F, I, true>;
}

type NoIndexes = Record<never, never>;

function build<F extends PropertyValidators, I extends IndexMap, G extends boolean>(
  fields: F,
  indexes: readonly IndexDefinition[],
  isGlobal: G,
): TableDefinition<F, I, G> {
  return Object.freeze({
    fields,
    indexes,
    isGlobal,
    index<const N extends string, const Fs extends readonly [IndexableField<F>, ...IndexableField<F>[]]>(
      name: N,
      indexFields: Fs,
    ): TableDefinition<F, I & Record<N, [...Fs]>, G> {
      const added = Object.freeze({ name, fields: Object.freeze([...indexFields]) as string[] });
      return build<F, I & Record<N, [...Fs]>, G>(fields, Object.freeze([...indexes, added]), isGlobal);
    },
    global(): TableDefinition<F, I, true> {
      return build<F, I, true>(fields, indexes, true);
    },
  });
}

/** Declares a table's fields; chain `.index(name, fields)` and `.global()`. */
export function defineTable<F extends PropertyValidators>(fields: F): TableDefinition<F, NoIndexes, false> {
  return build<F, NoIndexes, false>(Object.freeze({ ...fields }), Object.freeze([]), false);
}

export const BY_CREATION_TIME = "by_creation_time";
export const BY_ID = "by_id";

/** Every index of a table with its logical fields: `by_creation_time` first, then the user's. */
export function tableIndexes(table: TableDefinition): IndexDefinition[] {
  return [
    { name: BY_CREATION_TIME, fields: ["_creationTime"] },
    ...table.indexes.map((index) => ({ name: index.name, fields: [...index.fields] })),
  ];
}

/** The physical key columns of an index: `[_namespace,] ...fields, _id`, a total order. */
export function indexKeyColumns(table: TableDefinition, indexFields: readonly string[]): string[] {
  return [...(table.isGlobal ? [NAMESPACE_COLUMN] : []), ...indexFields, "_id"];
}

/** The SQL name of an index: `${table}__${index}`. */
export function physicalIndexName(tableName: string, indexName: string): string {
  return `${tableName}__${indexName}`;
}
