import { OrreryError, type PaginationOptions, type PaginationResult } from "@orrery/protocol";
import {
  FULL_RANGE,
  type IndexKey,
  intersectRanges,
  type KeyRange,
  rangeContains,
} from "../reactivity/key-range";
import type { ReadRange } from "../reactivity/read-write-sets";
import { decodeCursor, encodeCursor } from "./cursor";
import type { Doc } from "./document";
import { type Expression, type FilterBuilder, filterBuilder } from "./filter";
import { IndexRangeBuilder, toKeyRange } from "./index-range";
import type { Order } from "./scan-sql";
import { BY_CREATION_TIME, type IndexInfo, type TableInfo } from "./table-info";
import type { TableReader } from "./table-reader";

// What `paginate` takes and returns is the client's too: both live in @orrery/protocol.
export type { PaginationOptions, PaginationResult } from "@orrery/protocol";

export interface OrderedQuery<T> extends AsyncIterable<T> {
  filter(predicate: (q: FilterBuilder<T>) => Expression<boolean>): OrderedQuery<T>;
  take(n: number): Promise<T[]>;
  first(): Promise<T | null>;
  /** The single matching document or null; more than one is an error. */
  unique(): Promise<T | null>;
  collect(): Promise<T[]>;
  paginate(options: PaginationOptions): Promise<PaginationResult<T>>;
}

export interface Query<T> extends OrderedQuery<T> {
  order(order: Order): OrderedQuery<T>;
}

export interface QueryInitializer<T, IndexName extends string = string> extends Query<T> {
  withIndex(indexName: IndexName, range?: (q: IndexRangeBuilder<T>) => IndexRangeBuilder<T>): Query<T>;
}

interface QueryState {
  readonly index: IndexInfo;
  readonly range: KeyRange;
  readonly order: Order;
  readonly filters: readonly Expression<boolean>[];
}

/**
 * One immutable query over one table. Each terminal call scans the range once and records,
 * in `readLog`, exactly the part of the range it looked at: up to the last key it read when it
 * stopped early, the whole range when it ran out.
 */
export class TableQuery<T> implements QueryInitializer<T> {
  constructor(
    private readonly reader: TableReader,
    private readonly table: TableInfo,
    private readonly readLog: ReadRange[],
    private readonly state: QueryState = {
      index: reader.schema.index(table, BY_CREATION_TIME),
      range: { lower: null, upper: null },
      order: "asc",
      filters: [],
    },
    private readonly indexChosen = false,
  ) {}

  withIndex(indexName: string, range?: (q: IndexRangeBuilder<T>) => IndexRangeBuilder<T>): Query<T> {
    if (this.indexChosen) throw new OrreryError("INVALID_ARGUMENT", "withIndex can be called once per query");
    const index = this.reader.schema.index(this.table, indexName);
    const builder = range ? range(IndexRangeBuilder.start<T>()) : null;
    return this.with({ index, range: toKeyRange(index, builder as IndexRangeBuilder<never> | null) }, true);
  }

  order(order: Order): OrderedQuery<T> {
    if (order !== "asc" && order !== "desc") {
      throw new OrreryError(
        "INVALID_ARGUMENT",
        `order: expected "asc" or "desc", got ${JSON.stringify(order)}`,
      );
    }
    return this.with({ order }, true);
  }

  filter(predicate: (q: FilterBuilder<T>) => Expression<boolean>): OrderedQuery<T> {
    return this.with({ filters: [...this.state.filters, predicate(filterBuilder<T>())] }, true);
  }

  async take(n: number): Promise<T[]> {
    if (!Number.isInteger(n) || n < 0)
      throw new OrreryError("INVALID_ARGUMENT", `take: expected a whole number ≥ 0, got ${n}`);
    return (await this.read(this.state.range, n)).docs;
  }

  async first(): Promise<T | null> {
    return (await this.take(1))[0] ?? null;
  }

  async unique(): Promise<T | null> {
    const docs = await this.take(2);
    if (docs.length > 1) {
      throw new OrreryError(
        "INVALID_ARGUMENT",
        `unique: more than one document in "${this.table.name}" matches the query`,
      );
    }
    return docs[0] ?? null;
  }

  async collect(): Promise<T[]> {
    return (await this.read(this.state.range, Number.POSITIVE_INFINITY)).docs;
  }

  async paginate(options: PaginationOptions): Promise<PaginationResult<T>> {
    const { index, order } = this.state;
    if (!Number.isInteger(options.numItems) || options.numItems < 1) {
      throw new OrreryError(
        "INVALID_ARGUMENT",
        `paginate: numItems must be a whole number ≥ 1, got ${options.numItems}`,
      );
    }
    const start = options.cursor ? decodeCursor(options.cursor, index) : null;
    const end = options.endCursor ? decodeCursor(options.endCursor, index) : null;
    const pageStart = options.cursor ?? encodeCursor(index.name, []);
    // This query only hands out keys of its own range, so a key outside it is another query's
    // or a forged one: it has nothing of this range after it (and nothing to watch).
    if (!this.inRange(start) || !this.inRange(end)) {
      return { page: [], isDone: true, continueCursor: pageStart };
    }
    let range = this.state.range;
    if (start) range = narrow(range, start, order, "start");
    if (end) range = narrow(range, end, order, "end");
    const { docs, lastKey, exhausted } = await this.read(
      range,
      end ? Number.POSITIVE_INFINITY : options.numItems,
    );
    const continueCursor = lastKey ? encodeCursor(index.name, lastKey) : pageStart;
    return { page: docs, isDone: end ? false : exhausted, continueCursor };
  }

  async *[Symbol.asyncIterator](): AsyncIterator<T> {
    let lastKey: IndexKey | null = null;
    let exhausted = false;
    try {
      for await (const { doc, key } of this.reader.scan(
        this.table,
        this.state.index,
        this.state.range,
        this.state.order,
        64,
      )) {
        lastKey = key;
        if (this.matches(doc)) yield doc as unknown as T;
      }
      exhausted = true;
    } catch (error) {
      this.recordFailed(this.state.range);
      throw error;
    } finally {
      this.record(this.state.range, lastKey, exhausted);
    }
  }

  private async read(range: KeyRange, limit: number) {
    const docs: T[] = [];
    let lastKey: IndexKey | null = null;
    let exhausted = true;
    if (limit > 0) {
      const hint = Number.isFinite(limit) ? limit : 64;
      try {
        for await (const { doc, key } of this.reader.scan(
          this.table,
          this.state.index,
          range,
          this.state.order,
          hint,
        )) {
          lastKey = key;
          if (this.matches(doc)) docs.push(doc as unknown as T);
          if (docs.length >= limit) {
            exhausted = false;
            break;
          }
        }
      } catch (error) {
        this.recordFailed(range);
        throw error;
      }
    } else {
      exhausted = false;
    }
    this.record(range, lastKey, exhausted);
    return { docs, lastKey, exhausted };
  }

  /**
   * A scan that failed (its database unreachable) is recorded whole, as a point read is before
   * it runs: a live query that failed is then re-run by the first commit into that range, the
   * first sign its database is back, instead of waiting for its retry backoff (up to 30 s).
   */
  private recordFailed(range: KeyRange): void {
    this.readLog.push({ table: this.table.name, index: this.state.index.name, range });
  }

  private record(range: KeyRange, lastKey: IndexKey | null, exhausted: boolean): void {
    if (!exhausted && !lastKey) return;
    const read = exhausted || !lastKey ? range : narrow(range, lastKey, this.state.order, "end");
    this.readLog.push({ table: this.table.name, index: this.state.index.name, range: read });
  }

  /** The empty key (an empty first page's cursor) stands for the start of any range. */
  private inRange(cursorKey: IndexKey | null): boolean {
    return !cursorKey || cursorKey.length === 0 || rangeContains(this.state.range, cursorKey);
  }

  private matches(doc: Doc): boolean {
    return this.state.filters.every((filter) => filter.evaluate(doc) === true);
  }

  private with(changes: Partial<QueryState>, indexChosen: boolean): TableQuery<T> {
    return new TableQuery<T>(
      this.reader,
      this.table,
      this.readLog,
      { ...this.state, ...changes },
      indexChosen,
    );
  }
}

/**
 * Cuts a range at a key, in scan order: "start" keeps what comes after the key, "end" keeps
 * what comes up to and including it. The cut is intersected with the range, never swapped in
 * for one of its bounds, so the result stays within the range whatever the key. The empty key
 * (the cursor of an empty first page) cuts nothing, so a later page starts from the beginning.
 */
function narrow(range: KeyRange, key: IndexKey, order: Order, side: "start" | "end"): KeyRange {
  if (key.length === 0) return range;
  const cutsLower = (order === "asc") === (side === "start");
  const bound = { key, inclusive: side === "end" };
  return intersectRanges(
    range,
    cutsLower ? { ...FULL_RANGE, lower: bound } : { ...FULL_RANGE, upper: bound },
  );
}
