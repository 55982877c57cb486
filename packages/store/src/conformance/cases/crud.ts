import { isDocumentId } from "@orrery/schema";
import { expect } from "vitest";
import type { ConformanceCase } from "../harness";

export const crudCases: ConformanceCase[] = [
  {
    name: "insert then get returns every field type and the system fields",
    async run({ open }) {
      const store = await open();
      const bytes = new Uint8Array([0, 1, 254, 255]).buffer;
      const { value: ids } = await store.mutate(async (db) => {
        const author = await db.insert("authors", { name: "Ada", karma: 9_007_199_254_740_993n });
        const post = await db.insert("posts", {
          author,
          title: "Engines ✨ 𝄞",
          score: 2.5,
          published: true,
          tags: ["a", "b"],
          meta: { views: -9_223_372_036_854_775_808n, source: "api" },
          attachment: bytes,
        });
        return { author, post };
      });
      const { value } = await store.query(async (db) => ({
        author: await db.get("authors", ids.author),
        post: await db.get("posts", ids.post),
      }));
      expect(isDocumentId(ids.post)).toBe(true);
      expect(value.author).toMatchObject({ name: "Ada", karma: 9_007_199_254_740_993n, _version: 1 });
      expect(value.author).not.toHaveProperty("email");
      expect(value.post).toMatchObject({
        _id: ids.post,
        author: ids.author,
        title: "Engines ✨ 𝄞",
        score: 2.5,
        published: true,
        tags: ["a", "b"],
        meta: { views: -9_223_372_036_854_775_808n, source: "api" },
        _version: 1,
      });
      expect(new Uint8Array(value.post?.attachment as ArrayBuffer)).toEqual(new Uint8Array([0, 1, 254, 255]));
      expect(typeof value.post?._creationTime).toBe("number");
    },
  },
  {
    name: "get of a missing id is null; a malformed id is an INVALID_ARGUMENT error",
    async run({ open }) {
      const store = await open();
      const { value } = await store.query((db) => db.get("authors", "01ARZ3NDEKTSV4RRFFQ69G5FAV" as never));
      expect(value).toBeNull();
      await expect(store.query((db) => db.get("authors", "nope" as never))).rejects.toMatchObject({
        code: "INVALID_ARGUMENT",
        message: expect.stringContaining('"nope" is not a document id'),
      });
      await expect(store.query((db) => db.get("nosuch" as never, "x" as never))).rejects.toThrow(
        /unknown table "nosuch"/,
      );
    },
  },
  {
    name: "patch merges fields, removes undefined ones and bumps _version once per commit",
    async run({ open }) {
      const store = await open();
      const { value: id } = await store.mutate((db) =>
        db.insert("authors", { name: "Bo", email: "bo@example.com" }),
      );
      await store.mutate(async (db) => {
        await db.patch("authors", id, { karma: 3n });
        await db.patch("authors", id, { email: undefined });
      });
      const { value: doc } = await store.query((db) => db.get("authors", id));
      expect(doc).toMatchObject({ name: "Bo", karma: 3n, _version: 2 });
      expect(doc).not.toHaveProperty("email");
      await expect(store.mutate((db) => db.patch("authors", id, { _version: 7 } as never))).rejects.toThrow(
        /system fields/,
      );
    },
  },
  {
    name: "replace swaps every field and keeps _id and _creationTime",
    async run({ open }) {
      const store = await open();
      const { value: id } = await store.mutate((db) =>
        db.insert("authors", { name: "Cy", email: "cy@example.com" }),
      );
      const { value: before } = await store.query((db) => db.get("authors", id));
      await store.mutate((db) => db.replace("authors", id, { name: "Cyrus" }));
      const { value: after } = await store.query((db) => db.get("authors", id));
      expect(after).toEqual({ _id: id, _creationTime: before?._creationTime, _version: 2, name: "Cyrus" });
    },
  },
  {
    name: "delete removes the document; deleting or patching a missing one is NOT_FOUND",
    async run({ open }) {
      const store = await open();
      const { value: id } = await store.mutate((db) => db.insert("authors", { name: "Di" }));
      await store.mutate((db) => db.delete("authors", id));
      expect((await store.query((db) => db.get("authors", id))).value).toBeNull();
      await expect(store.mutate((db) => db.delete("authors", id))).rejects.toMatchObject({
        code: "NOT_FOUND",
      });
      await expect(store.mutate((db) => db.patch("authors", id, { name: "x" }))).rejects.toMatchObject({
        code: "NOT_FOUND",
        message: expect.stringContaining(id),
      });
    },
  },
  {
    name: "a mutation reads its own writes through queries and gets",
    async run({ open }) {
      const store = await open();
      const { value: seen } = await store.mutate(async (db) => {
        const a = await db.insert("authors", { name: "Mia" });
        const b = await db.insert("authors", { name: "Ann" });
        const afterInsert = (await db.query("authors").withIndex("by_name").collect()).map((d) => d.name);
        await db.patch("authors", a, { name: "Zed" });
        const afterPatch = (await db.query("authors").withIndex("by_name").collect()).map((d) => d.name);
        await db.delete("authors", b);
        const afterDelete = (await db.query("authors").withIndex("by_name").collect()).map((d) => d.name);
        return { afterInsert, afterPatch, afterDelete, gone: await db.get("authors", b) };
      });
      expect(seen).toEqual({
        afterInsert: ["Ann", "Mia"],
        afterPatch: ["Ann", "Zed"],
        afterDelete: ["Zed"],
        gone: null,
      });
      const { value: stored } = await store.query((db) => db.query("authors").collect());
      expect(stored.map((d) => d.name)).toEqual(["Zed"]);
    },
  },
  {
    name: "queries cannot write",
    async run({ open }) {
      const store = await open();
      await expect(
        store.query((db) =>
          (db as unknown as { insert(t: string, v: unknown): Promise<unknown> }).insert("authors", {
            name: "x",
          }),
        ),
      ).rejects.toMatchObject({ code: "FORBIDDEN" });
    },
  },
];
