import { describe, expect, it } from "vitest";
import { loadOrder } from "./load-order";

describe("loadOrder", () => {
  const graph = (edges: Record<string, string[]>) => (table: string) => edges[table] ?? [];

  it("puts parents before children and keeps the given order otherwise", () => {
    expect(
      loadOrder(
        ["comments", "posts", "users", "tags"],
        graph({ comments: ["posts", "users"], posts: ["users"] }),
      ),
    ).toEqual({
      order: ["users", "posts", "comments", "tags"],
    });
  });

  it("ignores references to tables it does not load", () => {
    expect(loadOrder(["posts"], graph({ posts: ["users"] }))).toEqual({ order: ["posts"] });
  });

  it("names a cycle, a table referencing itself included", () => {
    expect(loadOrder(["a", "b", "c"], graph({ a: ["b"], b: ["c"], c: ["a"] }))).toEqual({
      cycle: ["a", "b", "c", "a"],
    });
    expect(loadOrder(["tree"], graph({ tree: ["tree"] }))).toEqual({ cycle: ["tree", "tree"] });
  });
});
