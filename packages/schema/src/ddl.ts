import { type ColumnSpec, type Engine, tableColumns } from "./columns";
import type { SchemaDefinition } from "./schema";
import { NAMESPACE_COLUMN } from "./system-fields";
import { indexKeyColumns, physicalIndexName, type TableDefinition, tableIndexes } from "./table";

export type ExternalEngine = "postgres" | "mysql";

export function quoteIdentifier(name: string, engine: Engine): string {
  return engine !== "mysql" ? `"${name.replaceAll('"', '""')}"` : `\`${name.replaceAll("`", "``")}\``;
}

export const MYSQL_TABLE_OPTIONS = "ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin";

// InnoDB refuses index keys longer than 3072 bytes; utf8mb4 reserves 4 bytes per character.
const MYSQL_MAX_KEY_BYTES = 3072;

function mysqlKeyBytes(sqlType: string): number {
  const varchar = /^VARCHAR\((\d+)\)/.exec(sqlType);
  if (varchar) return Number(varchar[1]) * 4;
  if (sqlType.startsWith("BIGINT") || sqlType.startsWith("DOUBLE")) return 8;
  if (sqlType.startsWith("TINYINT")) return 1;
  return 0;
}

/**
 * `CREATE TABLE IF NOT EXISTS` plus indexes for one table. In production SQLite tables come
 * from the drizzle migrations; this SQLite DDL is the same shape, for tests that need a fresh
 * database per case. Postgres and SQLite indexes are separate
 * `CREATE INDEX IF NOT EXISTS` statements (nullable columns `NULLS FIRST`, as in SQLite and
 * MySQL); MySQL indexes are inline because MySQL 8 has no `CREATE INDEX IF NOT EXISTS`.
 */
export function createTableSql(tableName: string, table: TableDefinition, engine: Engine): string[] {
  const q = (name: string) => quoteIdentifier(name, engine);
  const columns = tableColumns(table, engine);
  const byName = new Map(columns.map((c) => [c.name, c]));
  const lines = columns.map((c) => `  ${q(c.name)} ${c.sqlType}${c.nullable ? "" : " NOT NULL"}`);
  const primaryKey = table.isGlobal && engine !== "sqlite" ? [NAMESPACE_COLUMN, "_id"] : ["_id"];
  lines.push(`  PRIMARY KEY (${primaryKey.map(q).join(", ")})`);

  const indexes = tableIndexes(table).map((index) => ({
    name: physicalIndexName(tableName, index.name),
    columns: indexKeyColumns(table, index.fields).map((name) => byName.get(name)!),
  }));

  if (engine === "mysql") {
    for (const index of indexes) {
      checkMysqlKeyLength(tableName, index.name, index.columns);
      lines.push(`  INDEX ${q(index.name)} (${index.columns.map((c) => q(c.name)).join(", ")})`);
    }
    return [`CREATE TABLE IF NOT EXISTS ${q(tableName)} (\n${lines.join(",\n")}\n) ${MYSQL_TABLE_OPTIONS}`];
  }
  const statements = [`CREATE TABLE IF NOT EXISTS ${q(tableName)} (\n${lines.join(",\n")}\n)`];
  for (const index of indexes) {
    const keys = index.columns.map(
      (c) => `${q(c.name)}${c.nullable && engine === "postgres" ? " NULLS FIRST" : ""}`,
    );
    statements.push(`CREATE INDEX IF NOT EXISTS ${q(index.name)} ON ${q(tableName)} (${keys.join(", ")})`);
  }
  return statements;
}

function checkMysqlKeyLength(tableName: string, indexName: string, columns: ColumnSpec[]): void {
  const bytes = columns.reduce((sum, c) => sum + mysqlKeyBytes(c.sqlType), 0);
  if (bytes > MYSQL_MAX_KEY_BYTES) {
    throw new Error(
      `table "${tableName}": index "${indexName}" needs ${bytes} key bytes on MySQL, over InnoDB's ` +
        `${MYSQL_MAX_KEY_BYTES}; each indexed string is VARCHAR(255) utf8mb4 (1020 bytes), so use fewer string fields`,
    );
  }
}

/** DDL for every table of a schema, or only its `.global()` tables, or only its plain ones. */
export function schemaDdl(
  schema: SchemaDefinition,
  engine: Engine,
  options: { onlyGlobal?: boolean; onlyPlain?: boolean } = {},
): string[] {
  return Object.entries(schema.tables)
    .filter(([, table]) => !options.onlyGlobal || table.isGlobal)
    .filter(([, table]) => !options.onlyPlain || !table.isGlobal)
    .flatMap(([name, table]) => createTableSql(name, table, engine));
}
