import { DurableObject } from "cloudflare:workers";
import mysql2 from "mysql2/promise";
import postgres from "postgres";
import { acceptSocket, frameText } from "./accept-socket";
import { closeSocket } from "./close-socket";

/** One raw INSERT of a row through a driver; the connection is built on first use and kept. */
type InsertRow = (id: string, key: string, n: number) => Promise<void>;

/**
 * The raw write path on Postgres or MySQL: a Durable Object that answers each socket frame
 * `{"key","n"}` with one driver round trip, an INSERT through the Hyperdrive binding, and
 * `{"ok":true}` (or `{"ok":false,"error"}`). What one Orrery mutation on a `.global()` table
 * is measured against.
 */
abstract class RawDriver extends DurableObject<Cloudflare.Env> {
  private insert: Promise<InsertRow> | null = null;

  protected abstract openDriver(): Promise<InsertRow>;

  override fetch(request: Request): Response {
    return acceptSocket(this.ctx, request);
  }

  override async webSocketMessage(socket: WebSocket, message: string | ArrayBuffer): Promise<void> {
    const text = frameText(message);
    const { key, n } = JSON.parse(text) as { key: string; n: number };
    try {
      this.insert ??= this.openDriver().catch((error: unknown) => {
        this.insert = null;
        throw error;
      });
      await (await this.insert)(crypto.randomUUID(), key, n);
      socket.send('{"ok":true}');
    } catch (error) {
      socket.send(JSON.stringify({ ok: false, error: String(error) }));
    }
  }

  override webSocketClose(socket: WebSocket, code: number, reason: string): void {
    closeSocket(socket, code, reason);
  }
}

/** The Hyperdrive binding's connection string, or an error naming the binding. */
function hyperdriveOf(env: Cloudflare.Env, binding: "HYPERDRIVE_PG" | "HYPERDRIVE_MYSQL"): Hyperdrive {
  const hyperdrive = env[binding];
  if (!hyperdrive) throw new Error(`no Hyperdrive binding "${binding}" in the bench worker's env`);
  return hyperdrive;
}

/** postgres.js with the options Orrery's `postgres()` backend uses (pool of 5, no type fetch). */
export class RawPostgres extends RawDriver {
  protected async openDriver(): Promise<InsertRow> {
    const sql = postgres(hyperdriveOf(this.env, "HYPERDRIVE_PG").connectionString, {
      max: 5,
      fetch_types: false,
      onnotice: () => undefined,
    });
    await sql`CREATE TABLE IF NOT EXISTS raw_entries (id TEXT PRIMARY KEY, key TEXT NOT NULL, n DOUBLE PRECISION NOT NULL)`;
    return async (id, key, n) => {
      await sql`INSERT INTO raw_entries (id, key, n) VALUES (${id}, ${key}, ${n})`;
    };
  }
}

/** mysql2 with the options Orrery's `mysql()` backend uses (pool of 5, no eval). */
export class RawMysql extends RawDriver {
  protected async openDriver(): Promise<InsertRow> {
    const { host, port, user, password, database } = hyperdriveOf(this.env, "HYPERDRIVE_MYSQL");
    const pool = mysql2.createPool({
      host,
      port,
      user,
      password,
      database,
      disableEval: true,
      connectionLimit: 5,
    });
    await pool.query(
      "CREATE TABLE IF NOT EXISTS raw_entries (id VARCHAR(64) PRIMARY KEY, `key` TEXT NOT NULL, n DOUBLE NOT NULL)",
    );
    return async (id, key, n) => {
      await pool.query("INSERT INTO raw_entries (id, `key`, n) VALUES (?, ?, ?)", [id, key, n]);
    };
  }
}
