import { schemaDdl, systemTablesDdl } from "@orrery/schema";
import { conformanceSchema, type EngineFixture, type StoreEngine } from "@orrery/store/conformance";
import { type Driver, engineOf, openSpace } from "./spaces";

/**
 * The store conformance engine for one driver: each case gets a fresh space (a Postgres schema
 * or a MariaDB database) holding the conformance tables and the system tables, and an outside
 * writer on its own pool.
 */
export function conformanceEngine(name: string, driver: Driver): StoreEngine {
  const engine = engineOf(driver);
  const ddl = [...schemaDdl(conformanceSchema, engine), ...systemTablesDdl(engine)];
  return {
    name,
    async withDatabase(body: (fixture: EngineFixture) => Promise<void>) {
      const space = await openSpace(driver, ddl);
      try {
        await body({ exec: space.exec, external: space.external });
      } finally {
        await space.end();
      }
    },
  };
}
