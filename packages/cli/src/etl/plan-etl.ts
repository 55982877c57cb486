import type { ExternalEngine, SchemaDefinition } from "@orrery/schema";
import { EtlProblems } from "./etl-problems";
import { loadOrder } from "./load-order";
import { type PlanContext, planTable, type TablePlan } from "./plan-table";
import { describeSourceTables } from "./source-tables";
import { quoteSqlite, type SqliteDatabase } from "./sqlite";

export type { FieldPlan, TablePlan } from "./plan-table";

/** Every table to load, parents before children. */
export interface EtlPlan {
  readonly tables: readonly TablePlan[];
}

const CONFIG_OPTIONS = ["kind", "source", "namespace", "tables"];

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** SQLite's rowid alias: its values are unique and never NULL by construction. */
function isRowidAlias(plan: TablePlan): boolean {
  const { source, keyColumn } = plan;
  if (keyColumn === undefined) return true;
  const column = source.columns.find((c) => c.name === keyColumn);
  return (
    source.hasRowid &&
    source.primaryKey.length === 1 &&
    source.primaryKey[0] === keyColumn &&
    column?.type.toUpperCase() === "INTEGER"
  );
}

function checkKeyValues(db: SqliteDatabase, plan: TablePlan, problems: string[]): void {
  // An Orrery table's key is unique within a namespace, the only rows read: its primary key.
  if (isRowidAlias(plan) || plan.orreryTable) return;
  const table = quoteSqlite(plan.source.name);
  const key = quoteSqlite(plan.keyColumn!);
  const nulls = Number(db.all(`SELECT COUNT(*) AS n FROM ${table} WHERE ${key} IS NULL`)[0]?.n ?? 0);
  const repeated = Number(
    db.all(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${table} GROUP BY ${key} HAVING COUNT(*) > 1)`)[0]?.n ??
      0,
  );
  if (nulls > 0)
    problems.push(`${plan.source.name}: key column "${plan.keyColumn}" is NULL in ${nulls} rows`);
  if (repeated > 0)
    problems.push(
      `${plan.source.name}: key column "${plan.keyColumn}" repeats ${repeated} values: a key must be unique`,
    );
}

/**
 * Checks the whole config against the schema and the source before a row is read, and orders
 * the tables parents first. Every mistake is collected; any at all throw one
 * {@link EtlProblems} listing them (unknown tables, columns and fields, a column whose type
 * cannot fill its field, a missing required field, a reference to a table the config does not
 * load, a key that is not unique, a cycle of references…).
 */
export function planEtl(
  config: unknown,
  options: {
    readonly schema: SchemaDefinition;
    readonly db: SqliteDatabase;
    readonly engine: ExternalEngine;
    readonly configName: string;
    readonly sourceName: string;
    readonly chunkSize: number;
    readonly namespace: string;
  },
): EtlPlan {
  const problems: string[] = [];
  const fail = () =>
    new EtlProblems(
      `${options.configName}: ${problems.length} problem${problems.length === 1 ? "" : "s"}`,
      problems,
    );
  if (!isObject(config) || !isObject(config.tables)) {
    problems.push(
      "expected export default defineEtl(schema, { tables: { <source table>: { table: ... } } })",
    );
    throw fail();
  }
  for (const option of Object.keys(config))
    if (!CONFIG_OPTIONS.includes(option))
      problems.push(`unknown option "${option}" (expected source, namespace, tables)`);
  const entries = new Map(
    Object.entries(config.tables).filter((e): e is [string, Record<string, unknown>] => isObject(e[1])),
  );
  if (Object.keys(config.tables).length === 0)
    problems.push("tables is empty: name the source tables to load");
  const context: PlanContext = {
    schema: options.schema,
    sources: describeSourceTables(options.db),
    entries,
    engine: options.engine,
    sourceName: options.sourceName,
    namespace: options.namespace,
  };
  const plans = new Map<string, TablePlan>();
  const parents = new Map<string, readonly string[]>();
  const loadedBy = new Map<string, string>();
  for (const [sourceName, entry] of Object.entries(config.tables)) {
    const plan = planTable(sourceName, entry, context, problems, (p) => parents.set(sourceName, p));
    if (!plan) continue;
    const other = loadedBy.get(plan.targetTable);
    if (other !== undefined)
      problems.push(
        `${sourceName}: ${other} loads into ${plan.targetTable} too; one source table per .global() table`,
      );
    loadedBy.set(plan.targetTable, sourceName);
    checkKeyValues(options.db, plan, problems);
    plans.set(sourceName, plan);
  }
  const result = loadOrder([...parents.keys()], (table) => parents.get(table) ?? []);
  if ("cycle" in result)
    problems.push(
      `the references form a cycle, ${result.cycle.join(" → ")}, so no table can load before the other: drop one with references: { <column>: false } (and fill it in later)`,
    );
  if (problems.length > 0 || "cycle" in result) throw fail();
  return { tables: result.order.map((name) => plans.get(name)!) };
}
