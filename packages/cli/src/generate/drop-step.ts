import type { Snapshot, SnapshotTable } from "./snapshot";

/** What a change removes and adds that drizzle-kit would ask about as possible renames. */
export interface DropStep {
  /** The previous snapshot without every table and column the change removes. */
  readonly snapshot: Snapshot;
  readonly dropped: string[];
  readonly added: string[];
}

type Table = SnapshotTable;

// True for an index, key or constraint that lists one of `columns`.
function mentions(entry: unknown, columns: Set<string>): boolean {
  const { columns: own, columnsFrom } = entry as { columns?: string[]; columnsFrom?: string[] };
  return [...(own ?? []), ...(columnsFrom ?? [])].some((column) => columns.has(column));
}

function keep<T>(record: Record<string, T>, removed: Set<string>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([, entry]) => !mentions(entry, removed)));
}

function withoutColumns(table: Table, removed: Set<string>): Table {
  return {
    ...table,
    columns: Object.fromEntries(Object.entries(table.columns).filter(([name]) => !removed.has(name))),
    indexes: keep(table.indexes, removed),
    foreignKeys: keep(table.foreignKeys, removed),
    compositePrimaryKeys: keep(table.compositePrimaryKeys, removed),
    uniqueConstraints: keep(table.uniqueConstraints, removed),
  };
}

/**
 * drizzle-kit's diff asks on the terminal whether a change is a rename when it both removes and
 * adds tables, or removes and adds columns of one table; a CLI that runs in CI must not ask.
 * For such a change this returns an intermediate snapshot with only the removals applied, so
 * diffing previous → intermediate → current never asks: removed and added are dropped and
 * created, never renamed. Returns undefined when drizzle-kit would not ask.
 */
export function dropStep(previous: Snapshot, current: Snapshot): DropStep | undefined {
  const dropped: string[] = [];
  const added: string[] = [];
  const tables: Snapshot["tables"] = {};
  let ambiguous = false;
  const droppedTables = Object.keys(previous.tables).filter((name) => !Object.hasOwn(current.tables, name));
  const addedTables = Object.keys(current.tables).filter((name) => !Object.hasOwn(previous.tables, name));
  if (droppedTables.length > 0 && addedTables.length > 0) ambiguous = true;
  dropped.push(...droppedTables.map((name) => `table ${name}`));
  added.push(...addedTables.map((name) => `table ${name}`));
  for (const [name, table] of Object.entries(previous.tables)) {
    const next = current.tables[name];
    if (!next) continue;
    const removed = new Set(
      Object.keys(table.columns).filter((column) => !Object.hasOwn(next.columns, column)),
    );
    const created = Object.keys(next.columns).filter((column) => !Object.hasOwn(table.columns, column));
    if (removed.size > 0 && created.length > 0) ambiguous = true;
    dropped.push(...[...removed].map((column) => `column ${name}.${column}`));
    added.push(...created.map((column) => `column ${name}.${column}`));
    tables[name] = removed.size > 0 ? withoutColumns(table, removed) : table;
  }
  if (!ambiguous) return undefined;
  return { snapshot: { ...previous, tables }, dropped, added };
}
