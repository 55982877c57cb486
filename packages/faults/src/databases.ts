import { type DatabaseServer, startMariaDb, startPostgres } from "@orrery/test-harness";
import mysql from "mysql2/promise";
import postgres from "postgres";

export type Backend = "d1" | "postgres" | "mysql";

/** The backend's Hyperdrive binding in the root wrangler.jsonc, and how errors name it. */
export const BINDING = { postgres: "HYPERDRIVE_PG", mysql: "HYPERDRIVE_MYSQL" } as const;
export const LABEL = {
  postgres: `Postgres (Hyperdrive binding "HYPERDRIVE_PG")`,
  mysql: `MySQL (Hyperdrive binding "HYPERDRIVE_MYSQL")`,
} as const;

/**
 * The `.global()` tables' database seen from outside Orrery: SQL run directly on it, as
 * another service or `psql` would (the outside writer, and the checks of what really landed).
 */
export interface OutsideSql {
  /** Adds `amount` to an order's total and bumps its `_version`, as a careful outside writer must. */
  addToOrder(namespace: string, id: string, amount: number): Promise<number>;
  end(): Promise<void>;
}

/** A harness server (Postgres 15 or MariaDB 10.11) with a direct connection to it. */
export interface ExternalDatabase extends OutsideSql {
  readonly engine: "postgres" | "mysql";
  readonly server: DatabaseServer;
  /** The env that points `pnpm start --env <engine>` at it. */
  readonly processEnv: Record<string, string>;
}

export async function startExternalDatabase(engine: "postgres" | "mysql"): Promise<ExternalDatabase> {
  const server = engine === "postgres" ? await startPostgres() : await startMariaDb();
  const processEnv = { [`CLOUDFLARE_HYPERDRIVE_LOCAL_CONNECTION_STRING_${BINDING[engine]}`]: server.url };
  if (engine === "postgres") {
    // Short timeouts: during an outage the writer's own calls fail, and it tries again later.
    const sql = postgres(server.url, {
      max: 1,
      connect_timeout: 2,
      idle_timeout: 1,
      onnotice: () => undefined,
    });
    return {
      engine,
      server,
      processEnv,
      async addToOrder(namespace, id, amount) {
        const result = await sql.unsafe(
          `UPDATE "orders" SET "total" = "total" + $1, "_version" = "_version" + 1 WHERE "_namespace" = $2 AND "_id" = $3`,
          [amount, namespace, id],
        );
        return result.count;
      },
      end: () => sql.end({ timeout: 1 }),
    };
  }
  const pool = mysql.createPool({ uri: server.url, connectionLimit: 1, connectTimeout: 2_000 });
  return {
    engine,
    server,
    processEnv,
    async addToOrder(namespace, id, amount) {
      const [result] = await pool.query<mysql.ResultSetHeader>(
        "UPDATE `orders` SET `total` = `total` + ?, `_version` = `_version` + 1 WHERE `_namespace` = ? AND `_id` = ?",
        [amount, namespace, id],
      );
      return result.affectedRows;
    },
    end: () => pool.end(),
  };
}

/**
 * Local D1 seen from outside: the local twin of D1's HTTP API (`POST …/d1/database/<id>/raw`)
 * that `wrangler dev` serves at `/cdn-cgi/explorer/api`, as `wrangler d1 execute --remote` or
 * another service would write a deployed D1. It runs in the same runtime as the worker, so
 * D1 orders it with the worker's own statements (writing the SQLite file from another process
 * instead makes workerd fail the worker's queries with "internal error": it owns that file).
 */
export function localD1(serverUrl: string): OutsideSql {
  const api = `${serverUrl}/cdn-cgi/explorer/api/d1/database`;
  let uuid: string | undefined;
  return {
    async addToOrder(namespace, id, amount) {
      uuid ??= (
        (await (await fetch(api)).json()) as { result: { name: string; uuid: string }[] }
      ).result.find((db) => db.name === "DB")?.uuid;
      if (!uuid) throw new Error(`${api}: no D1 database "DB"`);
      const response = await fetch(`${api}/${uuid}/raw`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          // The API takes its parameters as strings.
          sql: `UPDATE orders SET total = total + ${Number(amount)}, _version = _version + 1 WHERE _namespace = ? AND _id = ?`,
          params: [namespace, id],
        }),
      });
      const body = (await response.json()) as { success: boolean; result?: { meta: { changes: number } }[] };
      if (!body.success) throw new Error(`${api}: ${JSON.stringify(body).slice(0, 300)}`);
      return body.result?.[0]?.meta.changes ?? 0;
    },
    end: async () => undefined,
  };
}
