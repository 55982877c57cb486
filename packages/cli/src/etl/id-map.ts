import type { SqliteDatabase } from "./sqlite";

/** The id map while a run works: a temporary table of the in-memory source database. */
export const ID_MAP_TABLE = "temp.orrery_etl_ids";
const STAGED = "temp.orrery_etl_staged";

/** One entry of the id map: the `_id` a source row has, and whether the target has it yet. */
export interface MappedId {
  readonly docId: string;
  /** Minted by this run and not yet written (with its row) to the target. */
  readonly pending: boolean;
}

/**
 * The old→new id map while a run works, kept in a temporary table of the in-memory source
 * database rather than in JS: memory stays flat however many rows there are, and the rows'
 * queries join it (see `sourceChunks`), so most ids cost no lookup at all. Filled from the
 * target's `_orrery_etl_ids` at the start; the target's copy is the one that lasts.
 */
export class IdMap {
  constructor(private readonly db: SqliteDatabase) {
    for (const table of [ID_MAP_TABLE, STAGED])
      db.run(
        `CREATE TABLE IF NOT EXISTS ${table} (source_table TEXT NOT NULL, source_id TEXT NOT NULL, doc_id TEXT NOT NULL, pending INTEGER NOT NULL, PRIMARY KEY (source_table, source_id)) WITHOUT ROWID`,
      );
  }

  private insert(
    table: string,
    sourceTable: string,
    entries: Iterable<readonly [string, string]>,
    pending: boolean,
  ) {
    const statement = this.db.prepare(
      `INSERT OR REPLACE INTO ${table} (source_table, source_id, doc_id, pending) VALUES (?, ?, ?, ?)`,
    );
    try {
      this.db.run("SAVEPOINT orrery_etl_ids");
      for (const [sourceId, docId] of entries) statement.run([sourceTable, sourceId, docId, pending ? 1 : 0]);
      this.db.run("RELEASE orrery_etl_ids");
    } finally {
      statement.free();
    }
  }

  /** Adds (or replaces) entries of one source table. */
  add(
    sourceTable: string,
    entries: Iterable<readonly [sourceId: string, docId: string]>,
    pending: boolean,
  ): void {
    this.insert(ID_MAP_TABLE, sourceTable, entries, pending);
  }

  /**
   * Sets new entries aside while their table's rows are still being read (the rows' query
   * joins the map); {@link commitStaged} adds them once the table is done.
   */
  stage(sourceTable: string, entries: Iterable<readonly [sourceId: string, docId: string]>): void {
    this.insert(STAGED, sourceTable, entries, true);
  }

  commitStaged(): void {
    this.db.run(`INSERT OR REPLACE INTO ${ID_MAP_TABLE} SELECT * FROM ${STAGED}`);
    this.db.run(`DELETE FROM ${STAGED}`);
  }

  /** The entries of these source ids (those it has). */
  lookup(sourceTable: string, sourceIds: readonly string[]): Map<string, MappedId> {
    const found = new Map<string, MappedId>();
    if (sourceIds.length === 0) return found;
    // The ids go to SQLite as one JSON array, not one bound parameter each.
    for (const row of this.db.iterate(
      `SELECT source_id, doc_id, pending FROM ${ID_MAP_TABLE} WHERE source_table = ? AND source_id IN (SELECT value FROM json_each(?))`,
      [sourceTable, JSON.stringify(sourceIds)],
    ))
      found.set(String(row.source_id), { docId: String(row.doc_id), pending: row.pending === 1 });
    return found;
  }
}
