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

/**
 * The production layout with this driver as the external engine: plain tables and the commit
 * log in one space (standing in for the Durable Object's SQLite), `.global()` tables and the
 * commit markers in another, on their own pool. Cross-engine commits run across the two.
 */
export function splitConformanceEngine(name: string, driver: Driver): StoreEngine {
  const engine = engineOf(driver);
  const homeDdl = [
    ...schemaDdl(conformanceSchema, engine, { onlyPlain: true }),
    ...systemTablesDdl(engine, "home"),
  ];
  const globalDdl = [
    ...schemaDdl(conformanceSchema, engine, { onlyGlobal: true }),
    ...systemTablesDdl(engine, "global"),
  ];
  return {
    name,
    crossEngine: true,
    async withDatabase(body: (fixture: EngineFixture) => Promise<void>) {
      const home = await openSpace(driver, homeDdl);
      try {
        const global = await openSpace(driver, globalDdl);
        try {
          await body({
            exec: home.exec,
            external: home.external,
            globalExec: global.exec,
            externalGlobal: global.external,
          });
        } finally {
          await global.end();
        }
      } finally {
        await home.end();
      }
    },
  };
}
