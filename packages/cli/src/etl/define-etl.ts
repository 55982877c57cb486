// The public face of `orrery etl`'s config, imported as `@orrery/cli/etl`. Types only, plus an
// identity function: the config is bundled by `orrery etl` (esbuild), never imported by Node
// directly, so this file ships as TypeScript source (as @orrery/schema does).
import type { IndexMap, PropertyValidators, SchemaDefinition, TableDefinition } from "@orrery/schema";

/**
 * A value as the SQLite source holds it: integers as numbers (as bigints beyond 2^53), REALs as
 * numbers, TEXT as strings, BLOBs as bytes, NULL as null.
 */
export type SourceValue = string | number | bigint | Uint8Array | null;

/** One source row, column name → value, as a transform sees it. */
export type SourceRow = Readonly<Record<string, SourceValue>>;

type TableNames<S extends SchemaDefinition> = keyof S["tables"] & string;

/** The schema's `.global()` tables: the only ones `orrery etl` loads (they live in Postgres/MySQL). */
export type GlobalTableNamesOf<S extends SchemaDefinition> = {
  [T in TableNames<S>]: S["tables"][T] extends TableDefinition<PropertyValidators, IndexMap, true>
    ? T
    : never;
}[TableNames<S>];

type FieldNamesOf<S extends SchemaDefinition, T extends TableNames<S>> = keyof S["tables"][T]["fields"] &
  string;

/** The column whose value gives a row's ULID time part and `_creationTime`. */
export interface EtlTimestamp {
  readonly column: string;
  /** What an integer in the column counts: milliseconds (default) or seconds since the epoch. */
  readonly unit?: "ms" | "s";
}

/** How one source table becomes one `.global()` table. */
export interface EtlTable<S extends SchemaDefinition, T extends TableNames<S>> {
  /** The `.global()` table of the schema its rows go to. */
  readonly table: T;
  /**
   * The column whose value is a row's old id, the key of the id map and what references point
   * at (default: the table's single-column primary key, else its rowid).
   */
  readonly key?: string;
  /**
   * Source column → field. A column not listed goes to the field of the same name (the key
   * column only when such a field exists); `false` leaves a column out.
   */
  readonly columns?: Readonly<Record<string, FieldNamesOf<S, T> | false>>;
  /**
   * Column → the source table whose key it holds (default: the source's
   * `PRAGMA foreign_key_list`); `false` makes a declared foreign key a plain column.
   */
  readonly references?: Readonly<Record<string, string | false>>;
  /** The column (ms since the epoch, or ISO text) for each row's ULID time part and `_creationTime`. */
  readonly timestamp?: string | EtlTimestamp;
  /**
   * Field → a function of the mapped column's value (undefined when no column maps to the field)
   * and the whole source row. What it returns is coerced to the field's type like a column value
   * (a `Date` too); for a reference field it is the old id to look up.
   */
  readonly transform?: {
    readonly [F in FieldNamesOf<S, T>]?: (value: SourceValue | undefined, row: SourceRow) => unknown;
  };
}

/** Any of the schema's `.global()` tables, with its own field names. */
export type EtlTableOf<S extends SchemaDefinition> = {
  [T in GlobalTableNamesOf<S>]: EtlTable<S, T>;
}[GlobalTableNamesOf<S>];

/** What `orrery etl` reads: source table name → how it is loaded. */
export interface EtlConfig<S extends SchemaDefinition = SchemaDefinition> {
  /** The SQLite file or SQL dump, relative to this file (the command line's source wins). */
  readonly source?: string;
  /** The namespace whose `_namespace` the rows get (`--namespace` wins). */
  readonly namespace?: string;
  readonly tables: Readonly<Record<string, EtlTableOf<S>>>;
}

/** The default export of an ETL config file. */
export interface EtlDefinition<S extends SchemaDefinition = SchemaDefinition> extends EtlConfig<S> {
  readonly kind: "orrery-etl";
}

/**
 * Declares how `orrery etl` maps a SQLite/D1 database onto the schema's `.global()` tables,
 * typed by the schema (target tables, field names, transforms):
 *
 * ```ts
 * export default defineEtl(schema, {
 *   tables: {
 *     user_table: { table: "users", columns: { is_admin: "isAdmin" }, timestamp: "created_at" },
 *     post_table: { table: "posts" }, // post_table.userId REFERENCES user_table: rewritten to users' _id
 *   },
 * });
 * ```
 */
export function defineEtl<S extends SchemaDefinition>(_schema: S, config: EtlConfig<S>): EtlDefinition<S> {
  return Object.freeze({ ...config, kind: "orrery-etl" as const });
}
