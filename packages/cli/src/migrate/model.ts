import type { ExternalEngine } from "@orrery/schema";

/*
 * The structure of the `.global()` tables and the global system tables on one engine, as
 * `snapshot.json` records it. It is read back from the DDL @orrery/schema writes
 * (`schemaDdl(..., { onlyGlobal: true })`, `systemTablesDdl(engine, "global")`), and rendering it
 * gives that DDL again, character for character (checked on every read), so a database made by
 * migrations is the same as one the store makes on first use.
 */

export interface ColumnModel {
  readonly name: string;
  /** The SQL type as written, e.g. `TEXT COLLATE "C"` or `VARCHAR(255) CHARACTER SET … COLLATE …`. */
  readonly type: string;
  readonly notNull: boolean;
}

export interface IndexModel {
  readonly name: string;
  readonly columns: readonly { readonly name: string; readonly nullsFirst?: true }[];
}

export interface TableModel {
  readonly columns: readonly ColumnModel[];
  readonly primaryKey: readonly string[];
  readonly indexes: readonly IndexModel[];
  /** MySQL's table options (engine, charset), as written after the column list. */
  readonly options?: string;
}

export interface SchemaModel {
  readonly engine: ExternalEngine;
  readonly tables: Readonly<Record<string, TableModel>>;
}

export function quote(name: string, engine: ExternalEngine): string {
  return engine === "mysql" ? `\`${name.replaceAll("`", "``")}\`` : `"${name.replaceAll('"', '""')}"`;
}

const IDENT: Record<ExternalEngine, string> = { postgres: '"(?:[^"]|"")*"', mysql: "`(?:[^`]|``)*`" };

function unquote(quoted: string): string {
  const q = quoted[0]!;
  return quoted.slice(1, -1).replaceAll(q + q, q);
}

/** `"a", "b" NULLS FIRST` → its identifiers (and NULLS FIRST marks). */
function identifierList(text: string, engine: ExternalEngine): { name: string; nullsFirst?: true }[] {
  const item = new RegExp(`^(${IDENT[engine]})( NULLS FIRST)?(?:, |$)`);
  const out: { name: string; nullsFirst?: true }[] = [];
  let rest = text;
  while (rest.length > 0) {
    const m = item.exec(rest);
    if (!m) throw new Error(`cannot read the column list "${text}"`);
    out.push(m[2] ? { name: unquote(m[1]!), nullsFirst: true } : { name: unquote(m[1]!) });
    rest = rest.slice(m[0].length);
  }
  return out;
}

/** Reads DDL statements (CREATE TABLE / CREATE INDEX as @orrery/schema writes them) into a model. */
export function modelFromDdl(engine: ExternalEngine, statements: readonly string[]): SchemaModel {
  const id = IDENT[engine];
  const createTable = new RegExp(`^CREATE TABLE IF NOT EXISTS (${id}) \\(\\n([\\s\\S]*)\\n\\)(?: (.+))?$`);
  const createIndex = new RegExp(`^CREATE INDEX IF NOT EXISTS (${id}) ON (${id}) \\((.*)\\)$`);
  const columnLine = new RegExp(`^  (${id}) (.+)$`);
  const tables: Record<
    string,
    { columns: ColumnModel[]; primaryKey: string[]; indexes: IndexModel[]; options?: string }
  > = {};
  for (const statement of statements) {
    const table = createTable.exec(statement);
    if (table) {
      const model: (typeof tables)[string] = { columns: [], primaryKey: [], indexes: [] };
      if (table[3]) model.options = table[3];
      for (const line of table[2]!.split(",\n")) {
        const pk = /^ {2}PRIMARY KEY \((.*)\)$/.exec(line);
        const inline = new RegExp(`^  INDEX (${id}) \\((.*)\\)$`).exec(line);
        const column = columnLine.exec(line);
        if (pk) model.primaryKey = identifierList(pk[1]!, engine).map((c) => c.name);
        else if (inline)
          model.indexes.push({ name: unquote(inline[1]!), columns: identifierList(inline[2]!, engine) });
        else if (column) {
          const notNull = column[2]!.endsWith(" NOT NULL");
          model.columns.push({
            name: unquote(column[1]!),
            type: notNull ? column[2]!.slice(0, -" NOT NULL".length) : column[2]!,
            notNull,
          });
        } else throw new Error(`cannot read this line of a CREATE TABLE: ${line}`);
      }
      tables[unquote(table[1]!)] = model;
      continue;
    }
    const index = createIndex.exec(statement);
    const owner = index && tables[unquote(index[2]!)];
    if (!index || !owner) throw new Error(`cannot read this DDL statement: ${statement.split("\n")[0]}`);
    owner.indexes.push({ name: unquote(index[1]!), columns: identifierList(index[3]!, engine) });
  }
  const model: SchemaModel = { engine, tables };
  const again = Object.entries(tables).flatMap(([name, table]) => createTableStatements(name, table, engine));
  if (JSON.stringify(again) !== JSON.stringify(statements))
    throw new Error("the DDL of @orrery/schema has a shape orrery migrate does not know; update @orrery/cli");
  return model;
}

export function columnDefinition(column: ColumnModel, engine: ExternalEngine): string {
  return `${quote(column.name, engine)} ${column.type}${column.notNull ? " NOT NULL" : ""}`;
}

function indexKeys(index: IndexModel, engine: ExternalEngine): string {
  return index.columns.map((c) => `${quote(c.name, engine)}${c.nullsFirst ? " NULLS FIRST" : ""}`).join(", ");
}

/** CREATE INDEX for an index of an existing table. */
export function createIndexStatement(tableName: string, index: IndexModel, engine: ExternalEngine): string {
  const q = (name: string) => quote(name, engine);
  return engine === "mysql"
    ? `CREATE INDEX ${q(index.name)} ON ${q(tableName)} (${indexKeys(index, engine)})`
    : `CREATE INDEX IF NOT EXISTS ${q(index.name)} ON ${q(tableName)} (${indexKeys(index, engine)})`;
}

export function dropIndexStatement(tableName: string, index: IndexModel, engine: ExternalEngine): string {
  const q = (name: string) => quote(name, engine);
  return engine === "mysql"
    ? `DROP INDEX ${q(index.name)} ON ${q(tableName)}`
    : `DROP INDEX ${q(index.name)}`;
}

/** The table's DDL, exactly as @orrery/schema's `createTableSql` writes it. */
export function createTableStatements(name: string, table: TableModel, engine: ExternalEngine): string[] {
  const q = (n: string) => quote(n, engine);
  const lines = table.columns.map((c) => `  ${columnDefinition(c, engine)}`);
  lines.push(`  PRIMARY KEY (${table.primaryKey.map(q).join(", ")})`);
  if (engine === "mysql") {
    for (const index of table.indexes) lines.push(`  INDEX ${q(index.name)} (${indexKeys(index, engine)})`);
    return [
      `CREATE TABLE IF NOT EXISTS ${q(name)} (\n${lines.join(",\n")}\n)${table.options ? ` ${table.options}` : ""}`,
    ];
  }
  return [
    `CREATE TABLE IF NOT EXISTS ${q(name)} (\n${lines.join(",\n")}\n)${table.options ? ` ${table.options}` : ""}`,
    ...table.indexes.map((index) => createIndexStatement(name, index, engine)),
  ];
}
