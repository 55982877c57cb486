import { UsageError } from "../command";
import type { Snapshot, SnapshotTable } from "./snapshot";

// `dueDate` → `due_date`, `_orrery_meta` → `orrery_meta`: file names in one style.
function snake(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

/** `--name` as a file-name label: runs of anything but letters, digits and `_` become `_`. */
export function labelFromName(name: string): string {
  const label = name
    .trim()
    .replace(/[^A-Za-z0-9_]+/g, "_")
    .replace(/^_+|_+$/g, "");
  if (!label) throw new UsageError(`--name "${name}" has no letters or digits`);
  return label;
}

function describeTableChange(name: string, before: SnapshotTable, after: SnapshotTable) {
  const parts: string[] = [];
  for (const column of Object.keys(after.columns))
    if (!Object.hasOwn(before.columns, column)) parts.push(`add_${snake(column)}`);
  for (const column of Object.keys(before.columns))
    if (!Object.hasOwn(after.columns, column)) parts.push(`drop_${snake(column)}`);
  for (const [column, spec] of Object.entries(after.columns)) {
    const old = before.columns[column];
    if (old && JSON.stringify(old) !== JSON.stringify(spec)) parts.push(`alter_${snake(column)}`);
  }
  // Index names are `<table>__<index>`; the table part would only repeat itself.
  const short = (index: string) =>
    snake(index.startsWith(`${name}__`) ? index.slice(name.length + 2) : index);
  for (const index of Object.keys(after.indexes))
    if (!Object.hasOwn(before.indexes, index)) parts.push(`index_${short(index)}`);
  for (const index of Object.keys(before.indexes))
    if (!Object.hasOwn(after.indexes, index)) parts.push(`drop_index_${short(index)}`);
  if (parts.length === 0 && JSON.stringify(before) !== JSON.stringify(after))
    parts.push(`alter_${snake(name)}`);
  return parts;
}

/**
 * A short label for the change from `previous` to `current`, for when `--name` is absent:
 * `initial_schema`, `add_due_date`, `create_projects_and_add_due_date`, `add_due_date_and_2_more`.
 */
export function describeChange(previous: Snapshot, current: Snapshot): string {
  if (Object.keys(previous.tables).length === 0) return "initial_schema";
  const parts: string[] = [];
  for (const name of Object.keys(current.tables))
    if (!Object.hasOwn(previous.tables, name)) parts.push(`create_${snake(name)}`);
  for (const name of Object.keys(previous.tables))
    if (!Object.hasOwn(current.tables, name)) parts.push(`drop_${snake(name)}`);
  for (const [name, after] of Object.entries(current.tables)) {
    const before = previous.tables[name];
    if (before) parts.push(...describeTableChange(name, before, after));
  }
  if (parts.length === 0) return "schema_change";
  if (parts.length > 2) return `${parts[0]}_and_${parts.length - 1}_more`;
  return parts.join("_and_");
}
