import { type ExternalEngine, SYSTEM_TABLES, systemTablesDdl } from "@orrery/schema";
import mysql from "mysql2/promise";
import postgres from "postgres";
import { UsageError } from "../command";
import type { DatabaseUrl } from "../database-url";

const RECORD = SYSTEM_TABLES.migrations;

/** A fixed key for `pg_advisory_lock`: "orrery" in ASCII. */
export const PG_LOCK_KEY = "122545906365049";
/** The MySQL `GET_LOCK` name, and how long a runner waits for it. */
export const MYSQL_LOCK_NAME = "orrery_migrate";
const LOCK_TIMEOUT_SECONDS = 300;

export interface AppliedMigration {
  readonly name: string;
  readonly checksum: string;
  readonly appliedAt: number;
}

/** A statement of a migration failed; `index` counts from 0. */
export class StatementFailure extends Error {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {
    super((error as Error)?.message ?? String(error));
  }
}

/** One external database as `orrery migrate` uses it. */
export interface MigrationDatabase {
  readonly engine: ExternalEngine;
  /** `postgres://user@host:port/db`, without the password. */
  readonly label: string;
  /** Waits for the migrate lock (one runner at a time), and creates the record table. */
  lock(): Promise<void>;
  unlock(): Promise<void>;
  /** The record, by name; empty when the record table does not exist yet. */
  applied(): Promise<AppliedMigration[]>;
  /**
   * Runs the statements and records (`up`) or forgets (`down`) the migration: in one transaction
   * on Postgres; one statement at a time on MySQL, recorded only when every statement ran.
   * Throws `StatementFailure` naming the statement that failed.
   */
  run(direction: "up" | "down", name: string, checksum: string, statements: readonly string[]): Promise<void>;
  close(): Promise<void>;
}

function labelOf(target: DatabaseUrl): string {
  return `${target.engine}://${target.user ? `${target.user}@` : ""}${target.host}:${target.port}/${target.database}`;
}

function connectError(target: DatabaseUrl, error: unknown): UsageError {
  const engineName = target.engine === "postgres" ? "Postgres" : "MySQL";
  const reason = ((error as Error)?.message ?? String(error)).split("\n")[0];
  return new UsageError(
    `cannot connect to ${engineName} at ${target.host}:${target.port} as user "${target.user}": ${reason}`,
    1,
  );
}

export async function openDatabase(target: DatabaseUrl): Promise<MigrationDatabase> {
  return target.engine === "postgres" ? openPostgres(target) : openMysql(target);
}

async function openPostgres(target: DatabaseUrl): Promise<MigrationDatabase> {
  // Two connections: one holds the advisory lock for the whole run, the other runs migrations.
  const sql = postgres(target.url, { max: 2, connect_timeout: 10, onnotice: () => undefined });
  let lockConnection: postgres.ReservedSql | undefined;
  try {
    await sql`SELECT 1`;
  } catch (error) {
    await sql.end({ timeout: 1 }).catch(() => undefined);
    throw connectError(target, error);
  }
  const table = `"${RECORD.name}"`;
  const db: MigrationDatabase = {
    engine: "postgres",
    label: labelOf(target),
    async lock() {
      lockConnection = await sql.reserve();
      await lockConnection.unsafe(`SET lock_timeout = '${LOCK_TIMEOUT_SECONDS}s'`);
      await lockConnection.unsafe(`SELECT pg_advisory_lock(${PG_LOCK_KEY})`);
      for (const statement of systemTablesDdl("postgres", "migrator")) await sql.unsafe(statement);
    },
    async unlock() {
      if (!lockConnection) return;
      const held = lockConnection;
      lockConnection = undefined;
      try {
        await held.unsafe(`SELECT pg_advisory_unlock(${PG_LOCK_KEY})`);
      } finally {
        held.release();
      }
    },
    async applied() {
      try {
        const rows = await sql.unsafe<{ name: string; checksum: string; applied_at: string }[]>(
          `SELECT "name", "checksum", "applied_at" FROM ${table} ORDER BY "name"`,
        );
        return rows.map((r) => ({ name: r.name, checksum: r.checksum, appliedAt: Number(r.applied_at) }));
      } catch (error) {
        if ((error as { code?: string }).code === "42P01") return [];
        throw error;
      }
    },
    async run(direction, name, checksum, statements) {
      await sql.begin(async (tx) => {
        for (const [index, statement] of statements.entries()) {
          try {
            await tx.unsafe(statement);
          } catch (error) {
            throw new StatementFailure(index, error);
          }
        }
        if (direction === "up")
          await tx.unsafe(`INSERT INTO ${table} ("name", "checksum", "applied_at") VALUES ($1, $2, $3)`, [
            name,
            checksum,
            Date.now(),
          ]);
        else await tx.unsafe(`DELETE FROM ${table} WHERE "name" = $1`, [name]);
      });
    },
    async close() {
      await db.unlock().catch(() => undefined);
      await sql.end({ timeout: 5 });
    },
  };
  return db;
}

async function openMysql(target: DatabaseUrl): Promise<MigrationDatabase> {
  let connection: mysql.Connection;
  try {
    connection = await mysql.createConnection({
      // The URL as given, so its query (e.g. `?ssl={"rejectUnauthorized":true}`) is honoured.
      uri: target.url,
      connectTimeout: 10_000,
      multipleStatements: false,
      supportBigNumbers: true,
      bigNumberStrings: true,
    });
  } catch (error) {
    throw connectError(target, error);
  }
  if (!target.database) {
    await connection.end();
    throw new UsageError("the MySQL URL names no database (mysql://user:password@host:port/<database>)");
  }
  const table = `\`${RECORD.name}\``;
  let locked = false;
  const db: MigrationDatabase = {
    engine: "mysql",
    label: labelOf(target),
    async lock() {
      const [rows] = await connection.query<mysql.RowDataPacket[]>("SELECT GET_LOCK(?, ?) AS got", [
        MYSQL_LOCK_NAME,
        LOCK_TIMEOUT_SECONDS,
      ]);
      if (Number(rows[0]?.got) !== 1)
        throw new UsageError(
          `another orrery migrate held the lock "${MYSQL_LOCK_NAME}" for ${LOCK_TIMEOUT_SECONDS}s; try again`,
          1,
        );
      locked = true;
      for (const statement of systemTablesDdl("mysql", "migrator")) await connection.query(statement);
    },
    async unlock() {
      if (!locked) return;
      locked = false;
      await connection.query("SELECT RELEASE_LOCK(?)", [MYSQL_LOCK_NAME]);
    },
    async applied() {
      try {
        const [rows] = await connection.query<mysql.RowDataPacket[]>(
          `SELECT \`name\`, \`checksum\`, \`applied_at\` FROM ${table} ORDER BY \`name\``,
        );
        return rows.map((r) => ({
          name: String(r.name),
          checksum: String(r.checksum),
          appliedAt: Number(r.applied_at),
        }));
      } catch (error) {
        if ((error as { errno?: number }).errno === 1146) return [];
        throw error;
      }
    },
    async run(direction, name, checksum, statements) {
      // MySQL commits DDL as it goes: there is no transaction to undo a half-applied migration.
      for (const [index, statement] of statements.entries()) {
        try {
          await connection.query(statement);
        } catch (error) {
          throw new StatementFailure(index, error);
        }
      }
      if (direction === "up")
        await connection.query(
          `INSERT INTO ${table} (\`name\`, \`checksum\`, \`applied_at\`) VALUES (?, ?, ?)`,
          [name, checksum, Date.now()],
        );
      else await connection.query(`DELETE FROM ${table} WHERE \`name\` = ?`, [name]);
    },
    async close() {
      await db.unlock().catch(() => undefined);
      await connection.end();
    },
  };
  return db;
}
