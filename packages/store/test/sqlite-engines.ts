import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { schemaDdl, systemTableNames, systemTablesDdl } from "@orrery/schema";
import { conformanceSchema, type StoreEngine } from "../src/conformance";
import { createD1Exec } from "../src/engines/d1-exec";
import { createDurableSqliteExec } from "../src/engines/durable-sqlite-exec";
import type { SqlExec } from "../src/sql/sql-exec";

const conformanceTables = Object.keys(conformanceSchema.tables);

/** Drops and recreates tables so each case starts empty (D1 is one database for the whole file). */
async function recreate(exec: SqlExec, tables: readonly string[], ddl: readonly string[]): Promise<void> {
  for (const table of tables)
    await exec.run({ sql: `DROP TABLE IF EXISTS ${exec.dialect.quote(table)}`, params: [] });
  for (const statement of ddl) await exec.run({ sql: statement, params: [] });
}

const d1 = () => createD1Exec(env.DB);

/** Production's default: plain tables in the namespace's Durable Object, `.global()` tables in D1. */
export const durableObjectEngine: StoreEngine = {
  name: "Durable Object SQLite (.global() tables on D1)",
  crossEngine: true,
  async withDatabase(body) {
    const globalExec = d1();
    await recreate(
      globalExec,
      ["ledger", ...systemTableNames("global")],
      [
        ...schemaDdl(conformanceSchema, "sqlite", { onlyGlobal: true }),
        ...systemTablesDdl("sqlite", "global"),
      ],
    );
    const stub = env.CONFORMANCE.getByName(crypto.randomUUID());
    await runInDurableObject(stub, async (_instance, state) => {
      const exec = createDurableSqliteExec(state.storage);
      for (const statement of [...schemaDdl(conformanceSchema, "sqlite"), ...systemTablesDdl("sqlite")]) {
        await exec.run({ sql: statement, params: [] });
      }
      await body({ exec, globalExec, external: exec, externalGlobal: globalExec });
    });
  },
};

/** Everything on D1, the default backend for `.global()` tables. */
export const d1Engine: StoreEngine = {
  name: "D1",
  async withDatabase(body) {
    const exec = d1();
    await recreate(
      exec,
      [...conformanceTables, ...systemTableNames()],
      [...schemaDdl(conformanceSchema, "sqlite"), ...systemTablesDdl("sqlite")],
    );
    await body({ exec, external: exec });
  },
};
