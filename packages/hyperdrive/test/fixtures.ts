import { createTableSql, defineSchema, defineTable, systemTablesDdl, v } from "@orrery/schema";
import { Store } from "@orrery/store";
import { createHyperdriveGlobalCtxDb, type GlobalBackend } from "../src/global";
import { type Driver, engineOf, openSpace, type Space } from "./spaces";

/** A small app schema whose `.global()` tables live in the Hyperdrive backend. */
export const appSchema = defineSchema({
  counters: defineTable({ name: v.string(), value: v.int64() }).index("by_name", ["name"]).global(),
  samples: defineTable({
    big: v.int64(),
    ratio: v.number(),
    flag: v.boolean(),
    blob: v.bytes(),
    text: v.string(),
    maybe: v.optional(v.string()),
    doc: v.any(),
  }).global(),
  notes: defineTable({ body: v.string() }),
});

export type AppSchema = typeof appSchema;

/**
 * A store whose home engine (commit log, plain tables) is one space and whose `.global()`
 * tables are a {@link GlobalBackend} in another space, as in production where home is the
 * Durable Object's SQLite.
 */
export interface SplitStore {
  readonly home: Space;
  readonly global: Space;
  readonly backend: GlobalBackend<AppSchema>;
  open(namespace?: string): Promise<Store<AppSchema>>;
  end(): Promise<void>;
}

let namespaces = 0;

export async function openSplitStore(driver: Driver): Promise<SplitStore> {
  const engine = engineOf(driver);
  const plainTables = Object.entries(appSchema.tables).filter(([, table]) => !table.isGlobal);
  const home = await openSpace(driver, [
    ...plainTables.flatMap(([name, table]) => createTableSql(name, table, engine)),
    ...systemTablesDdl(engine),
  ]);
  const global = await openSpace(driver, []);
  const backend = createHyperdriveGlobalCtxDb({ engine, exec: global.exec, schema: appSchema });
  await backend.ensureTables();
  const namespace = `ns-${namespaces++}`;
  return {
    home,
    global,
    backend,
    open: (ns = namespace) =>
      Store.open({
        schema: appSchema,
        namespace: ns,
        exec: home.exec,
        globalExec: backend.exec,
        retry: { baseDelayMs: 1, maxDelayMs: 5, maxAttempts: 50 },
      }),
    async end() {
      await Promise.all([home.end(), global.end()]);
    },
  };
}

export const drivers: readonly Driver[] = ["postgres.js", "node-pg", "mysql2"];
