import type { Doc } from "./document";

/** A document a mutation touched: as it was in the database, and as the mutation left it. */
export interface PendingWrite {
  readonly table: string;
  readonly id: string;
  /** The stored document when the mutation first touched it; null when the mutation inserted it. */
  readonly original: Doc | null;
  /** The document as the mutation left it; null when deleted. */
  current: Doc | null;
}

export type WriteOperation = "insert" | "update" | "delete";

export function operationOf(write: PendingWrite): WriteOperation | null {
  if (!write.original) return write.current ? "insert" : null;
  return write.current ? "update" : "delete";
}

/**
 * The write buffer of one mutation attempt. Nothing reaches the database until commit, so a
 * failed or conflicting attempt leaves no trace; reads see these writes through an overlay.
 */
export class PendingWrites {
  private readonly writes = new Map<string, Map<string, PendingWrite>>();
  private readonly order: PendingWrite[] = [];

  get(table: string, id: string): PendingWrite | undefined {
    return this.writes.get(table)?.get(id);
  }

  record(table: string, id: string, original: Doc | null, current: Doc | null): void {
    const existing = this.get(table, id);
    if (existing) {
      existing.current = current;
      return;
    }
    const write: PendingWrite = { table, id, original, current };
    let forTable = this.writes.get(table);
    if (!forTable) {
      forTable = new Map();
      this.writes.set(table, forTable);
    }
    forTable.set(id, write);
    this.order.push(write);
  }

  forTable(table: string): Iterable<PendingWrite> {
    return this.writes.get(table)?.values() ?? [];
  }

  countFor(table: string): number {
    return this.writes.get(table)?.size ?? 0;
  }

  /** Writes that change something, in the order they were first made. */
  effective(): PendingWrite[] {
    return this.order.filter((write) => operationOf(write) !== null);
  }
}
