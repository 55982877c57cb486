import type { Engine } from "@orrery/schema";

/** What differs between SQL engines, kept to the few things the store's SQL builders need. */
export interface Dialect {
  readonly engine: Engine;
  /** Quotes an identifier (table or column). */
  quote(identifier: string): string;
  /** The placeholder for the parameter at 1-based position `index`. */
  placeholder(index: number): string;
  /** Null-safe equality between two SQL expressions. */
  nullSafeEquals(left: string, right: string): string;
  /** `ORDER BY` term that sorts NULLs first in ascending order, as every engine's keys do here. */
  orderTerm(column: string, direction: "asc" | "desc"): string;
  /** Whether `(a, b) > (?, ?)` row-value comparison is supported. */
  readonly rowValues: boolean;
  /**
   * `INSERT ... ` that keeps the existing row when the key is present.
   * Used for idempotent system rows (the namespace's version counter).
   */
  insertIgnore(table: string, columns: readonly string[], conflictColumns: readonly string[]): string;
  /** Upsert that overwrites `updateColumns` when the key is present. */
  upsert(
    table: string,
    columns: readonly string[],
    conflictColumns: readonly string[],
    updateColumns: readonly string[],
  ): string;
}

// Every commit builds its statements' text again; their placeholder lists repeat, so keep them.
const placeholderLists = new WeakMap<Dialect, Map<string, string>>();

/** `?, ?, ?` (or `$3, $4, $5` from `startAt` 3): `count` placeholders of the dialect. */
export function placeholders(dialect: Dialect, count: number, startAt = 1): string {
  let lists = placeholderLists.get(dialect);
  if (!lists) {
    lists = new Map();
    placeholderLists.set(dialect, lists);
  }
  const key = `${count}@${startAt}`;
  let list = lists.get(key);
  if (list === undefined) {
    const parts: string[] = [];
    for (let i = 0; i < count; i++) parts.push(dialect.placeholder(startAt + i));
    list = parts.join(", ");
    lists.set(key, list);
  }
  return list;
}
