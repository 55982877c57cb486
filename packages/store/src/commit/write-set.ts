import { operationOf, type PendingWrite } from "../db/pending-writes";
import { indexKeyOf, type SchemaInfo } from "../db/table-info";
import type { WriteSet } from "../reactivity/read-write-sets";

/** Every index key each write removed and added, which is what invalidation needs. */
export function writeSetOf(schema: SchemaInfo, writes: readonly PendingWrite[]): WriteSet {
  return writes.map((write) => {
    const table = schema.table(write.table);
    const operation = operationOf(write);
    if (!operation) throw new Error("writeSetOf takes effective writes only");
    return {
      table: write.table,
      id: write.id,
      operation,
      keys: [...table.indexes.values()].map((index) => ({
        index: index.name,
        before: write.original ? indexKeyOf(index, write.original) : null,
        after: write.current ? indexKeyOf(index, write.current) : null,
      })),
    };
  });
}
