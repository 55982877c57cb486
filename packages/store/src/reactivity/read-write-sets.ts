import type { IndexKey, KeyRange } from "./key-range";

/** One index range a query read. `by_id` ranges come from `get`. */
export interface ReadRange {
  readonly table: string;
  readonly index: string;
  readonly range: KeyRange;
}

export type ReadSet = readonly ReadRange[];

/** A written document's key in one index before and after the write (null: absent). */
export interface IndexKeyChange {
  readonly index: string;
  readonly before: IndexKey | null;
  readonly after: IndexKey | null;
}

export interface DocumentWrite {
  readonly table: string;
  readonly id: string;
  readonly operation: "insert" | "update" | "delete";
  readonly keys: readonly IndexKeyChange[];
}

export type WriteSet = readonly DocumentWrite[];
