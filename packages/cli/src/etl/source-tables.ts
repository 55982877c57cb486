import { quoteSqlite, type SqliteDatabase } from "./sqlite";

export interface SourceColumn {
  readonly name: string;
  /** The declared type, as written (`INTEGER`, `text`, `` for none). */
  readonly type: string;
}

/** A foreign key as `PRAGMA foreign_key_list` gives it, one per constraint. */
export interface SourceForeignKey {
  readonly from: readonly string[];
  readonly table: string;
  /** The parent's columns; empty when the constraint names none (its primary key). */
  readonly to: readonly string[];
}

export interface SourceTable {
  readonly name: string;
  readonly columns: readonly SourceColumn[];
  /** The primary key's columns, in key order. */
  readonly primaryKey: readonly string[];
  /** A `WITHOUT ROWID` table has no rowid to stand in for a missing key. */
  readonly hasRowid: boolean;
  readonly foreignKeys: readonly SourceForeignKey[];
}

/** The source's tables (not SQLite's own), with their columns, primary keys and foreign keys. */
export function describeSourceTables(db: SqliteDatabase): Map<string, SourceTable> {
  const tables = new Map<string, SourceTable>();
  const names = db.all(
    "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
  );
  for (const { name, sql } of names) {
    const table = String(name);
    const info = db.all(`PRAGMA table_info(${quoteSqlite(table)})`);
    const columns = info.map((c) => ({ name: String(c.name), type: String(c.type ?? "") }));
    const primaryKey = info
      .filter((c) => Number(c.pk) > 0)
      .sort((a, b) => Number(a.pk) - Number(b.pk))
      .map((c) => String(c.name));
    const byId = new Map<number, { from: string[]; table: string; to: string[] }>();
    for (const fk of db.all(`PRAGMA foreign_key_list(${quoteSqlite(table)})`)) {
      const id = Number(fk.id);
      let key = byId.get(id);
      if (!key) {
        key = { from: [], table: String(fk.table), to: [] };
        byId.set(id, key);
      }
      key.from.push(String(fk.from));
      if (fk.to !== null && fk.to !== undefined) key.to.push(String(fk.to));
    }
    tables.set(table, {
      name: table,
      columns,
      primaryKey,
      hasRowid: !/\bWITHOUT\s+ROWID\s*;?\s*$/i.test(String(sql ?? "")),
      foreignKeys: [...byId.values()],
    });
  }
  return tables;
}

/** SQLite's type affinity of a declared column type (https://sqlite.org/datatype3.html §3.1). */
export type Affinity = "INTEGER" | "TEXT" | "BLOB" | "REAL" | "NUMERIC";

export function affinityOf(declared: string): Affinity {
  const type = declared.toUpperCase();
  if (type.includes("INT")) return "INTEGER";
  if (type.includes("CHAR") || type.includes("CLOB") || type.includes("TEXT")) return "TEXT";
  if (type.includes("BLOB") || type === "") return "BLOB";
  if (type.includes("REAL") || type.includes("FLOA") || type.includes("DOUB")) return "REAL";
  return "NUMERIC";
}
