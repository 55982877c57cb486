import { type Dialect, placeholders } from "../sql/dialect";

const quote = (identifier: string) => `\`${identifier.replaceAll("`", "``")}\``;

/** MySQL / MariaDB: backticks, `?` placeholders, `<=>` for null-safe equality. */
export const mysqlDialect: Dialect = {
  engine: "mysql",
  quote,
  placeholder: () => "?",
  nullSafeEquals: (left, right) => `${left} <=> ${right}`,
  orderTerm: (column, direction) => `${column} ${direction.toUpperCase()}`,
  rowValues: true,
  insertIgnore(table, columns) {
    // INSERT IGNORE would also swallow type errors; a no-op update on the key does not.
    const first = quote(columns[0] ?? "");
    return `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES (${placeholders(this, columns.length)}) ON DUPLICATE KEY UPDATE ${first} = ${first}`;
  },
  upsert(table, columns, _conflictColumns, updateColumns) {
    const updates = updateColumns.map((c) => `${quote(c)} = VALUES(${quote(c)})`).join(", ");
    return `INSERT INTO ${quote(table)} (${columns.map(quote).join(", ")}) VALUES (${placeholders(this, columns.length)}) ON DUPLICATE KEY UPDATE ${updates}`;
  },
};
