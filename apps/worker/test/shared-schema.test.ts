import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

// Tables and indexes only; each side's own bookkeeping (migration tables, internals) is left out.
const SCHEMA_SQL =
  "SELECT type, name, tbl_name, sql FROM sqlite_master WHERE type IN ('table', 'index') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name NOT LIKE '%drizzle_migrations%' AND name NOT LIKE 'd1_%' ORDER BY type, name";

describe("one drizzle migrations folder for D1 and the Durable Objects", () => {
  it("leaves both with the same tables and indexes", async () => {
    const d1 = (await env.DB.prepare(SCHEMA_SQL).all()).results;
    const stub = env.GLOBAL_STORE.getByName(`schema-${crypto.randomUUID()}`);
    const durable = await runInDurableObject(stub, (_instance, state) =>
      state.storage.sql.exec(SCHEMA_SQL).toArray(),
    );
    expect(d1.map((row) => (row as { name: string }).name)).toEqual(
      expect.arrayContaining([
        "tasks",
        "counters",
        "orders",
        "_orrery_commits",
        "tasks__by_owner_list",
        "orders__by_customer",
      ]),
    );
    expect(durable).toEqual(d1);
  });
});
