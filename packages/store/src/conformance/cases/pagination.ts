import { expect } from "vitest";
import type { PaginationResult } from "../../db/query";
import type { ConformanceCase } from "../harness";

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
];
