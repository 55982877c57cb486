import { OrreryError } from "@orrery/protocol";
import {
  type ColumnSpec,
  type Engine,
  type SchemaDefinition,
  SYSTEM_DOCUMENT_TABLES,
  type TableDefinition,
  tableColumns,
  tableIndexes,
} from "@orrery/schema";
import type { IndexKey } from "../reactivity/key-range";

export interface IndexInfo {
  readonly name: string;
  /** Key fields in order, always ending with `_id`. */
  readonly fields: readonly string[];
  readonly columns: readonly ColumnSpec[];
}

export interface TableInfo {
  readonly name: string;
  readonly definition: TableDefinition;
  readonly isGlobal: boolean;
  /** One of the store's own document tables (the scheduler's jobs): only the store writes it. */
  readonly isSystem: boolean;
  readonly columns: readonly ColumnSpec[];
  readonly column: ReadonlyMap<string, ColumnSpec>;
  readonly indexes: ReadonlyMap<string, IndexInfo>;
}

export const BY_ID = "by_id";
export const BY_CREATION_TIME = "by_creation_time";

export function describeTable(
  name: string,
  definition: TableDefinition,
  engine: Engine,
  isSystem = false,
): TableInfo {
  const columns = tableColumns(definition, engine);
  const column = new Map(columns.map((c) => [c.name, c]));
  const columnOf = (field: string) => {
    const spec = column.get(field);
    if (!spec) throw new Error(`table "${name}" has no column for index field "${field}"`);
    return spec;
  };
  const indexes = new Map<string, IndexInfo>();
  const addIndex = (indexName: string, fields: readonly string[]) => {
    const keyFields = [...fields, "_id"];
    indexes.set(indexName, { name: indexName, fields: keyFields, columns: keyFields.map(columnOf) });
  };
  addIndex(BY_ID, []);
  for (const index of tableIndexes(definition)) addIndex(index.name, index.fields);
  return { name, definition, isGlobal: definition.isGlobal, isSystem, columns, column, indexes };
}

/** Table descriptions for one engine, built once per store: the app's and the store's document tables. */
export class SchemaInfo {
  private readonly tables = new Map<string, TableInfo>();

  constructor(
    readonly schema: SchemaDefinition,
    readonly engineOf: (table: TableDefinition) => Engine,
  ) {
    for (const [name, definition] of Object.entries(schema.tables)) {
      this.tables.set(name, describeTable(name, definition, engineOf(definition)));
    }
    for (const [name, definition] of Object.entries(SYSTEM_DOCUMENT_TABLES)) {
      this.tables.set(name, describeTable(name, definition, engineOf(definition), true));
    }
  }

  table(name: string): TableInfo {
    const info = this.tables.get(name);
    if (!info) {
      const known = [...this.tables.values()]
        .filter((table) => !table.isSystem)
        .map((table) => table.name)
        .join(", ");
      throw new UnknownTableError(`unknown table "${name}" (the schema has: ${known})`);
    }
    return info;
  }

  index(table: TableInfo, name: string): IndexInfo {
    const info = table.indexes.get(name);
    if (!info) {
      const known = [...table.indexes.keys()].join(", ");
      throw new UnknownTableError(`table "${table.name}" has no index "${name}" (it has: ${known})`);
    }
    return info;
  }
}

export class UnknownTableError extends OrreryError {
  constructor(message: string) {
    super("INVALID_ARGUMENT", message);
    this.name = "UnknownTableError";
  }
}

export function indexKeyOf(index: IndexInfo, doc: Readonly<Record<string, unknown>>): IndexKey {
  return index.fields.map((field) => doc[field] ?? null);
}
