import { expect } from "vitest";
import type { ConformanceCase } from "../harness";

const missingAuthor = "01ARZ3NDEKTSV4RRFFQ69G5FAV";

export const validationCases: ConformanceCase[] = [
  {
    name: "writes are validated against the table, with errors naming the path",
    async run({ open }) {
      const store = await open();
      const { value: author } = await store.mutate((db) => db.insert("authors", { name: "Val" }));
      const post = { author, title: "t", score: 1, published: false, tags: ["ok"] };
      await expect(
        store.mutate((db) => db.insert("posts", { ...post, score: "high" } as never)),
      ).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        message: "posts.score: expected number, got string",
      });
      await expect(
        store.mutate((db) => db.insert("posts", { ...post, tags: ["a", 2] } as never)),
      ).rejects.toThrow("posts.tags[1]: expected string, got number");
      await expect(store.mutate((db) => db.insert("posts", { ...post, extra: 1 } as never))).rejects.toThrow(
        /posts\.extra: unexpected field/,
      );
      await expect(
        store.mutate((db) => db.insert("authors", { name: "x", _id: "y" } as never)),
      ).rejects.toThrow(/authors\._id: system fields are set by the store/);
      const { value: id } = await store.mutate((db) => db.insert("posts", post));
      await expect(
        store.mutate((db) => db.patch("posts", id, { published: "yes" } as never)),
      ).rejects.toThrow("posts.published: expected boolean, got string");
      const { value: rows } = await store.query((db) => db.query("posts").collect());
      expect(rows).toHaveLength(1);
    },
  },
  {
    name: "a write to a v.id field checks that the referenced document exists",
    async run({ open }) {
      const store = await open();
      const base = { title: "t", score: 1, published: false, tags: [] as string[] };
      await expect(
        store.mutate((db) => db.insert("posts", { ...base, author: missingAuthor as never })),
      ).rejects.toMatchObject({
        code: "INVALID_REFERENCE",
        message: `posts.author: no document in "authors" with id "${missingAuthor}"`,
      });
      // A reference to a document inserted earlier in the same mutation is fine.
      const { value } = await store.mutate(async (db) => {
        const author = await db.insert("authors", { name: "Ref" });
        return db.insert("posts", { ...base, author });
      });
      expect(value).toHaveLength(26);
      // One deleted earlier in the same mutation is not, and nothing of the mutation lands.
      const { value: doomed } = await store.mutate((db) => db.insert("authors", { name: "Doomed" }));
      await expect(
        store.mutate(async (db) => {
          await db.delete("authors", doomed);
          await db.insert("posts", { ...base, author: doomed });
        }),
      ).rejects.toMatchObject({ code: "INVALID_REFERENCE" });
      expect((await store.query((db) => db.get("authors", doomed))).value).not.toBeNull();
    },
  },
  {
    name: "a mutation that throws leaves nothing behind and commits no version",
    async run({ open }) {
      const store = await open();
      const before = store.version;
      await expect(
        store.mutate(async (db) => {
          await db.insert("authors", { name: "Half" });
          await db.insert("tallies", { name: "half", value: 1n });
          throw new Error("handler failed");
        }),
      ).rejects.toThrow("handler failed");
      expect(store.version).toBe(before);
      const { value } = await store.query(async (db) => [
        ...(await db.query("authors").collect()),
        ...(await db.query("tallies").collect()),
      ]);
      expect(value).toEqual([]);
      expect(await store.commitsSince(before)).toEqual([]);
    },
  },
];
