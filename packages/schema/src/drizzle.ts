import {
  blob,
  index,
  integer,
  real,
  type SQLiteColumnBuilderBase,
  type SQLiteTable,
  sqliteTable,
  text,
} from "drizzle-orm/sqlite-core";
import { type ColumnSpec, tableColumns } from "./columns";
import type { SchemaDefinition } from "./schema";
import { indexKeyColumns, physicalIndexName, type TableDefinition, tableIndexes } from "./table";

/*
 * Drizzle sqlite-core tables with the same columns and indexes as `tableColumns(…, "sqlite")`,
 * so drizzle-kit generates the migrations that DO SQLite and D1 apply. They describe DDL
 * only: reads and writes go through Orrery's codec, not drizzle's column modes.
 */

// Chosen by SQL type, not codec: `_version` decodes as a JS number but is an INTEGER column.
function columnBuilder(column: ColumnSpec): SQLiteColumnBuilderBase {
  switch (column.sqlType) {
    case "REAL":
      return real(column.name);
    case "INTEGER":
      return column.codec === "boolean" ? integer(column.name, { mode: "boolean" }) : integer(column.name);
    case "BLOB":
      return blob(column.name, { mode: "buffer" });
    default:
      return text(column.name);
  }
}

/** One drizzle sqlite table for an Orrery table definition. */
export function sqliteTableFor(tableName: string, table: TableDefinition): SQLiteTable {
  const builders: Record<string, SQLiteColumnBuilderBase> = {};
  for (const column of tableColumns(table, "sqlite")) {
    if (column.name === "_id") {
      builders[column.name] = text(column.name).primaryKey();
      continue;
    }
    const builder = columnBuilder(column);
    builders[column.name] = column.nullable ? builder : notNull(builder);
  }
  return sqliteTable(tableName, builders, (t) =>
    tableIndexes(table).map((definition) => {
      const [first, ...rest] = indexKeyColumns(table, definition.fields).map((name) => t[name]!);
      return index(physicalIndexName(tableName, definition.name)).on(first!, ...rest);
    }),
  );
}

// Every builder in `columnBuilder` has `.notNull()`; the base type just doesn't declare it.
function notNull(builder: SQLiteColumnBuilderBase): SQLiteColumnBuilderBase {
  return (builder as SQLiteColumnBuilderBase & { notNull(): SQLiteColumnBuilderBase }).notNull();
}

/** Drizzle tables for every table of the schema, keyed by table name. */
export function sqliteTables<Tables extends Record<string, TableDefinition>>(
  schema: SchemaDefinition<Tables>,
): { [K in keyof Tables]: SQLiteTable } {
  const out: Record<string, SQLiteTable> = {};
  for (const [name, table] of Object.entries(schema.tables)) out[name] = sqliteTableFor(name, table);
  return out as { [K in keyof Tables]: SQLiteTable };
}
