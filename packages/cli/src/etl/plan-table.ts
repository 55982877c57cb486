import {
  type ColumnSpec,
  type ExternalEngine,
  fieldCodec,
  indexedFields,
  type SchemaDefinition,
  type TableDefinition,
  tableColumn,
} from "@orrery/schema";
import type { CoerceTarget } from "./coerce";
import type { SourceRow, SourceValue } from "./define-etl";
import { cannotReceive } from "./field-compat";
import { isOrreryTable, ORRERY_SYSTEM_COLUMNS } from "./orrery-tables";
import type { SourceTable } from "./source-tables";

/** How one field of a target row is filled. */
export interface FieldPlan extends CoerceTarget {
  /** The source column that fills it (none: a transform computes it). */
  readonly column?: string;
  /** The source table whose key the value is: it is rewritten to that row's `_id`. */
  readonly references?: string;
  readonly transform?: (value: SourceValue | undefined, row: SourceRow) => unknown;
  /** The field's column in the target. */
  readonly spec: ColumnSpec;
  /** The column as Orrery wrote it in D1 (an Orrery table): decoded as the store decodes it. */
  readonly stored?: ColumnSpec;
}

/** How one source table is loaded into one `.global()` table. */
export interface TablePlan {
  readonly source: SourceTable;
  readonly targetTable: string;
  readonly definition: TableDefinition;
  /** The column holding a row's old id; undefined: the rowid. */
  readonly keyColumn: string | undefined;
  readonly timestamp?: { readonly column: string; readonly unit: "ms" | "s" };
  /** In the schema's field order. */
  readonly fields: readonly FieldPlan[];
  /** The source tables this one's fields reference. */
  readonly parents: readonly string[];
  /**
   * Set when the source is a table Orrery made in D1 (see `orrery-tables.ts`): only this
   * namespace's rows are read, and they keep their `_id`, `_creationTime` and `_version`.
   */
  readonly orreryTable?: { readonly namespace: string };
}

const TABLE_OPTIONS = ["table", "key", "columns", "references", "timestamp", "transform"];
const MYSQL_INDEXED_TEXT = 255;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);
const list = (names: Iterable<string>) => [...names].join(", ") || "none";
const q = (name: string) => JSON.stringify(name);

export interface PlanContext {
  readonly schema: SchemaDefinition;
  readonly sources: ReadonlyMap<string, SourceTable>;
  /** Source table → its entry in the config, for the tables the config loads. */
  readonly entries: ReadonlyMap<string, Record<string, unknown>>;
  readonly engine: ExternalEngine;
  readonly sourceName: string;
  /** The namespace the run loads (an Orrery table's rows are read for it alone). */
  readonly namespace: string;
}

/** The key column of a mapped source table as the config and the source say (undefined: rowid). */
export function keyColumnOf(source: SourceTable, entry: Record<string, unknown>): string | undefined | null {
  if (isOrreryTable(source)) return "_id";
  if (typeof entry.key === "string") return entry.key;
  if (source.primaryKey.length === 1) return source.primaryKey[0];
  return source.primaryKey.length === 0 && source.hasRowid ? undefined : null;
}

/** Column → referenced source table: the source's foreign keys, with the config's `references` over them. */
function referencesOf(
  source: SourceTable,
  entry: Record<string, unknown>,
  problem: (message: string) => void,
): Map<string, { readonly table: string; readonly to?: string }> {
  const references = new Map<string, { readonly table: string; readonly to?: string }>();
  const overrides = isObject(entry.references) ? entry.references : {};
  for (const key of source.foreignKeys) {
    if (key.from.length === 1) references.set(key.from[0]!, { table: key.table, to: key.to[0] });
    else if (!key.from.every((column) => overrides[column] === false))
      problem(
        `foreign key (${key.from.join(", ")}) → ${key.table} has several columns, which etl cannot rewrite: set references: { ${key.from.map((c) => `${c}: false`).join(", ")} } and fill the field with a transform`,
      );
  }
  for (const [column, value] of Object.entries(overrides)) {
    if (!source.columns.some((c) => c.name === column))
      problem(
        `references: unknown column ${q(column)} (${source.name} has: ${list(source.columns.map((c) => c.name))})`,
      );
    else if (value === false) references.delete(column);
    else if (typeof value === "string") references.set(column, { table: value });
    else problem(`references.${column} must be a source table's name or false`);
  }
  return references;
}

/**
 * Checks one table's entry against the schema and the source, adding every mistake to
 * `problems` (prefixed by the table), and returns its plan when it has none.
 */
export function planTable(
  sourceName: string,
  entry: unknown,
  context: PlanContext,
  problems: string[],
  /** Hears the source tables this one references, even when it has problems (for cycles). */
  onParents: (parents: readonly string[]) => void = () => undefined,
): TablePlan | undefined {
  const before = problems.length;
  const problem = (message: string) => problems.push(`${sourceName}: ${message}`);
  if (!isObject(entry) || typeof entry.table !== "string") {
    problem(`expected { table: "<.global() table>", ... }`);
    return undefined;
  }
  for (const option of Object.keys(entry))
    if (!TABLE_OPTIONS.includes(option))
      problem(`unknown option ${q(option)} (expected ${TABLE_OPTIONS.join(", ")})`);
  const source = context.sources.get(sourceName);
  if (!source) problem(`no such table in ${context.sourceName} (it has: ${list(context.sources.keys())})`);
  const definition = Object.hasOwn(context.schema.tables, entry.table)
    ? context.schema.tables[entry.table]
    : undefined;
  if (!definition)
    problem(
      `table ${q(entry.table)} is not in the schema (it has: ${list(Object.keys(context.schema.tables))})`,
    );
  else if (!definition.isGlobal)
    problem(
      `table ${q(entry.table)} is not .global(): its rows live in each namespace's Durable Object, not in ${context.engine}`,
    );
  if (!source || !definition?.isGlobal) return undefined;

  const columnNames = source.columns.map((c) => c.name);
  const hasColumn = (name: string) => columnNames.includes(name);
  const fieldNames = Object.keys(definition.fields);
  const target = `${entry.table}`;

  const orrery = isOrreryTable(source);
  const isSystemColumn = (column: string) => orrery && ORRERY_SYSTEM_COLUMNS.includes(column);
  if (orrery && entry.key !== undefined)
    problem(`key: an Orrery table's rows keep their _id (its key), so key cannot name another column`);
  else if (orrery && entry.timestamp !== undefined)
    problem(
      `timestamp: an Orrery table's rows keep their _id and _creationTime, so no timestamp column is read`,
    );
  else if (typeof entry.key === "string" && !hasColumn(entry.key))
    problem(`key: unknown column ${q(entry.key)} (${sourceName} has: ${list(columnNames)})`);
  else if (entry.key !== undefined && typeof entry.key !== "string") problem("key must be a column name");
  const keyColumn = keyColumnOf(source, entry);
  if (keyColumn === null)
    problem(`has no single-column primary key and no rowid: set key to a column whose values are unique`);

  // Column → field.
  const columnsOption = isObject(entry.columns) ? entry.columns : {};
  if (entry.columns !== undefined && !isObject(entry.columns))
    problem("columns must be an object { <column>: <field> | false }");
  const fieldOf = new Map<string, string>();
  for (const [column, field] of Object.entries(columnsOption)) {
    if (!hasColumn(column))
      problem(`columns: unknown column ${q(column)} (${sourceName} has: ${list(columnNames)})`);
    else if (isSystemColumn(column))
      problem(
        `columns: ${column} is a system column of an Orrery table, kept as it is: leave it out of columns`,
      );
    else if (field === false) continue;
    else if (typeof field !== "string") problem(`columns.${column} must be a field name or false`);
    else if (!fieldNames.includes(field))
      problem(`columns.${column}: unknown field ${q(field)} (${target} has: ${list(fieldNames)})`);
    else fieldOf.set(column, field);
  }
  for (const column of columnNames) {
    if (Object.hasOwn(columnsOption, column) || isSystemColumn(column)) continue;
    if (fieldNames.includes(column)) fieldOf.set(column, column);
    else if (column !== keyColumn)
      problem(
        `column ${q(column)} has no field ${q(column)} in ${target}: map it (columns: { ${column}: "<field>" }) or leave it out (columns: { ${column}: false })`,
      );
  }
  const columnOf = new Map<string, string>();
  for (const [column, field] of fieldOf) {
    const other = columnOf.get(field);
    if (other !== undefined) problem(`columns ${q(other)} and ${q(column)} both fill field ${q(field)}`);
    else columnOf.set(field, column);
  }

  const transforms = isObject(entry.transform) ? entry.transform : {};
  if (entry.transform !== undefined && !isObject(entry.transform))
    problem("transform must be an object { <field>: (value, row) => … }");
  for (const [field, fn] of Object.entries(transforms)) {
    if (!fieldNames.includes(field))
      problem(`transform: unknown field ${q(field)} (${target} has: ${list(fieldNames)})`);
    else if (typeof fn !== "function") problem(`transform.${field} must be a function (value, row) => …`);
  }

  const references = referencesOf(source, entry, problem);
  let timestamp: TablePlan["timestamp"];
  if (entry.timestamp !== undefined && !orrery) {
    const option = entry.timestamp;
    const column = typeof option === "string" ? option : isObject(option) ? option.column : undefined;
    const unit = isObject(option) && option.unit !== undefined ? option.unit : "ms";
    if (typeof column !== "string")
      problem(`timestamp must be a column name or { column, unit: "ms" | "s" }`);
    else if (!hasColumn(column))
      problem(`timestamp: unknown column ${q(column)} (${sourceName} has: ${list(columnNames)})`);
    else if (unit !== "ms" && unit !== "s") problem(`timestamp.unit must be "ms" or "s"`);
    else timestamp = { column, unit };
  }

  const indexed = indexedFields(definition);
  const fields: FieldPlan[] = [];
  const parents = new Set<string>();
  for (const [field, validator] of Object.entries(definition.fields)) {
    const column = columnOf.get(field);
    const transform =
      typeof transforms[field] === "function" ? (transforms[field] as FieldPlan["transform"]) : undefined;
    if (column === undefined && transform === undefined) {
      if (!validator.isOptional)
        problem(
          `missing required field ${q(field)} of ${target}: no column fills it (map one in columns, or add a transform)`,
        );
      continue;
    }
    const codec = fieldCodec(validator);
    const declared = column === undefined ? "" : (source.columns.find((c) => c.name === column)?.type ?? "");
    const reference = column === undefined ? undefined : references.get(column);
    const parent = reference?.table;
    const where = `column ${q(column ?? "")} → ${target}.${field}`;
    // A field in its own column of an Orrery table holds what the store encoded there.
    const stored =
      orrery && column === field && transform === undefined
        ? tableColumn(definition, "sqlite", field)
        : undefined;
    if (parent !== undefined) {
      const parentEntry = context.entries.get(parent);
      const parentTarget =
        parentEntry && typeof parentEntry.table === "string" ? parentEntry.table : undefined;
      const parentSource = context.sources.get(parent);
      const parentKey = parentSource && parentEntry ? keyColumnOf(parentSource, parentEntry) : undefined;
      if (!parentSource) problem(`${where}: references ${q(parent)}, no such table in ${context.sourceName}`);
      else if (!parentEntry)
        problem(
          `${where}: references ${parent}, which the config does not load (add it to tables, or set references: { ${column}: false })`,
        );
      else if (reference?.to !== undefined && reference.to !== parentKey)
        problem(
          `${where}: references ${parent}.${reference.to}, not its key (${parentKey ?? "rowid"}): set key: ${q(reference.to)} on ${parent}`,
        );
      else if (validator.kind === "id" && (validator as { tableName?: string }).tableName !== parentTarget)
        problem(
          `${where}: the field is v.id(${q(String((validator as { tableName?: string }).tableName))}) but ${parent} loads into ${parentTarget}`,
        );
      else if (validator.kind !== "id" && codec !== "text")
        problem(
          `${where}: references ${parent}, so it holds ids, but the field is not v.id(${q(parentTarget ?? "")}) or a string`,
        );
      parents.add(parent);
    } else if (transform === undefined && stored === undefined) {
      const reason = cannotReceive(codec, declared);
      if (reason) problem(`${where}: ${reason}`);
    }
    fields.push({
      field,
      validator,
      codec,
      column,
      references: parent,
      transform,
      dateLike: /DATE|TIME/i.test(declared) || (column !== undefined && column === timestamp?.column),
      maxLength:
        context.engine === "mysql" && codec === "text" && indexed.has(field) ? MYSQL_INDEXED_TEXT : undefined,
      noNul: context.engine === "postgres",
      spec: tableColumn(definition, context.engine, field),
      stored,
    });
  }
  onParents([...parents]);
  if (problems.length > before) return undefined;
  return {
    source,
    targetTable: target,
    definition,
    keyColumn: keyColumn ?? undefined,
    timestamp,
    fields,
    parents: [...parents],
    orreryTable: orrery ? { namespace: context.namespace } : undefined,
  };
}
