import { type Dialect, placeholders } from "../sql/dialect";

const quote = (identifier: string) => `"${identifier.replaceAll('"', '""')}"`;

/** SQLite as in Durable Objects and D1: `?` placeholders, NULLs already sort first. */
export const sqliteDialect: Dialect = {
  engine: "sqlite",
  quote,
  placeholder: () => "?",
  nullSafeEquals: (left, right) => `${left} IS ${right}`,
  orderTerm: (column, direction) => `${column} ${direction.toUpperCase()}`,
  rowValues: true,
  insertIgnore(table, columns, conflictColumns) {
    return `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES (${placeholders(this, columns.length)}) ON CONFLICT (${conflictColumns.map(quote).join(", ")}) DO NOTHING`;
  },
  upsert(table, columns, conflictColumns, updateColumns) {
    const updates = updateColumns.map((c) => `${quote(c)} = excluded.${quote(c)}`).join(", ");
    return `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES (${placeholders(this, columns.length)}) ON CONFLICT (${conflictColumns.map(quote).join(", ")}) DO UPDATE SET ${updates}`;
  },
};
