import { schemaDdl, systemTablesDdl } from "@orrery/schema";
import { conformanceSchema, type EngineFixture, type StoreEngine } from "@orrery/store/conformance";
import { buildMysqlExec } from "../src/global";
import { freshName, mysqlPool } from "./databases";

const ddl = [...schemaDdl(conformanceSchema, "mysql"), ...systemTablesDdl("mysql")];

/** Each case runs in a fresh MariaDB database with its own pool; the database is dropped afterwards. */
export const mysql2Engine: StoreEngine = {
  name: "MariaDB 10.11 (mysql2)",
  async withDatabase(body: (fixture: EngineFixture) => Promise<void>) {
    const database = freshName("conf");
    const admin = mysqlPool(undefined, { connectionLimit: 1 });
    await admin.query(`CREATE DATABASE \`${database}\``);
    const pool = mysqlPool(database);
    const outside = mysqlPool(database, { connectionLimit: 1 });
    try {
      const exec = await buildMysqlExec(pool);
      for (const sql of ddl) await exec.run({ sql, params: [] });
      await body({ exec, external: await buildMysqlExec(outside) });
    } finally {
      await Promise.all([pool.end(), outside.end()]);
      await admin.query(`DROP DATABASE \`${database}\``);
      await admin.end();
    }
  },
};
