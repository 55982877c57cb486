import { type Codec, fieldCodec } from "./codec-kind";
import { NAMESPACE_COLUMN } from "./system-fields";
import type { TableDefinition } from "./table";

export type Engine = "sqlite" | "postgres" | "mysql";

export interface ColumnSpec {
  name: string;
  sqlType: string;
  nullable: boolean;
  codec: Codec;
}

// Byte-wise collation so string order and equality match SQLite (and `compareKeyValues`).
const MYSQL_BIN = "CHARACTER SET utf8mb4 COLLATE utf8mb4_bin";

const SQL_TYPES: Record<Exclude<Codec, "text">, Record<Engine, string>> = {
  // Ids are ordered by `_id` in every index, so Postgres must compare them byte-wise too.
  id: { sqlite: "TEXT", postgres: 'VARCHAR(26) COLLATE "C"', mysql: "VARCHAR(26)" },
  float: { sqlite: "REAL", postgres: "DOUBLE PRECISION", mysql: "DOUBLE" },
  int64: { sqlite: "INTEGER", postgres: "BIGINT", mysql: "BIGINT" },
  boolean: { sqlite: "INTEGER", postgres: "BOOLEAN", mysql: "TINYINT(1)" },
  json: { sqlite: "TEXT", postgres: "JSONB", mysql: "JSON" },
  bytes: { sqlite: "BLOB", postgres: "BYTEA", mysql: "LONGBLOB" },
};

function textType(engine: Engine, indexed: boolean): string {
  if (engine === "sqlite") return "TEXT";
  if (engine === "postgres") return 'TEXT COLLATE "C"';
  // MySQL cannot index LONGTEXT, so only indexed strings are capped at 255 characters.
  return `${indexed ? "VARCHAR(255)" : "LONGTEXT"} ${MYSQL_BIN}`;
}

export function sqlTypeFor(codec: Codec, engine: Engine, indexed: boolean): string {
  return codec === "text" ? textType(engine, indexed) : SQL_TYPES[codec][engine];
}

const NAMESPACE_TYPES: Record<Engine, string> = {
  sqlite: "TEXT",
  postgres: 'VARCHAR(255) COLLATE "C"',
  mysql: `VARCHAR(255) ${MYSQL_BIN}`,
};

/** Fields used by any index of the table. */
export function indexedFields(table: TableDefinition): Set<string> {
  return new Set(table.indexes.flatMap((index) => index.fields));
}

/**
 * The table's columns in order: `_id`, `_creationTime`, `_version`, `_namespace` (global
 * tables only), then one column per field named as the field. Optional fields are nullable
 * (absent ⇔ NULL); every other column is NOT NULL.
 */
export function tableColumns(table: TableDefinition, engine: Engine): ColumnSpec[] {
  // Table definitions are frozen, so the mapping can be computed once per table and engine;
  // the codec calls this for every row.
  let byEngine = cache.get(table);
  if (!byEngine) {
    byEngine = new Map();
    cache.set(table, byEngine);
  }
  let columns = byEngine.get(engine);
  if (!columns) {
    columns = Object.freeze(computeColumns(table, engine).map((c) => Object.freeze(c)));
    byEngine.set(engine, columns);
  }
  return [...columns];
}

const cache = new WeakMap<TableDefinition, Map<Engine, readonly ColumnSpec[]>>();

function computeColumns(table: TableDefinition, engine: Engine): ColumnSpec[] {
  const columns: ColumnSpec[] = [
    { name: "_id", sqlType: SQL_TYPES.id[engine], nullable: false, codec: "id" },
    { name: "_creationTime", sqlType: SQL_TYPES.float[engine], nullable: false, codec: "float" },
    // A plain JS number counter; the "float" codec decodes BIGINT strings/bigints to a number.
    { name: "_version", sqlType: SQL_TYPES.int64[engine], nullable: false, codec: "float" },
  ];
  if (table.isGlobal) {
    columns.push({
      name: NAMESPACE_COLUMN,
      sqlType: NAMESPACE_TYPES[engine],
      nullable: false,
      codec: "text",
    });
  }
  const indexed = indexedFields(table);
  for (const [name, validator] of Object.entries(table.fields)) {
    const codec = fieldCodec(validator);
    columns.push({
      name,
      sqlType: sqlTypeFor(codec, engine, indexed.has(name)),
      nullable: validator.isOptional,
      codec,
    });
  }
  return columns;
}

/** One column by name (system or field); throws for an unknown column. */
export function tableColumn(table: TableDefinition, engine: Engine, name: string): ColumnSpec {
  const column = tableColumns(table, engine).find((c) => c.name === name);
  if (!column) throw new Error(`unknown column "${name}"`);
  return column;
}
