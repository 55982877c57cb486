import initSqlJs from "sql.js";
import type { SourceValue } from "./define-etl";

// sql.js: SQLite compiled to WebAssembly, so reading a D1 file needs no native addon (nothing to
// download at install). Its typings predate `get(params, { useBigInt })`, hence this thin layer.

type RawValue = number | bigint | string | Uint8Array | null;
type BindValue = number | bigint | string | Uint8Array | null;

interface RawStatement {
  bind(values?: BindValue[]): boolean;
  step(): boolean;
  get(params: null, config: { useBigInt: boolean }): RawValue[];
  getColumnNames(): string[];
  reset(): void;
  run(): void;
  free(): boolean;
}

interface RawDatabase {
  prepare(sql: string): RawStatement;
  run(sql: string, params?: BindValue[]): void;
  iterateStatements(sql: string): Iterable<RawStatement & { getSQL(): string }>;
  close(): void;
}

type SqlJs = { Database: new (data?: Uint8Array) => RawDatabase };

let sqlJs: Promise<SqlJs> | undefined;
const PAGE_CACHE_KIB = 16 * 1024;
const loadSqlJs = () => (sqlJs ??= initSqlJs() as unknown as Promise<SqlJs>);

// Integers come out of SQLite as bigints (exact); those a double holds exactly become numbers.
const SAFE = BigInt(Number.MAX_SAFE_INTEGER);
function normalize(value: RawValue): SourceValue {
  if (typeof value === "bigint") return value <= SAFE && value >= -SAFE ? Number(value) : value;
  return value;
}

/** A SQLite database in memory (sql.js), read a row at a time. */
export class SqliteDatabase {
  private constructor(private readonly db: RawDatabase) {}

  /** Opens a database file's bytes, or (no bytes) an empty database. */
  static async open(bytes?: Uint8Array): Promise<SqliteDatabase> {
    const { Database } = await loadSqlJs();
    const db = new Database(bytes);
    // sql.js keeps the file in Emscripten's in-memory file system, whose reads and writes are
    // JavaScript: with SQLite's default 2 MB page cache a large table pages through it over
    // and over, and temporary tables (the id map) and sorts would live there too.
    db.run("PRAGMA temp_store = MEMORY");
    db.run(`PRAGMA cache_size = -${PAGE_CACHE_KIB}`);
    return new SqliteDatabase(db);
  }

  /** Runs a statement that returns nothing. */
  run(sql: string, params: BindValue[] = []): void {
    this.db.run(sql, params);
  }

  /**
   * Runs each statement of a script in turn (`keep` may skip one); a failure throws
   * {@link ScriptError} with the failing statement's index.
   */
  runScript(sql: string, keep: (text: string) => boolean): void {
    const statements = this.db.iterateStatements(sql)[Symbol.iterator]();
    for (let index = 0; ; index++) {
      let statement: (RawStatement & { getSQL(): string }) | undefined;
      try {
        const next = statements.next();
        if (next.done) return;
        statement = next.value;
        if (keep(statement.getSQL())) statement.run();
      } catch (error) {
        throw new ScriptError(index, (error as Error).message ?? String(error));
      } finally {
        statement?.free();
      }
    }
  }

  /** A statement run many times (an INSERT per row), until `free`. */
  prepare(sql: string): { run(params: BindValue[]): void; free(): void } {
    const statement = this.db.prepare(sql);
    return {
      run: (params) => {
        statement.bind(params);
        statement.step();
        statement.reset();
      },
      free: () => {
        statement.free();
      },
    };
  }

  /** Every row of a small query (metadata, counts). */
  all(sql: string, params: BindValue[] = []): Record<string, SourceValue>[] {
    return [...this.iterate(sql, params)];
  }

  /** Steps through a query's rows; the statement is freed when the loop ends or breaks. */
  *iterate(sql: string, params: BindValue[] = []): Generator<Record<string, SourceValue>> {
    const { names, rows } = this.iterateValues(sql, params);
    for (const values of rows) {
      const row: Record<string, SourceValue> = {};
      for (let i = 0; i < names.length; i++) row[names[i]!] = values[i]!;
      yield row;
    }
  }

  /** A query's column names, and its rows as arrays of values in that order. */
  iterateValues(sql: string, params: BindValue[] = []): { names: string[]; rows: Generator<SourceValue[]> } {
    const statement = this.db.prepare(sql);
    try {
      statement.bind(params);
    } catch (error) {
      statement.free();
      throw error;
    }
    const names = statement.getColumnNames();
    function* rows(): Generator<SourceValue[]> {
      try {
        while (statement.step()) {
          const values = statement.get(null, { useBigInt: true }) as SourceValue[];
          for (let i = 0; i < values.length; i++) values[i] = normalize(values[i] as RawValue);
          yield values;
        }
      } finally {
        statement.free();
      }
    }
    return { names, rows: rows() };
  }

  close(): void {
    this.db.close();
  }
}

/** A statement of a script failed; `index` counts from 0. */
export class ScriptError extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

/** An identifier for SQLite SQL. */
export const quoteSqlite = (name: string) => `"${name.replaceAll('"', '""')}"`;
