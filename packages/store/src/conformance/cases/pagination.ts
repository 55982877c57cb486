import { expect } from "vitest";
import { encodeCursor } from "../../db/cursor";
import type { PaginationOptions, PaginationResult } from "../../db/query";
import type { Order } from "../../db/scan-sql";
import type { ConformanceCase } from "../harness";

/** A cursor with any body, as a client could forge it. */
const forgedCursor = (body: unknown) =>
  btoa(JSON.stringify(body)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");

export const paginationCases: ConformanceCase[] = [
  {
    name: "pagination neither skips nor repeats a row while rows are inserted between pages",
    async run({ open }) {
      const store = await open();
      const { value: author } = await store.mutate((db) => db.insert("authors", { name: "Pager" }));
      const addPosts = (scores: number[]) =>
        store.mutate(async (db) => {
          for (const score of scores) {
            await db.insert("posts", { author, title: `p${score}`, score, published: true, tags: [] });
          }
        });
      const original = Array.from({ length: 25 }, (_, i) => i * 10);
      await addPosts(original);

      const seen: number[] = [];
      let cursor: string | null = null;
      let pages = 0;
      for (;;) {
        const current: string | null = cursor;
        const { value: result }: { value: PaginationResult<{ score: number }> } = await store.query((db) =>
          db.query("posts").withIndex("by_score").paginate({ cursor: current, numItems: 10 }),
        );
        seen.push(...result.page.map((p) => p.score));
        pages++;
        if (pages === 1) await addPosts([5, 95, 155]); // one behind the cursor, two ahead
        if (pages === 2) await addPosts([1000, -1]);
        cursor = result.continueCursor;
        if (result.isDone) break;
        expect(pages).toBeLessThan(10);
      }
      expect(new Set(seen).size).toBe(seen.length);
      for (const score of original) expect(seen).toContain(score);
      expect(seen).toContain(95);
      expect(seen).toContain(155);
      expect(seen).toContain(1000);
      expect(seen).not.toContain(5);
      expect(seen).not.toContain(-1);
      expect(seen).toEqual([...seen].sort((a, b) => a - b));
    },
  },
  {
    name: "descending pages, endCursor re-reads a loaded page, and foreign cursors are refused",
    async run({ open }) {
      const store = await open();
      const { value: author } = await store.mutate((db) => db.insert("authors", { name: "Desc" }));
      await store.mutate(async (db) => {
        for (let score = 1; score <= 7; score++) {
          await db.insert("posts", {
            author,
            title: `p${score}`,
            score,
            published: score % 2 === 0,
            tags: [],
          });
        }
      });
      const page = (cursor: string | null, endCursor?: string) =>
        store.query((db) =>
          db
            .query("posts")
            .withIndex("by_score")
            .order("desc")
            .paginate({ cursor, numItems: 3, endCursor: endCursor ?? null }),
        );
      const first = (await page(null)).value;
      const second = (await page(first.continueCursor)).value;
      const third = (await page(second.continueCursor)).value;
      expect(first.page.map((p) => p.score)).toEqual([7, 6, 5]);
      expect(second.page.map((p) => p.score)).toEqual([4, 3, 2]);
      expect(third.page.map((p) => p.score)).toEqual([1]);
      expect([first.isDone, second.isDone, third.isDone]).toEqual([false, false, true]);

      await store.mutate((db) =>
        db.insert("posts", { author, title: "p5.5", score: 5.5, published: true, tags: [] }),
      );
      const reloaded = (await page(null, first.continueCursor)).value;
      expect(reloaded.page.map((p) => p.score)).toEqual([7, 6, 5.5, 5]);

      await expect(
        store.query((db) =>
          db.query("posts").withIndex("by_author").paginate({ cursor: first.continueCursor, numItems: 2 }),
        ),
      ).rejects.toThrow(/cursor: it belongs to index "by_score", not "by_author"/);
      await expect(
        store.query((db) => db.query("posts").paginate({ cursor: "garbage!", numItems: 2 })),
      ).rejects.toThrow(/not a cursor/);
    },
  },
  {
    name: "a cursor only narrows the query's range: forged and foreign cursors never return rows outside it",
    async run({ open }) {
      const store = await open();
      const { value: authors } = await store.mutate(async (db) => {
        const ada = await db.insert("authors", { name: "Ada" });
        const bob = await db.insert("authors", { name: "Bob" });
        for (let i = 0; i < 5; i++) {
          for (const [author, name] of [
            [ada, "ada"],
            [bob, "bob"],
          ] as const) {
            await db.insert("posts", { author, title: `${name}${i}`, score: i, published: true, tags: [] });
          }
        }
        return { ada, bob };
      });
      const { ada, bob } = authors;
      const byAuthor = async (author: typeof ada, order: Order, options: PaginationOptions) =>
        (
          await store.query((db) =>
            db
              .query("posts")
              .withIndex("by_author", (q) => q.eq("author", author))
              .order(order)
              .paginate(options),
          )
        ).value;
      const leaked = (page: { author: string; title: string }[]) =>
        page.filter((p) => p.author !== ada).map((p) => p.title);

      for (const order of ["asc", "desc"] as const) {
        const adaIds = (await byAuthor(ada, order, { cursor: null, numItems: 100 })).page.map((p) => p._id);
        const bobFirst = await byAuthor(bob, order, { cursor: null, numItems: 2 });
        const bobIds = (await byAuthor(bob, order, { cursor: null, numItems: 100 })).page.map((p) => p._id);
        const foreign = [
          // Bob's real cursor, then keys forged to point into Bob's range and past both ends.
          bobFirst.continueCursor,
          ...bobIds.map((id) => encodeCursor("by_author", [bob, id])),
          encodeCursor("by_author", ["", adaIds[0]]),
          encodeCursor("by_author", ["~", adaIds[0]]),
        ];
        for (const cursor of foreign) {
          const after = await byAuthor(ada, order, { cursor, numItems: 3 });
          expect(leaked(after.page), `${order} cursor`).toEqual([]);
          expect(after, `${order} cursor`).toMatchObject({ page: [], isDone: true });
          const upTo = await byAuthor(ada, order, { cursor: null, numItems: 3, endCursor: cursor });
          expect(leaked(upTo.page), `${order} endCursor`).toEqual([]);
          expect(upTo.page, `${order} endCursor`).toEqual([]);
        }

        // A forged key inside the range is as good as a real cursor; the empty key starts over.
        const inside = await byAuthor(ada, order, {
          cursor: encodeCursor("by_author", [ada, adaIds[1]]),
          numItems: 100,
        });
        expect(inside.page.map((p) => p._id)).toEqual(adaIds.slice(2));
        const fromStart = await byAuthor(ada, order, {
          cursor: encodeCursor("by_author", []),
          numItems: 100,
        });
        expect(fromStart.page.map((p) => p._id)).toEqual(adaIds);

        const refused: [string, RegExp][] = [
          [encodeCursor("by_author", [ada]), /expected a key of 2 values for index "by_author", got 1/],
          [encodeCursor("by_author", [ada, adaIds[0], 3, 4, 5]), /expected a key of 2 values .*got 5/],
          [encodeCursor("by_author", [ada, 42]), /cursor: .*_id/],
          [encodeCursor("by_author", [null, adaIds[0]]), /cursor: .*author/],
          [forgedCursor(null), /cursor: /],
          [forgedCursor([1, 2]), /cursor: /],
          [forgedCursor({ k: [] }), /cursor: /],
          [forgedCursor({ i: "by_author", k: "x" }), /cursor: /],
          [forgedCursor({ i: "by_author", k: [{ $int64: "abc" }, "x"] }), /cursor: /],
          [forgedCursor({ i: "by_author", k: [{ nested: 1 }, "x"] }), /cursor: /],
          ["garbage!", /not a cursor/],
        ];
        for (const [cursor, message] of refused) {
          for (const options of [
            { cursor, numItems: 2 },
            { cursor: null, numItems: 2, endCursor: cursor },
          ]) {
            await expect(byAuthor(ada, order, options), `${order} ${cursor}`).rejects.toMatchObject({
              code: "INVALID_ARGUMENT",
              message: expect.stringMatching(message),
            });
          }
        }
      }
    },
  },
];
