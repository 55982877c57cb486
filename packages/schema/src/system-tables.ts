import type { BuildColumns, NotNull } from "drizzle-orm";
import {
  type AnySQLiteColumn,
  index,
  integer,
  primaryKey,
  type SQLiteColumnBuilderBase,
  type SQLiteIntegerBuilderInitial,
  type SQLiteTableWithColumns,
  type SQLiteTextBuilderInitial,
  sqliteTable,
  text,
} from "drizzle-orm/sqlite-core";
import type { Engine } from "./columns";
import { MYSQL_TABLE_OPTIONS, quoteIdentifier } from "./ddl";

/*
 * The store's own tables, declared once in `SYSTEM_TABLE_SPECS`. Everything else derives
 * from it: the drizzle tables (`orrerySystemTables`, which drizzle-kit turns into the app's
 * migrations), the DDL for every engine (`systemTablesDdl`), the names the store's SQL uses
 * (`SYSTEM_TABLES`) and the list of table names (`systemTableNames`).
 *
 * The `migrator` side is the record `orrery migrate` keeps in an external database; it is not
 * one of the store's tables, so it is left out of the drizzle tables and out of every list or
 * DDL that names no side (ask for it with `systemTablesDdl(engine, "migrator")`).
 */

// key: short text that takes part in keys; long: unbounded text; int: 64-bit integer;
// name: text of at most 255 characters (VARCHAR(255) on every external engine); sha256: a hex
// SHA-256 digest (VARCHAR(64)).
type SystemColumnType = "key" | "long" | "int" | "name" | "sha256";

/** A column: its type, NOT NULL unless declared `{ type, nullable: true }`. */
type SystemColumnDecl = SystemColumnType | { readonly type: SystemColumnType; readonly nullable: true };

/**
 * Where a system table lives: with the store's home (the Durable Object), beside `.global()`
 * tables, or (`migrator`) in an external database as the record of `orrery migrate`.
 */
export type SystemTableSide = "home" | "global" | "migrator";

interface SystemTableSpec {
  readonly name: string;
  readonly side: SystemTableSide;
  /** Column name → type, in table order. */
  readonly columns: Readonly<Record<string, SystemColumnDecl>>;
  readonly primaryKey: readonly string[];
  readonly indexes: readonly { readonly name: string; readonly columns: readonly string[] }[];
}

/** One table's spec, as written; its primary key and indexes may only name its columns. */
function systemTable<
  const Name extends `_orrery_${string}`,
  const Side extends SystemTableSide,
  const Columns extends Record<string, SystemColumnDecl>,
>(spec: {
  name: Name;
  side: Side;
  columns: Columns;
  primaryKey: readonly (keyof Columns & string)[];
  indexes: readonly { name: string; columns: readonly (keyof Columns & string)[] }[];
}): {
  readonly name: Name;
  readonly side: Side;
  readonly columns: Columns;
  readonly primaryKey: SystemTableSpec["primaryKey"];
  readonly indexes: SystemTableSpec["indexes"];
} {
  return spec;
}

const SYSTEM_TABLE_SPECS = {
  /** The commit log: one row per document written by commit `version` of a namespace. */
  commits: systemTable({
    name: "_orrery_commits",
    side: "home",
    columns: {
      namespace: "key",
      version: "int",
      seq: "int",
      table_name: "key",
      doc_id: "key",
      op: "key",
      committed_at: "int",
    },
    primaryKey: ["namespace", "version", "seq"],
    indexes: [],
  }),
  /** Per-namespace key/value state (such as the latest commit version). */
  meta: systemTable({
    name: "_orrery_meta",
    side: "home",
    columns: {
      namespace: "key",
      key: "key",
      value: "long",
    },
    primaryKey: ["namespace", "key"],
    indexes: [],
  }),
  /** Results of mutations by client request id, so a retried request runs once. */
  requests: systemTable({
    name: "_orrery_requests",
    side: "home",
    columns: {
      namespace: "key",
      request_id: "key",
      result: "long",
      commit_version: { type: "int", nullable: true },
      created_at: "int",
    },
    primaryKey: ["namespace", "request_id"],
    indexes: [{ name: "_orrery_requests__by_created_at", columns: ["namespace", "created_at"] }],
  }),
  /**
   * Commit markers, kept beside `.global()` tables in the external engine: a commit that spans
   * the namespace's Durable Object and the external database writes its marker in the external
   * transaction, so after a lost reply the store can tell whether that transaction landed.
   */
  commitMarkers: systemTable({
    name: "_orrery_commit_markers",
    side: "global",
    columns: {
      namespace: "key",
      commit_id: "key",
      version: "int",
      state: "key",
      created_at: "int",
    },
    primaryKey: ["namespace", "commit_id"],
    indexes: [],
  }),
  /**
   * The migrations `orrery migrate` applied to an external database: one row per migration of
   * `<globalMigrations>/<engine>/journal.json`, with the SHA-256 of its up file and when it ran
   * (milliseconds since the epoch).
   */
  migrations: systemTable({
    name: "_orrery_migrations",
    side: "migrator",
    columns: {
      name: "name",
      checksum: "sha256",
      applied_at: "int",
    },
    primaryKey: ["name"],
    indexes: [],
  }),
} as const;

type Specs = typeof SYSTEM_TABLE_SPECS;
type SystemTableKey = keyof Specs;
/** The name of one of the store's own tables, such as `"_orrery_commits"`. */
export type SystemTableName = Specs[SystemTableKey]["name"];

const SPEC_LIST: readonly SystemTableSpec[] = Object.values(SYSTEM_TABLE_SPECS);
/** The store's own tables (home and global); what a list that names no side covers. */
const STORE_SPECS: readonly SystemTableSpec[] = SPEC_LIST.filter((spec) => spec.side !== "migrator");
// The store's tables' keys; `orrerySystemTables` has only these (the migrator's never lives in SQLite).
type StoreTableKey = {
  [Key in SystemTableKey]: Specs[Key]["side"] extends "migrator" ? never : Key;
}[SystemTableKey];

const columnTypeOf = (decl: SystemColumnDecl): SystemColumnType =>
  typeof decl === "string" ? decl : decl.type;
const isNullable = (decl: SystemColumnDecl): boolean => typeof decl !== "string";

// `table_name` → `tableName`: the drizzle tables' keys and `SYSTEM_TABLES`' column keys.
type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;
const camelCase = (name: string): string =>
  name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

// ---- Names for the store's SQL ----

/** A system table's name and its columns' names, keyed by their camelCase spelling. */
export type SystemTable<Key extends SystemTableKey = SystemTableKey> = {
  readonly name: Specs[Key]["name"];
  readonly side: Specs[Key]["side"];
  readonly columns: { readonly [C in keyof Specs[Key]["columns"] & string as CamelCase<C>]: C };
};

/**
 * The names the store's SQL uses: `SYSTEM_TABLES.commits.name` is `"_orrery_commits"`,
 * `SYSTEM_TABLES.commits.columns.tableName` is `"table_name"`.
 */
export const SYSTEM_TABLES = Object.fromEntries(
  Object.entries(SYSTEM_TABLE_SPECS).map(([key, spec]: [string, SystemTableSpec]) => [
    key,
    {
      name: spec.name,
      side: spec.side,
      columns: Object.fromEntries(Object.keys(spec.columns).map((column) => [camelCase(column), column])),
    },
  ]),
) as { readonly [Key in SystemTableKey]: SystemTable<Key> };

/**
 * Names of the system tables, in declaration order: the store's own (home and global), or one
 * side's.
 */
export function systemTableNames(side?: SystemTableSide): SystemTableName[] {
  return (side ? SPEC_LIST.filter((spec) => spec.side === side) : STORE_SPECS).map(
    (spec) => spec.name as SystemTableName,
  );
}

// ---- Drizzle (sqlite-core) tables, for drizzle-kit ----

type DrizzleBuilder<Name extends string, Decl> = Decl extends SystemColumnType
  ? NotNull<DrizzleBaseBuilder<Name, Decl>>
  : Decl extends { readonly type: infer T extends SystemColumnType }
    ? DrizzleBaseBuilder<Name, T>
    : never;
type DrizzleBaseBuilder<Name extends string, T extends SystemColumnType> = T extends "int"
  ? SQLiteIntegerBuilderInitial<Name>
  : SQLiteTextBuilderInitial<Name, [string, ...string[]], number | undefined>;

type DrizzleColumns<Columns> = {
  [C in keyof Columns & string as CamelCase<C>]: DrizzleBuilder<C, Columns[C]>;
};

type DrizzleTable<Spec extends SystemTableSpec> = SQLiteTableWithColumns<{
  name: Spec["name"];
  schema: undefined;
  columns: BuildColumns<Spec["name"], DrizzleColumns<Spec["columns"]>, "sqlite">;
  dialect: "sqlite";
}>;

function drizzleTable(spec: SystemTableSpec) {
  const builders: Record<string, SQLiteColumnBuilderBase> = {};
  for (const [name, decl] of Object.entries(spec.columns)) {
    const builder = columnTypeOf(decl) === "int" ? integer(name) : text(name);
    builders[camelCase(name)] = isNullable(decl) ? builder : builder.notNull();
  }
  return sqliteTable(spec.name, builders, (t) => {
    const columns = (names: readonly string[]) => {
      const [first, ...rest] = names.map((name): AnySQLiteColumn => t[camelCase(name)]!);
      return [first!, ...rest] as [AnySQLiteColumn, ...AnySQLiteColumn[]];
    };
    return [
      primaryKey({ columns: columns(spec.primaryKey) }),
      ...spec.indexes.map((idx) => index(idx.name).on(...columns(idx.columns))),
    ];
  });
}

/** Drizzle definitions of the store's own tables; export them beside the app's tables for drizzle-kit. */
export const orrerySystemTables = Object.fromEntries(
  STORE_SPECS.map((spec) => [spec.name, drizzleTable(spec)]),
) as unknown as { readonly [Key in StoreTableKey as Specs[Key]["name"]]: DrizzleTable<Specs[Key]> };

// ---- DDL for any engine ----

const SYSTEM_SQL_TYPES: Record<Engine, Record<SystemColumnType, string>> = {
  sqlite: { key: "TEXT", long: "TEXT", int: "INTEGER", name: "TEXT", sha256: "TEXT" },
  postgres: { key: "TEXT", long: "TEXT", int: "BIGINT", name: "VARCHAR(255)", sha256: "VARCHAR(64)" },
  mysql: {
    key: "VARCHAR(255)",
    long: "LONGTEXT",
    int: "BIGINT",
    name: "VARCHAR(255)",
    sha256: "VARCHAR(64)",
  },
};

/**
 * DDL for the system tables on any engine: the store's own (home and global, the same tables as
 * `orrerySystemTables`), or only those one side needs (`global`: what an external database
 * holds for the store; `migrator`: the record `orrery migrate` keeps).
 */
export function systemTablesDdl(engine: Engine, side?: SystemTableSide): string[] {
  const q = (name: string) => quoteIdentifier(name, engine);
  const specs = side ? SPEC_LIST.filter((spec) => spec.side === side) : STORE_SPECS;
  return specs.flatMap((spec) => {
    const lines = Object.entries(spec.columns).map(
      ([name, decl]) =>
        `  ${q(name)} ${SYSTEM_SQL_TYPES[engine][columnTypeOf(decl)]}${isNullable(decl) ? "" : " NOT NULL"}`,
    );
    lines.push(`  PRIMARY KEY (${spec.primaryKey.map(q).join(", ")})`);
    if (engine === "mysql") {
      for (const idx of spec.indexes) lines.push(`  INDEX ${q(idx.name)} (${idx.columns.map(q).join(", ")})`);
      return [`CREATE TABLE IF NOT EXISTS ${q(spec.name)} (\n${lines.join(",\n")}\n) ${MYSQL_TABLE_OPTIONS}`];
    }
    return [
      `CREATE TABLE IF NOT EXISTS ${q(spec.name)} (\n${lines.join(",\n")}\n)`,
      ...spec.indexes.map(
        (idx) =>
          `CREATE INDEX IF NOT EXISTS ${q(idx.name)} ON ${q(spec.name)} (${idx.columns.map(q).join(", ")})`,
      ),
    ];
  });
}
