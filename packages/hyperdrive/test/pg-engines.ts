import { schemaDdl, systemTablesDdl } from "@orrery/schema";
import type { SqlExec } from "@orrery/store";
import { conformanceSchema, type EngineFixture, type StoreEngine } from "@orrery/store/conformance";
import { buildPgExec } from "../src/global";
import { freshName, nodePgPool, postgresJs } from "./databases";

const ddl = [...schemaDdl(conformanceSchema, "postgres"), ...systemTablesDdl("postgres")];

interface PgClients {
  /** The store's exec and an outside writer on its own connection(s). */
  readonly exec: SqlExec;
  readonly external: SqlExec;
  end(): Promise<void>;
}

/**
 * Each case runs in a fresh Postgres schema: the clients' `search_path` points there, so the
 * store's unqualified table names land in it. The schema is dropped afterwards.
 */
function pgEngine(name: string, connect: (schema: string) => PgClients): StoreEngine {
  return {
    name,
    async withDatabase(body: (fixture: EngineFixture) => Promise<void>) {
      const schema = freshName("conf");
      const admin = postgresJs(undefined, { max: 1 });
      await admin.unsafe(`CREATE SCHEMA "${schema}"`);
      const clients = connect(schema);
      try {
        for (const sql of ddl) await clients.exec.run({ sql, params: [] });
        await body({ exec: clients.exec, external: clients.external });
      } finally {
        await clients.end();
        await admin.unsafe(`DROP SCHEMA "${schema}" CASCADE`);
        await admin.end();
      }
    },
  };
}

export const postgresJsEngine = pgEngine("Postgres 15 (postgres.js)", (schema) => {
  const sql = postgresJs(schema);
  const outside = postgresJs(schema, { max: 1 });
  return {
    exec: buildPgExec(sql),
    external: buildPgExec(outside),
    end: async () => {
      await Promise.all([sql.end(), outside.end()]);
    },
  };
});

export const nodePgEngine = pgEngine("Postgres 15 (node-pg)", (schema) => {
  const pool = nodePgPool(schema);
  const outside = nodePgPool(schema, { max: 1 });
  return {
    exec: buildPgExec(pool),
    external: buildPgExec(outside),
    end: async () => {
      await Promise.all([pool.end(), outside.end()]);
    },
  };
});
