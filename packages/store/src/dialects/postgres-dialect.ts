import { type Dialect, placeholders } from "../sql/dialect";

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/** Postgres: `$n` placeholders; ascending order puts NULLs last unless told otherwise. */
export const postgresDialect: Dialect = {
  engine: "postgres",
  quote,
  placeholder: (index) => `$${index}`,
  nullSafeEquals: (left, right) => `${left} IS NOT DISTINCT FROM ${right}`,
  orderTerm: (column, direction) =>
    direction === "asc" ? `${column} ASC NULLS FIRST` : `${column} DESC NULLS LAST`,
  rowValues: true,
  insertIgnore(table, columns, conflictColumns) {
    return `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES (${placeholders(this, columns.length)}) ON CONFLICT (${conflictColumns.map(quote).join(", ")}) DO NOTHING`;
  },
  upsert(table, columns, conflictColumns, updateColumns) {
    const updates = updateColumns.map((c) => `${quote(c)} = EXCLUDED.${quote(c)}`).join(", ");
    return `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES (${placeholders(this, columns.length)}) ON CONFLICT (${conflictColumns.map(quote).join(", ")}) DO UPDATE SET ${updates}`;
  },
};
