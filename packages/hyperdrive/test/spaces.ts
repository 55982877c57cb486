import type { ExternalEngine } from "@orrery/schema";
import type { SqlExec } from "@orrery/store";
import { buildMysqlExec, buildPgExec } from "../src/global";
import { freshName, mysqlPool, nodePgPool, postgresJs } from "./databases";

export type Driver = "postgres.js" | "node-pg" | "mysql2";

export const engineOf = (driver: Driver): ExternalEngine => (driver === "mysql2" ? "mysql" : "postgres");

/**
 * A fresh, empty database space on the test servers: a Postgres schema (the clients'
 * `search_path`) or a MariaDB database. `exec` is the store's pool; `external` is a separate
 * pool, so its writes are really concurrent with the store's. `end()` closes both and drops it.
 */
export interface Space {
  readonly driver: Driver;
  readonly name: string;
  readonly exec: SqlExec;
  readonly external: SqlExec;
  end(): Promise<void>;
}

export async function openSpace(driver: Driver, ddl: readonly string[]): Promise<Space> {
  const name = freshName("space");
  const space = driver === "mysql2" ? await mysqlSpace(name) : await pgSpace(driver, name);
  try {
    for (const sql of ddl) await space.exec.run({ sql, params: [] });
  } catch (error) {
    await space.end();
    throw error;
  }
  return space;
}

async function pgSpace(driver: "postgres.js" | "node-pg", name: string): Promise<Space> {
  const admin = postgresJs(undefined, { max: 1 });
  await admin.unsafe(`CREATE SCHEMA "${name}"`);
  const drop = async () => {
    await admin.unsafe(`DROP SCHEMA "${name}" CASCADE`);
    await admin.end();
  };
  if (driver === "postgres.js") {
    const sql = postgresJs(name);
    const outside = postgresJs(name, { max: 1 });
    return {
      driver,
      name,
      exec: buildPgExec(sql),
      external: buildPgExec(outside),
      async end() {
        await Promise.all([sql.end(), outside.end()]);
        await drop();
      },
    };
  }
  const pool = nodePgPool(name);
  const outside = nodePgPool(name, { max: 1 });
  return {
    driver,
    name,
    exec: buildPgExec(pool),
    external: buildPgExec(outside),
    async end() {
      await Promise.all([pool.end(), outside.end()]);
      await drop();
    },
  };
}

async function mysqlSpace(name: string): Promise<Space> {
  const admin = mysqlPool(undefined, { connectionLimit: 1 });
  await admin.query(`CREATE DATABASE \`${name}\``);
  // disableEval: the row parsers Workers need (no code generation at run time).
  const pool = mysqlPool(name, { disableEval: true });
  const outside = mysqlPool(name, { connectionLimit: 1, disableEval: true });
  const end = async () => {
    await Promise.all([pool.end(), outside.end()]);
    await admin.query(`DROP DATABASE \`${name}\``);
    await admin.end();
  };
  try {
    return {
      driver: "mysql2",
      name,
      exec: await buildMysqlExec(pool),
      external: await buildMysqlExec(outside),
      end,
    };
  } catch (error) {
    await end();
    throw error;
  }
}
