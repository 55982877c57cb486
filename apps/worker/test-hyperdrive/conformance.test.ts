import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { mysql } from "@orrery/cloudflare/mysql";
import { postgres } from "@orrery/cloudflare/postgres";
import { schemaDdl, systemTableNames, systemTablesDdl } from "@orrery/schema";
import type { SqlExec } from "@orrery/store";
import { conformanceSchema, describeStoreConformance, type StoreEngine } from "@orrery/store/conformance";
import { engine } from "./database";

const tables = [...Object.keys(conformanceSchema.tables), ...systemTableNames()];

/**
 * The store's own exec and an outside writer's, each the Worker's lazily built Hyperdrive exec
 * (built inside a Durable Object, which keeps its sockets between calls, as GlobalStore does).
 */
let execs: { exec: SqlExec; external: SqlExec } | undefined;

/** Everything (plain tables, `.global()` tables, commit log) on the Hyperdrive database. */
const hyperdriveEngine: StoreEngine = {
  name: `${engine()} through Hyperdrive, inside workerd`,
  async withDatabase(body) {
    const stub = env.GLOBAL_STORE.getByName("conformance");
    await runInDurableObject(stub, async () => {
      // The Worker's own Hyperdrive backend, as createOrrery builds it for `.global()` tables.
      const backend = engine() === "postgres" ? postgres() : mysql();
      const build = () => backend(env as unknown as Record<string, unknown>, conformanceSchema).exec;
      execs ??= { exec: build(), external: build() };
      const { exec } = execs;
      for (const table of tables)
        await exec.run({ sql: `DROP TABLE IF EXISTS ${exec.dialect.quote(table)}`, params: [] });
      for (const sql of [...schemaDdl(conformanceSchema, engine()), ...systemTablesDdl(engine())])
        await exec.run({ sql, params: [] });
      await body(execs);
    });
  },
};

describeStoreConformance(hyperdriveEngine, {
  only: [
    "an external writer bumping _version forces a retry, which then succeeds",
    "global tables are partitioned by namespace: each store sees and writes only its own rows",
    "an external write to a global row is caught by the guard and retried",
    "a mutation that throws leaves nothing behind and commits no version",
  ],
});
