import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { schemaDdl, seedId, systemTablesDdl } from "@orrery/schema";
import { describe, expect, it } from "vitest";
import { conformanceSchema } from "../src/conformance";
import { insertWithId } from "../src/db/database";
import { createDurableSqliteExec } from "../src/engines/durable-sqlite-exec";
import { Store } from "../src/store";

describe("insertWithId (the admin seed route's insert under a stable id)", () => {
  it("inserts under the given id; refuses an id in use and one that is not a document id", async () => {
    const stub = env.CONFORMANCE.getByName(crypto.randomUUID());
    await runInDurableObject(stub, async (_instance, state) => {
      const exec = createDurableSqliteExec(state.storage);
      for (const sql of [
        ...schemaDdl(conformanceSchema, "sqlite", { onlyPlain: true }),
        ...systemTablesDdl("sqlite", "home"),
      ])
        await exec.run({ sql, params: [] });
      const store = await Store.open({ schema: conformanceSchema, namespace: "seed", exec, now: () => 1234 });
      const id = seedId("tallies", { name: "t" });
      await store.mutate((db) => insertWithId(db, "tallies", id, { name: "t", value: 1n }));
      expect((await store.query((db) => db.get("tallies", id as never))).value).toEqual({
        _id: id,
        _creationTime: 1234,
        _version: 1,
        name: "t",
        value: 1n,
      });
      await expect(
        store.mutate((db) => insertWithId(db, "tallies", id, { name: "t", value: 2n })),
      ).rejects.toMatchObject({ code: "CONFLICT" });
      await expect(
        store.mutate((db) => insertWithId(db, "tallies", "not-an-id", { name: "t", value: 2n })),
      ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
      await expect(
        store.mutate((db) => insertWithId(db, "tallies", seedId("tallies", { name: "u" }), { name: 5 })),
      ).rejects.toMatchObject({ code: "INVALID_ARGUMENT" });
    });
  });
});
