import { expect } from "vitest";
import type { CaseContext, ConformanceCase } from "../harness";

async function seedPosts({ open }: CaseContext) {
  const store = await open();
  const { value: authors } = await store.mutate(async (db) => {
    const ada = await db.insert("authors", { name: "Ada" });
    const bob = await db.insert("authors", { name: "Bob" });
    const rows: [string, string, number, boolean][] = [
      [ada, "a1", 5, true],
      [ada, "a2", 1, false],
      [bob, "b1", 3, true],
      [ada, "a3", 3, true],
      [bob, "b2", -2, false],
      [bob, "b3", 8, true],
    ];
    for (const [author, title, score, published] of rows) {
      await db.insert("posts", { author: author as never, title, score, published, tags: [] });
    }
    return { ada, bob };
  });
  return { store, ...authors };
}

const titles = (docs: { title: string }[]) => docs.map((d) => d.title);

export const queryCases: ConformanceCase[] = [
  {
    name: "withIndex eq returns the matching documents in index order, asc and desc",
    async run(context) {
      const { store, ada } = await seedPosts(context);
      const { value } = await store.query(async (db) => ({
        asc: titles(
          await db
            .query("posts")
            .withIndex("by_author", (q) => q.eq("author", ada as never))
            .collect(),
        ),
        desc: titles(
          await db
            .query("posts")
            .withIndex("by_author", (q) => q.eq("author", ada as never))
            .order("desc")
            .collect(),
        ),
      }));
      expect(value.asc).toEqual(["a1", "a2", "a3"]);
      expect(value.desc).toEqual(["a3", "a2", "a1"]);
    },
  },
  {
    name: "range bounds gt, gte, lt, lte and eq followed by a range",
    async run(context) {
      const { store } = await seedPosts(context);
      const { value } = await store.query(async (db) => {
        type Range = Parameters<ReturnType<typeof db.query<"posts">>["withIndex"]>[1];
        const byScore = (_index: "by_score", range: Range) => db.query("posts").withIndex("by_score", range);
        return {
          gt3: titles(await byScore("by_score", (q) => q.gt("score", 3)).collect()),
          gte3: titles(await byScore("by_score", (q) => q.gte("score", 3)).collect()),
          lt3: titles(await byScore("by_score", (q) => q.lt("score", 3)).collect()),
          lte3: titles(await byScore("by_score", (q) => q.lte("score", 3)).collect()),
          between: titles(await byScore("by_score", (q) => q.gt("score", -2).lt("score", 8)).collect()),
          publishedAbove3: titles(
            await db
              .query("posts")
              .withIndex("by_published_score", (q) => q.eq("published", true).gte("score", 3))
              .order("desc")
              .collect(),
          ),
        };
      });
      expect(value.gt3).toEqual(["a1", "b3"]);
      expect(value.gte3).toEqual(["b1", "a3", "a1", "b3"]);
      expect(value.lt3).toEqual(["b2", "a2"]);
      expect(value.lte3).toEqual(["b2", "a2", "b1", "a3"]);
      expect(value.between).toEqual(["a2", "b1", "a3", "a1"]);
      expect(value.publishedAbove3).toEqual(["b3", "a1", "a3", "b1"]);
    },
  },
  {
    name: "filter, take, first, unique and collect",
    async run(context) {
      const { store, bob } = await seedPosts(context);
      const { value } = await store.query(async (db) => ({
        unpublished: titles(
          await db
            .query("posts")
            .filter((q) => q.eq(q.field("published"), false))
            .collect(),
        ),
        combined: titles(
          await db
            .query("posts")
            .withIndex("by_score")
            .filter((q) =>
              q.or(
                q.lt(q.field("score"), 0),
                q.and(q.gte(q.field("score"), 5), q.not(q.eq(q.field("title"), "b3"))),
              ),
            )
            .collect(),
        ),
        top2: titles(await db.query("posts").withIndex("by_score").order("desc").take(2)),
        first: (await db.query("posts").first())?.title,
        none: await db
          .query("posts")
          .withIndex("by_score", (q) => q.gt("score", 100))
          .first(),
        uniqueBob: (
          await db
            .query("authors")
            .withIndex("by_name", (q) => q.eq("name", "Bob"))
            .unique()
        )?._id,
        filteredTake: titles(
          await db
            .query("posts")
            .filter((q) => q.neq(q.field("author"), bob))
            .take(2),
        ),
      }));
      expect(value.unpublished).toEqual(["a2", "b2"]);
      expect(value.combined).toEqual(["b2", "a1"]);
      expect(value.top2).toEqual(["b3", "a1"]);
      expect(value.first).toBe("a1");
      expect(value.none).toBeNull();
      expect(value.uniqueBob).toBe(bob);
      expect(value.filteredTake).toEqual(["a1", "a2"]);
      await expect(
        store.query((db) =>
          db
            .query("posts")
            .withIndex("by_score", (q) => q.gte("score", 3))
            .unique(),
        ),
      ).rejects.toThrow(/more than one/);
    },
  },
  {
    name: "the default order is creation order; async iteration works",
    async run(context) {
      const { store } = await seedPosts(context);
      const { value } = await store.query(async (db) => {
        const seen: string[] = [];
        for await (const post of db.query("posts")) seen.push(post.title);
        return seen;
      });
      expect(value).toEqual(["a1", "a2", "b1", "a3", "b2", "b3"]);
    },
  },
  {
    name: "misused indexes and ranges are clear errors",
    async run({ open }) {
      const store = await open();
      await expect(
        store.query((db) =>
          db
            .query("posts")
            .withIndex("by_nothing" as never)
            .collect(),
        ),
      ).rejects.toThrow(/table "posts" has no index "by_nothing"/);
      await expect(
        store.query((db) =>
          db
            .query("posts")
            .withIndex("by_published_score", (q) => q.eq("score", 1))
            .collect(),
        ),
      ).rejects.toThrow(/expected eq on "published", got "score"/);
      await expect(store.query((db) => db.query("posts").take(-1))).rejects.toThrow(/take/);
    },
  },
  {
    name: "strings order by code point and int64 keys by value on every engine",
    async run({ open }) {
      const store = await open();
      const names = ["b", "B", "a", "é", "😀", "\uFFFD", "", "ab"];
      await store.mutate(async (db) => {
        for (const name of names)
          await db.insert("tallies", { name, value: BigInt(name.length) - 2n ** 62n });
      });
      const { value } = await store.query((db) => db.query("tallies").withIndex("by_name").collect());
      expect(value.map((d) => d.name)).toEqual(["", "B", "a", "ab", "b", "é", "\uFFFD", "😀"]);
      expect(value[0]?.value).toBe(-(2n ** 62n));
    },
  },
];
