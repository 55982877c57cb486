import { afterAll, describe, expect, it } from "vitest";
import { baseFiles, lintApp, makeApp, positionOf, removeApps } from "./fixture-app";

afterAll(removeApps);

const violating = `import { v } from "@orrery/schema";
import { query } from "./server";

export const byList = query.input({ list: v.string() }).query(({ ctx, args }) =>
  ctx.db.query("tasks").filter((q) => q.eq(q.field("list"), args.list)).collect(),
);

export const open = query.input({}).query(({ ctx }) =>
  ctx.db.query("tasks").order("desc").filter((q) => q.and(q.eq(q.field("done"), false))).collect(),
);
`;

// Indexed first, then filtered: the filter only narrows what the index range read.
const clean = `import { v } from "@orrery/schema";
import { query } from "./server";

export const openInList = query.input({ list: v.string() }).query(({ ctx, args }) =>
  ctx.db
    .query("tasks")
    .withIndex("by_list", (q) => q.eq("list", args.list))
    .filter((q) => q.eq(q.field("done"), false))
    .collect(),
);

export const long = query.input({}).query(({ ctx }) =>
  ctx.db.query("tasks").filter((q) => q.or(q.eq(q.field("done"), true), q.eq(q.field("list"), "x"))).collect(),
);
`;

describe("filter_without_index", () => {
  it("warns about a filtered full scan, naming the index to use or the one to add, and exits 0", async () => {
    const root = makeApp({ ...baseFiles, "tasks.ts": violating });
    const { code, stdout } = await lintApp(root);
    expect(code).toBe(0);
    const first = positionOf(violating, 'filter((q) => q.eq(q.field("list")');
    const second = positionOf(violating, "filter((q) => q.and");
    expect(stdout).toEqual([
      `src/app/tasks.ts:${first.line}:${first.column} filter_without_index .filter on "tasks" without .withIndex reads the whole table: use .withIndex("by_list", (q) => q.eq("list", …))`,
      `src/app/tasks.ts:${second.line}:${second.column} filter_without_index .filter on "tasks" without .withIndex reads the whole table: add .index("by_done", ["done"]) to "tasks" in the schema and use .withIndex("by_done", (q) => q.eq("done", …))`,
      "2 problems (0 errors, 2 warnings)",
    ]);
  });

  it("stays quiet when the query uses an index or the filter pins no field", async () => {
    const root = makeApp({ ...baseFiles, "tasks.ts": clean });
    expect(await lintApp(root)).toEqual({ code: 0, stdout: [], stderr: [] });
  });
});
