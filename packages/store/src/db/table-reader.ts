import { compareIndexKeys, decodeDocument, encodeValue, NAMESPACE_COLUMN } from "@orrery/schema";
import type { IndexKey, KeyRange } from "../reactivity/key-range";
import { rangeContains } from "../reactivity/key-range";
import type { SqlExec } from "../sql/sql-exec";
import type { Doc } from "./document";
import type { PendingWrites } from "./pending-writes";
import { buildScan, type Order, selectList } from "./scan-sql";
import { type IndexInfo, indexKeyOf, type SchemaInfo, type TableInfo } from "./table-info";

export interface ScannedDoc {
  readonly doc: Doc;
  readonly key: IndexKey;
}

const FIRST_BATCH_MAX = 64;
const BATCH_MAX = 512;

/**
 * Reads documents for one store: point reads and ordered index scans in keyset batches
 * (never OFFSET). In a mutation it overlays the attempt's own pending writes, so a mutation
 * reads what it wrote.
 */
export class TableReader {
  /**
   * In a mutation, the first stored version of each document the attempt read. Writes guard
   * on that version, so an outside write between the read and the commit is a conflict.
   */
  private readonly firstRead = new Map<string, Doc | null>();

  constructor(
    readonly schema: SchemaInfo,
    private readonly execFor: (table: TableInfo) => SqlExec,
    private readonly namespace: string,
    private readonly pending: PendingWrites | null,
  ) {}

  /**
   * The document as this mutation first saw it in storage (ignoring its own pending writes):
   * the version a write must find still in place at commit.
   */
  async getSnapshot(table: TableInfo, id: string): Promise<Doc | null> {
    const key = `${table.name}\u0000${id}`;
    if (this.firstRead.has(key)) return this.firstRead.get(key) ?? null;
    const doc = await this.getStored(table, id);
    this.remember(table, id, doc);
    return doc;
  }

  /** The document as stored now. */
  async getStored(table: TableInfo, id: string): Promise<Doc | null> {
    const exec = this.execFor(table);
    const { dialect } = exec;
    const idColumn = table.column.get("_id")!;
    const params = [encodeValue(idColumn, id, exec.engine)];
    let sql = `SELECT ${selectList(dialect, table)} FROM ${dialect.quote(table.name)} WHERE ${dialect.quote("_id")} = ${dialect.placeholder(1)}`;
    if (table.isGlobal) {
      params.push(this.namespace);
      sql += ` AND ${dialect.quote(NAMESPACE_COLUMN)} = ${dialect.placeholder(2)}`;
    }
    const { rows } = await exec.run({ sql, params });
    return rows[0] ? this.decode(table, exec, rows[0]) : null;
  }

  async get(table: TableInfo, id: string): Promise<Doc | null> {
    const pending = this.pending?.get(table.name, id);
    if (pending) return pending.current;
    return this.pending ? this.getSnapshot(table, id) : this.getStored(table, id);
  }

  /**
   * Yields the documents of `range` in index order. `sizeHint` is how many the caller
   * expects to need, so `first()` reads one row and `collect()` reads in growing batches.
   */
  async *scan(
    table: TableInfo,
    index: IndexInfo,
    range: KeyRange,
    order: Order,
    sizeHint: number,
  ): AsyncGenerator<ScannedDoc> {
    const overlay = this.overlayFor(table, index, range, order);
    const exec = this.execFor(table);
    const direction = order === "asc" ? 1 : -1;
    let batch = Math.min(Math.max(1, sizeHint), FIRST_BATCH_MAX) + (this.pending?.countFor(table.name) ?? 0);
    let after: IndexKey | null = null;
    let overlayAt = 0;
    for (;;) {
      const statement = buildScan(exec.dialect, {
        table,
        index,
        range,
        order,
        after,
        limit: batch,
        namespace: this.namespace,
      });
      const { rows } = await exec.run(statement);
      for (const row of rows) {
        const doc = this.decode(table, exec, row);
        this.remember(table, doc._id, doc);
        const key = indexKeyOf(index, doc);
        after = key;
        // Pending writes replace their stored versions; they come from the overlay instead.
        if (this.pending?.get(table.name, doc._id)) continue;
        while (overlayAt < overlay.length && direction * compareIndexKeys(overlay[overlayAt]!.key, key) < 0) {
          yield overlay[overlayAt++]!;
        }
        yield { doc, key };
      }
      if (rows.length < batch) break;
      batch = Math.min(batch * 2, BATCH_MAX);
    }
    while (overlayAt < overlay.length) yield overlay[overlayAt++]!;
  }

  private overlayFor(table: TableInfo, index: IndexInfo, range: KeyRange, order: Order): ScannedDoc[] {
    if (!this.pending) return [];
    const docs: ScannedDoc[] = [];
    for (const write of this.pending.forTable(table.name)) {
      if (!write.current) continue;
      const key = indexKeyOf(index, write.current);
      if (rangeContains(range, key)) docs.push({ doc: write.current, key });
    }
    const direction = order === "asc" ? 1 : -1;
    return docs.sort((a, b) => direction * compareIndexKeys(a.key, b.key));
  }

  private remember(table: TableInfo, id: string, doc: Doc | null): void {
    const key = `${table.name}\u0000${id}`;
    if (this.pending && !this.firstRead.has(key)) this.firstRead.set(key, doc);
  }

  private decode(table: TableInfo, exec: SqlExec, row: Record<string, unknown>): Doc {
    return decodeDocument(table.definition, row, exec.engine) as Doc;
  }
}
