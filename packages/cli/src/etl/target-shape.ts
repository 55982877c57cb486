import { type ExternalEngine, type TableDefinition, tableColumns } from "@orrery/schema";
import type { SqlExec } from "@orrery/store";

/** A column as information_schema describes it. */
export interface TargetColumn {
  readonly name: string;
  /** information_schema's data type, lower case: `character varying`, `longtext`, `bigint`… */
  readonly type: string;
  readonly nullable: boolean;
}

/** The information_schema type(s) a column of this DDL type shows. */
function expectedTypes(sqlType: string, engine: ExternalEngine): string[] {
  const type = sqlType.toLowerCase();
  if (engine === "postgres") {
    const base = type.replace(/\s+collate\s+.*$/, "");
    return [base.startsWith("varchar") ? "character varying" : base];
  }
  const base = /^[a-z]+/.exec(type)![0];
  // MariaDB's JSON is an alias of LONGTEXT (with a json_valid check).
  return base === "json" ? ["json", "longtext"] : [base];
}

/** The table's columns as the database has them; empty when it has no such table. */
export async function describeTargetTable(exec: SqlExec, table: string): Promise<TargetColumn[]> {
  const { rows } =
    exec.engine === "postgres"
      ? await exec.run({
          // The schema the search_path finds the table in, as the INSERTs will.
          sql: `SELECT column_name AS name, data_type AS type, is_nullable AS nullable
                FROM information_schema.columns
                WHERE table_name = $1 AND table_schema = (
                  SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE c.oid = to_regclass($2))
                ORDER BY ordinal_position`,
          params: [table, `"${table.replaceAll('"', '""')}"`],
        })
      : await exec.run({
          sql: `SELECT COLUMN_NAME AS name, DATA_TYPE AS type, IS_NULLABLE AS nullable
                FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?
                ORDER BY ORDINAL_POSITION`,
          params: [table],
        });
  return rows.map((row) => ({
    name: String(row.name),
    type: String(row.type).toLowerCase(),
    nullable: String(row.nullable).toUpperCase() === "YES",
  }));
}

/**
 * How the database's table differs from what the schema makes of it (columns missing or extra,
 * another type, another nullability); empty when it matches.
 */
export function shapeDifferences(
  definition: TableDefinition,
  engine: ExternalEngine,
  actual: readonly TargetColumn[],
): string[] {
  const differences: string[] = [];
  const byName = new Map(actual.map((column) => [column.name, column]));
  const expected = tableColumns(definition, engine);
  for (const column of expected) {
    const found = byName.get(column.name);
    if (!found) {
      differences.push(`column "${column.name}" is missing`);
      continue;
    }
    const types = expectedTypes(column.sqlType, engine);
    if (!types.includes(found.type))
      differences.push(`column "${column.name}" is ${found.type}, not ${types[0]}`);
    if (found.nullable !== column.nullable)
      differences.push(
        `column "${column.name}" is ${found.nullable ? "nullable" : "NOT NULL"}, not ${column.nullable ? "nullable" : "NOT NULL"}`,
      );
  }
  const known = new Set(expected.map((column) => column.name));
  for (const column of actual)
    if (!known.has(column.name)) differences.push(`column "${column.name}" is not in the schema`);
  return differences;
}
