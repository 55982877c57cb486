import type { ExternalEngine } from "@orrery/schema";
import {
  type ColumnModel,
  columnDefinition,
  createIndexStatement,
  createTableStatements,
  dropIndexStatement,
  quote,
  type SchemaModel,
  type TableModel,
} from "./model";

/** One change, with the statements that make it and those that undo it. */
export interface Step {
  readonly up: readonly string[];
  readonly down: readonly string[];
  /** For the default label: `create_tasks`, `add_due_date`, `index_by_due`. */
  readonly label: string;
}

export interface MigrationPlan {
  readonly engine: ExternalEngine;
  readonly steps: readonly Step[];
  /** What the up would lose: `tasks.text: column dropped`. Needs --allow-data-loss. */
  readonly dataLoss: readonly string[];
  /** Changes orrery migrate will not write (a required column on an existing table). */
  readonly refusals: readonly string[];
  /** Said after writing: what the down cannot restore, what may fail on apply. */
  readonly notes: readonly string[];
}

// `dueDate` → `due_date` for labels.
function snake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** `VARCHAR(26) COLLATE "C"` → `VARCHAR(26)`: the type without its collation or charset. */
function baseType(type: string): string {
  return type.replace(/ (CHARACTER SET|COLLATE) .*$/, "");
}

/** Whether changing a column from `from` to `to` keeps every value (a wider type). */
function widens(from: string, to: string): boolean {
  const suffix = (t: string) => t.slice(baseType(t).length);
  if (suffix(from) !== suffix(to)) return false;
  const a = baseType(from);
  const b = baseType(to);
  const varchar = (t: string) => /^VARCHAR\((\d+)\)$/.exec(t)?.[1];
  if (varchar(a) && varchar(b)) return Number(varchar(b)) >= Number(varchar(a));
  if (varchar(a) && (b === "TEXT" || b === "LONGTEXT")) return true;
  return a === "INTEGER" && b === "BIGINT";
}

// Postgres fills a column added NOT NULL to a table with rows only through a default; these
// zero values make the down of a dropped column re-create its structure (not its data).
function pgZero(type: string): string {
  const t = baseType(type);
  if (/^(BIGINT|INTEGER|DOUBLE PRECISION|REAL|NUMERIC)/.test(t)) return "0";
  if (t === "BOOLEAN") return "false";
  if (t === "JSONB" || t === "JSON") return "'null'";
  if (t === "BYTEA") return "'\\x'";
  return "''";
}

function addColumn(table: string, column: ColumnModel, engine: ExternalEngine): string[] {
  const q = (n: string) => quote(n, engine);
  if (engine === "postgres" && column.notNull) {
    return [
      `ALTER TABLE ${q(table)} ADD COLUMN ${columnDefinition(column, engine)} DEFAULT ${pgZero(column.type)}`,
      `ALTER TABLE ${q(table)} ALTER COLUMN ${q(column.name)} DROP DEFAULT`,
    ];
  }
  // MySQL fills existing rows of a NOT NULL column with the type's implicit default.
  return [`ALTER TABLE ${q(table)} ADD COLUMN ${columnDefinition(column, engine)}`];
}

function dropColumn(table: string, column: ColumnModel, engine: ExternalEngine): string[] {
  return [`ALTER TABLE ${quote(table, engine)} DROP COLUMN ${quote(column.name, engine)}`];
}

function alterColumn(table: string, from: ColumnModel, to: ColumnModel, engine: ExternalEngine): string[] {
  const q = (n: string) => quote(n, engine);
  if (engine === "mysql") return [`ALTER TABLE ${q(table)} MODIFY COLUMN ${columnDefinition(to, engine)}`];
  const statements: string[] = [];
  if (from.type !== to.type) {
    statements.push(
      `ALTER TABLE ${q(table)} ALTER COLUMN ${q(to.name)} TYPE ${to.type} USING ${q(to.name)}::${baseType(to.type)}`,
    );
  }
  if (from.notNull !== to.notNull) {
    statements.push(
      `ALTER TABLE ${q(table)} ALTER COLUMN ${q(to.name)} ${to.notNull ? "SET NOT NULL" : "DROP NOT NULL"}`,
    );
  }
  return statements;
}

function tableSteps(
  name: string,
  before: TableModel,
  after: TableModel,
  engine: ExternalEngine,
  out: { steps: Step[]; dataLoss: string[]; refusals: string[]; notes: string[] },
): void {
  if (!same(before.primaryKey, after.primaryKey) || before.options !== after.options) {
    out.refusals.push(
      `${name}: its primary key or table options changed; orrery migrate cannot write that change (write the migration by hand)`,
    );
    return;
  }
  const byName = <T extends { name: string }>(list: readonly T[]) => new Map(list.map((x) => [x.name, x]));
  const oldColumns = byName(before.columns);
  const newColumns = byName(after.columns);
  const oldIndexes = byName(before.indexes);
  const newIndexes = byName(after.indexes);
  const short = (index: string) =>
    snake(index.startsWith(`${name}__`) ? index.slice(name.length + 2) : index);

  // Indexes that go away (or change) first, so their columns can be dropped or altered.
  const changedIndexes = after.indexes.filter(
    (i) => oldIndexes.has(i.name) && !same(oldIndexes.get(i.name), i),
  );
  for (const index of before.indexes) {
    if (newIndexes.has(index.name) && same(newIndexes.get(index.name), index)) continue;
    const recreated = newIndexes.has(index.name);
    out.steps.push({
      up: [dropIndexStatement(name, index, engine)],
      down: [createIndexStatement(name, index, engine)],
      label: recreated ? `alter_index_${short(index.name)}` : `drop_index_${short(index.name)}`,
    });
  }
  // Dropped columns are one step, so its down re-adds them in their old order: on MySQL each in
  // its old place (AFTER the column before it); Postgres can only append them.
  const dropped = before.columns.filter((column) => !newColumns.has(column.name));
  for (const column of dropped) {
    out.dataLoss.push(`${name}.${column.name}: column dropped (its values in every row)`);
    out.notes.push(`the down of ${name}.${column.name} re-creates the column but cannot restore its data`);
    out.steps.push({
      up: dropColumn(name, column, engine),
      down: [],
      label: `drop_${snake(column.name)}`,
    });
  }
  if (dropped.length > 0) {
    out.steps.push({
      up: [],
      down: dropped.flatMap((column) => {
        const i = before.columns.indexOf(column);
        const place =
          engine === "mysql"
            ? i === 0
              ? " FIRST"
              : ` AFTER ${quote(before.columns[i - 1]!.name, engine)}`
            : "";
        const [add, ...rest] = addColumn(name, column, engine);
        return [`${add}${place}`, ...rest];
      }),
      label: "",
    });
  }
  for (const column of after.columns) {
    const old = oldColumns.get(column.name);
    if (!old || same(old, column)) continue;
    if (old.type !== column.type && !widens(old.type, column.type)) {
      out.dataLoss.push(
        `${name}.${column.name}: type ${old.type} → ${column.type} (values may be cut or not convert)`,
      );
    }
    if (!old.notNull && column.notNull) {
      out.notes.push(
        `${name}.${column.name} becomes NOT NULL: the migration fails while any row has no value in it`,
      );
    }
    out.steps.push({
      up: alterColumn(name, old, column, engine),
      down: alterColumn(name, column, old, engine),
      label: `alter_${snake(column.name)}`,
    });
  }
  for (const column of after.columns) {
    if (oldColumns.has(column.name)) continue;
    if (column.notNull) {
      out.refusals.push(
        `${name}.${column.name}: a new required field on an existing table, whose rows have no value for it. ` +
          "orrery migrate gives it no default: declare it v.optional(...) and fill it in, then make it required " +
          "(a later migration sets NOT NULL)",
      );
      continue;
    }
    out.steps.push({
      up: addColumn(name, column, engine),
      down: dropColumn(name, column, engine),
      label: `add_${snake(column.name)}`,
    });
  }
  for (const index of after.indexes) {
    if (oldIndexes.has(index.name) && !changedIndexes.includes(index)) continue;
    out.steps.push({
      up: [createIndexStatement(name, index, engine)],
      down: [dropIndexStatement(name, index, engine)],
      label: `index_${short(index.name)}`,
    });
  }
}

/** The steps from `previous` (the last snapshot) to `current` (the schema now). */
export function planMigration(previous: SchemaModel, current: SchemaModel): MigrationPlan {
  const engine = current.engine;
  const out = {
    steps: [] as Step[],
    dataLoss: [] as string[],
    refusals: [] as string[],
    notes: [] as string[],
  };
  for (const [name, table] of Object.entries(current.tables)) {
    const before = previous.tables[name];
    if (before) tableSteps(name, before, table, engine, out);
    else
      out.steps.push({
        up: createTableStatements(name, table, engine),
        down: [`DROP TABLE ${quote(name, engine)}`],
        label: `create_${snake(name)}`,
      });
  }
  for (const [name, table] of Object.entries(previous.tables)) {
    if (Object.hasOwn(current.tables, name)) continue;
    out.dataLoss.push(`${name}: table dropped (all its rows)`);
    out.notes.push(`the down of dropping ${name} re-creates the table but cannot restore its rows`);
    out.steps.push({
      up: [`DROP TABLE ${quote(name, engine)}`],
      down: createTableStatements(name, table, engine),
      label: `drop_${snake(name)}`,
    });
  }
  return { engine, ...out };
}

/** The up statements in order, and the down: each step's undo, last step first. */
export function planStatements(plan: MigrationPlan): { up: string[]; down: string[] } {
  return {
    up: plan.steps.flatMap((step) => step.up),
    down: [...plan.steps].reverse().flatMap((step) => step.down),
  };
}

/** `init` for the first migration, else `add_due_date`, `create_projects_and_add_due_date`, `…_and_2_more`. */
export function describePlan(plan: MigrationPlan, first: boolean): string {
  if (first) return "init";
  const labels = plan.steps.map((step) => step.label).filter((label) => label !== "");
  if (labels.length === 0) return "schema_change";
  if (labels.length > 2) return `${labels[0]}_and_${labels.length - 1}_more`;
  return labels.join("_and_");
}
