import type { BuildColumns, NotNull } from "drizzle-orm";
import {
  type AnySQLiteColumn,
  index,
  integer,
  primaryKey,
  type SQLiteColumnBuilderBase,
  type SQLiteIntegerBuilderInitial,
  type SQLiteTable,
  type SQLiteTableWithColumns,
  type SQLiteTextBuilderInitial,
  sqliteTable,
  text,
} from "drizzle-orm/sqlite-core";
import { sqliteTableFor } from "./drizzle";
import { scheduledJobsTable } from "./scheduled-jobs-table";
import { SYSTEM_FIELDS, type SystemFieldName } from "./system-fields";
import type { TableDefinition } from "./table";

/*
 * The store's own tables, declared once in `SYSTEM_TABLE_SPECS`. Everything else derives
 * from it: the drizzle tables (`orrerySystemTables`, which drizzle-kit turns into the app's
 * migrations), the DDL for every engine (`systemTablesDdl`), the names the store's SQL uses
 * (`SYSTEM_TABLES`) and the list of table names (`systemTableNames`).
 *
 * The `migrator` side is the record `orrery migrate` keeps in an external database, the `etl`
 * side the id map `orrery etl` keeps there; neither is one of the store's tables, so they are
 * left out of the drizzle tables and out of every list or DDL that names no side (ask for them
 * with `systemTablesDdl(engine, "migrator")` / `systemTablesDdl(engine, "etl")`).
 *
 * A table declared with `document` (the scheduler's jobs) is a document table like an app's,
 * with `_id`, `_creationTime`, `_version` and one column per field, so the store reads and
 * writes it through its ctx db and a live query can watch it; its columns, drizzle table and DDL
 * come from that definition.
 */

// key: short text that takes part in keys; long: unbounded text; int: 64-bit integer;
// name: text of at most 255 characters (VARCHAR(255) on every external engine); sha256: a hex
// SHA-256 digest (VARCHAR(64)).
export type SystemColumnType = "key" | "long" | "int" | "name" | "sha256";

/** A column: its type, NOT NULL unless declared `{ type, nullable: true }`. */
export type SystemColumnDecl =
  | SystemColumnType
  | { readonly type: SystemColumnType; readonly nullable: true };

/**
 * Where a system table lives: with the store's home (the Durable Object), beside `.global()`
 * tables, or in an external database as the record of `orrery migrate` (`migrator`) or of
 * `orrery etl` (`etl`).
 */
export type SystemTableSide = "home" | "global" | "migrator" | "etl";

interface RawSystemTableSpec {
  readonly name: string;
  readonly side: SystemTableSide;
  /** Column name → type, in table order. */
  readonly columns: Readonly<Record<string, SystemColumnDecl>>;
  readonly primaryKey: readonly string[];
  readonly indexes: readonly { readonly name: string; readonly columns: readonly string[] }[];
}

interface DocumentSystemTableSpec {
  readonly name: string;
  readonly side: "home";
  /** The table's fields and indexes, as an app's table declares them. */
  readonly document: TableDefinition;
}

export type SystemTableSpec = RawSystemTableSpec | DocumentSystemTableSpec;

export const isDocumentSpec = (spec: SystemTableSpec): spec is DocumentSystemTableSpec => "document" in spec;

/** A document table among the system tables; it lives in the home engine. */
function systemDocumentTable<
  const Name extends `_orrery_${string}`,
  const Table extends TableDefinition,
>(spec: {
  name: Name;
  side: "home";
  document: Table;
}): { readonly name: Name; readonly side: "home"; readonly document: Table } {
  return spec;
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
  readonly primaryKey: RawSystemTableSpec["primaryKey"];
  readonly indexes: RawSystemTableSpec["indexes"];
} {
  return spec;
}

// An outbox message: its id (what consumers deduplicate on), topic, payload (wire JSON), the
// commit that wrote it and its place in that commit (the order it is sent in), and when it was sent.
const OUTBOX_COLUMNS = {
  namespace: "key",
  id: "key",
  topic: "key",
  payload: "long",
  commit_version: "int",
  seq: "int",
  created_at: "int",
  sent_at: { type: "int", nullable: true },
} as const;

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
  /** The scheduler's jobs (`ctx.scheduler`, crons): a document table, see `scheduled-jobs-table.ts`. */
  scheduledJobs: systemDocumentTable({
    name: "_orrery_jobs",
    side: "home",
    document: scheduledJobsTable,
  }),
  /**
   * The outbox of mutations that wrote only the namespace's own tables: each `ctx.outbox.publish`
   * is a row written in the mutation's commit, relayed to a Queue from the object's alarm, then
   * `sent_at` is set; sent rows are deleted after a retention period.
   */
  outbox: systemTable({
    name: "_orrery_outbox",
    side: "home",
    columns: OUTBOX_COLUMNS,
    primaryKey: ["namespace", "id"],
    indexes: [
      { name: "_orrery_outbox__by_sent_at", columns: ["namespace", "sent_at", "commit_version", "seq"] },
    ],
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
   * The outbox of mutations that wrote `.global()` tables, beside them in the external database
   * and in the same transaction; relayed by the worker's Cron Trigger poller, one poller at a
   * time (see `leases`).
   */
  globalOutbox: systemTable({
    name: "_orrery_global_outbox",
    side: "global",
    columns: OUTBOX_COLUMNS,
    primaryKey: ["namespace", "id"],
    indexes: [
      {
        name: "_orrery_global_outbox__by_sent_at",
        columns: ["sent_at", "namespace", "commit_version", "seq"],
      },
    ],
  }),
  /** Leases in the external database: who may run a singleton (the outbox poller) until when. */
  leases: systemTable({
    name: "_orrery_leases",
    side: "global",
    columns: {
      name: "key",
      holder: "key",
      expires_at: "int",
    },
    primaryKey: ["name"],
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
  /**
   * The id map `orrery etl` keeps in an external database: the `_id` it gave each row of a
   * source table (by the row's old key, as text), per namespace, written in the same
   * transaction as the row. A re-run reuses these ids, and rewrites references through them.
   */
  etlIds: systemTable({
    name: "_orrery_etl_ids",
    side: "etl",
    columns: {
      namespace: "key",
      source_table: "key",
      source_id: "key",
      table_name: "key",
      doc_id: "key",
    },
    primaryKey: ["namespace", "source_table", "source_id"],
    indexes: [],
  }),
} as const;

type Specs = typeof SYSTEM_TABLE_SPECS;
type SystemTableKey = keyof Specs;
/** The name of one of the store's own tables, such as `"_orrery_commits"`. */
export type SystemTableName = Specs[SystemTableKey]["name"];

export const SPEC_LIST: readonly SystemTableSpec[] = Object.values(SYSTEM_TABLE_SPECS);
const isStoreSide = (side: SystemTableSide): boolean => side === "home" || side === "global";
/** The store's own tables (home and global); what a list that names no side covers. */
export const STORE_SPECS: readonly SystemTableSpec[] = SPEC_LIST.filter((spec) => isStoreSide(spec.side));
// The store's tables' keys; `orrerySystemTables` has only these (the CLI's records never live in SQLite).
type StoreTableKey = {
  [Key in SystemTableKey]: Specs[Key]["side"] extends "home" | "global" ? Key : never;
}[SystemTableKey];

export const columnTypeOf = (decl: SystemColumnDecl): SystemColumnType =>
  typeof decl === "string" ? decl : decl.type;
export const isNullable = (decl: SystemColumnDecl): boolean => typeof decl !== "string";

// `table_name` → `tableName`: the drizzle tables' keys and `SYSTEM_TABLES`' column keys.
type CamelCase<S extends string> = S extends `${infer Head}_${infer Tail}`
  ? `${Head}${Capitalize<CamelCase<Tail>>}`
  : S;
const camelCase = (name: string): string =>
  name.replace(/_([a-z])/g, (_, letter: string) => letter.toUpperCase());

// ---- Names for the store's SQL ----

// A document table's columns are its fields (named as they are) and the system fields.
type SpecColumns<Spec> = Spec extends { readonly document: TableDefinition<infer Fields> }
  ? { readonly [C in keyof Fields & string]: C } & { readonly [C in SystemFieldName]: C }
  : Spec extends { readonly columns: infer Columns }
    ? { readonly [C in keyof Columns & string as CamelCase<C>]: C }
    : never;

/** A system table's name and its columns' names, keyed by their camelCase spelling. */
export type SystemTable<Key extends SystemTableKey = SystemTableKey> = {
  readonly name: Specs[Key]["name"];
  readonly side: Specs[Key]["side"];
  readonly columns: SpecColumns<Specs[Key]>;
};

// Raw columns are keyed by their camelCase spelling; a document table's by their own names.
const columnKeysOf = (spec: SystemTableSpec): [string, string][] =>
  isDocumentSpec(spec)
    ? [...SYSTEM_FIELDS, ...Object.keys(spec.document.fields)].map((name) => [name, name])
    : Object.keys(spec.columns).map((column) => [camelCase(column), column]);

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
      columns: Object.fromEntries(columnKeysOf(spec)),
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

/** The system tables that are document tables, by name (the store adds them to every schema). */
export const SYSTEM_DOCUMENT_TABLES = Object.fromEntries(
  SPEC_LIST.filter(isDocumentSpec).map((spec) => [spec.name, spec.document]),
) as {
  readonly [Key in SystemTableKey as Specs[Key] extends DocumentSystemTableSpec
    ? Specs[Key]["name"]
    : never]: Specs[Key] extends { readonly document: infer Table } ? Table : never;
};

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

type DrizzleTable<Spec extends SystemTableSpec> = Spec extends RawSystemTableSpec
  ? SQLiteTableWithColumns<{
      name: Spec["name"];
      schema: undefined;
      columns: BuildColumns<Spec["name"], DrizzleColumns<Spec["columns"]>, "sqlite">;
      dialect: "sqlite";
    }>
  : SQLiteTable;

function drizzleTable(spec: SystemTableSpec): SQLiteTable {
  if (isDocumentSpec(spec)) return sqliteTableFor(spec.name, spec.document);
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
