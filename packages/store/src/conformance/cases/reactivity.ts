import { expect } from "vitest";
import type { DatabaseReader } from "../../db/database";
import { SubscriptionIndex } from "../../reactivity/subscription-index";
import type { Store } from "../../store";
import type { ConformanceCase } from "../harness";
import type { ConformanceSchema } from "../schema";

type Db = DatabaseReader<ConformanceSchema>;

export const reactivityCases: ConformanceCase[] = [
  {
    name: "read sets and write sets intersect exactly: touched subscriptions are the ones whose results can change",
    async run({ open }) {
      const store = await open();
      const { value: seed } = await store.mutate(async (db) => {
        const ada = await db.insert("authors", { name: "Ada" });
        const post = (score: number, published: boolean) =>
          db.insert("posts", { author: ada, title: `s${score}`, score, published, tags: [] });
        return { ada, low: await post(1, true), mid: await post(2, false), high: await post(50, true) };
      });
      const subscriptions: Record<string, (db: Db) => Promise<unknown>> = {
        adas: (db) =>
          db
            .query("authors")
            .withIndex("by_name", (q) => q.eq("name", "Ada"))
            .collect(),
        lowest2: (db) => db.query("posts").withIndex("by_score").take(2),
        oneDoc: (db) => db.get("posts", seed.high),
        published: (db) =>
          db
            .query("posts")
            .withIndex("by_published_score", (q) => q.eq("published", true))
            .collect(),
        tallies: (db) => db.query("tallies").first(),
      };
      const index = new SubscriptionIndex<string>();
      const results = new Map<string, string>();
      const refresh = async (name: string) => {
        const outcome = await store.query(subscriptions[name]!);
        index.set(name, outcome.readSet);
        results.set(name, stable(outcome.value));
      };
      for (const name of Object.keys(subscriptions)) await refresh(name);

      const commit = async (write: Parameters<Store<ConformanceSchema>["mutate"]>[0]) => {
        const { writes } = await store.mutate(write);
        const touched = index.affectedBy(writes);
        // No false negatives: every subscription whose result changed was touched.
        for (const name of Object.keys(subscriptions)) {
          const before = results.get(name);
          const after = stable((await store.query(subscriptions[name]!)).value);
          if (after !== before) expect(touched, `${name} changed but was not touched`).toContain(name);
        }
        for (const name of touched) await refresh(name);
        return [...touched].sort();
      };

      expect(await commit((db) => db.insert("authors", { name: "Bob" }))).toEqual([]);
      expect(await commit((db) => db.insert("authors", { name: "Ada" }))).toEqual(["adas"]);
      // Beyond the end of the range take(2) read, and unpublished: touches nothing.
      expect(
        await commit((db) =>
          db.insert("posts", { author: seed.ada, title: "far", score: 1000, published: false, tags: [] }),
        ),
      ).toEqual([]);
      expect(await commit((db) => db.patch("posts", seed.high, { score: -5 }))).toEqual([
        "lowest2",
        "oneDoc",
        "published",
      ]);
      // mid (score 2) now sits past the two lowest (-5 and 1), beyond the range take(2) read.
      expect(await commit((db) => db.patch("posts", seed.mid, { title: "renamed" }))).toEqual([]);
      expect(await commit((db) => db.insert("tallies", { name: "t", value: 1n }))).toEqual(["tallies"]);
      expect(await commit((db) => db.delete("posts", seed.low))).toEqual(["lowest2", "published"]);
    },
  },
];

function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? `${v}n` : v));
}
