import { afterAll, describe, expect, it } from "vitest";
import { baseFiles, lintApp, makeApp, positionOf, removeApps } from "./fixture-app";

afterAll(removeApps);

// A helper typed for actions; the types only let a mutation call it through a cast.
const helpers = `import type { ActionCtx } from "@orrery/store";
import type { AppSchema } from "./schema";

export async function loadLegacy(ctx: ActionCtx<AppSchema>, customer: string) {
  return ctx.sql.query("SELECT id FROM legacy_orders WHERE customer = $1", [customer]);
}
`;

// Untyped helpers two files deep, and one that destructures { sql } from what it is given.
const untyped = `export function summarize(c: any) {
  return countRows(c);
}
function countRows(again: any): Promise<unknown[]> {
  return again.sql.query("SELECT 1");
}
export const readRows = async ({ sql }: { sql: { query(text: string): Promise<unknown[]> } }) =>
  sql.query("SELECT 2");
// Calls itself through ctx: the walk must still end.
export function ping(c: any, n: number): number {
  return n > 0 ? pong(c, n - 1) : 0;
}
function pong(c: any, n: number): number {
  return ping(c, n);
}
`;

const violating = `import { v } from "@orrery/schema";
import { loadLegacy } from "./helpers";
import { ping, readRows, summarize } from "./untyped";
import { mutation, query } from "./server";

export const upsert = mutation.input({ customer: v.string() }).mutation(async ({ ctx, args }) => {
  const rows = await loadLegacy(ctx as never, args.customer);
  return rows.length;
});

export const count = query.input({}).query(async (input) => {
  ping(input.ctx, 3);
  return (await summarize(input.ctx)).length;
});

export const read = query.input({}).query(async ({ ctx }) => (await readRows(ctx as never)).length);
`;

// The same helpers from an action, and an unrelated \`.sql\` in a query: nothing to report.
const clean = `import { v } from "@orrery/schema";
import { loadLegacy } from "./helpers";
import { action, query } from "./server";
import { readRows, summarize } from "./untyped";

export const importLegacy = action.input({ customer: v.string() }).action(async ({ ctx, args }) => {
  const rows = await loadLegacy(ctx, args.customer);
  await summarize(ctx);
  return rows.length + (await readRows(ctx)).length;
});

export const statement = query.input({}).query(async () => {
  const prepared = { sql: "SELECT 1", params: [] };
  return prepared.sql;
});
`;

describe("hyperdrive_outside_action", () => {
  it("reports ctx.sql reached from a mutation through a typed helper in another file, and exits 1", async () => {
    const root = makeApp({
      ...baseFiles,
      "helpers.ts": helpers,
      "untyped.ts": untyped,
      "orders.ts": violating,
    });
    const { code, stdout } = await lintApp(root);
    expect(code).toBe(1);
    const at = positionOf(helpers, "ctx.sql");
    expect(stdout).toContain(
      `src/app/helpers.ts:${at.line}:${at.column} hyperdrive_outside_action ctx.sql is reached from mutation "orders:upsert" (src/app/orders.ts:6) via loadLegacy; ctx.sql exists only in actions (queries and mutations must be deterministic): read it in an action and write the rows with ctx.runMutation`,
    );
  });

  it("follows ctx through untyped helpers, input.ctx and destructuring, naming the path", async () => {
    const root = makeApp({
      ...baseFiles,
      "helpers.ts": helpers,
      "untyped.ts": untyped,
      "orders.ts": violating,
    });
    const { stdout } = await lintApp(root);
    const deep = positionOf(untyped, "again.sql");
    expect(stdout).toContainEqual(
      expect.stringContaining(
        `src/app/untyped.ts:${deep.line}:${deep.column} hyperdrive_outside_action ctx.sql is reached from query "orders:count" (src/app/orders.ts:11) via summarize -> countRows;`,
      ),
    );
    const destructured = positionOf(untyped, "sql }");
    expect(stdout).toContainEqual(
      expect.stringContaining(
        `src/app/untyped.ts:${destructured.line}:${destructured.column} hyperdrive_outside_action ctx.sql is reached from query "orders:read"`,
      ),
    );
    expect(stdout.filter((line) => line.includes("hyperdrive_outside_action"))).toHaveLength(3);
    expect(stdout.at(-1)).toBe("3 problems (3 errors, 0 warnings)");
  });

  it("stays quiet about the same helpers in an action and about an unrelated .sql", async () => {
    const root = makeApp({ ...baseFiles, "helpers.ts": helpers, "untyped.ts": untyped, "orders.ts": clean });
    expect(await lintApp(root)).toEqual({ code: 0, stdout: [], stderr: [] });
  });
});
