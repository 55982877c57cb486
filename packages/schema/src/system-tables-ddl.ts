import type { Engine } from "./columns";
import { createTableSql, MYSQL_TABLE_OPTIONS, quoteIdentifier } from "./ddl";
import {
  columnTypeOf,
  isDocumentSpec,
  isNullable,
  SPEC_LIST,
  STORE_SPECS,
  type SystemColumnType,
  type SystemTableSide,
} from "./system-tables";

// The system tables' DDL, derived from `SYSTEM_TABLE_SPECS` (system-tables.ts) like everything else.

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
    if (isDocumentSpec(spec)) return createTableSql(spec.name, spec.document, engine);
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
