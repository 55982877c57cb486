import { afterAll, describe, expect, it } from "vitest";
import { baseFiles, lintApp, makeApp, positionOf, removeApps } from "./fixture-app";

afterAll(removeApps);

const util = `export function stamp(): number {
  return Date.now();
}
export const newId = () => crypto.randomUUID();
`;

const violating = `import { v } from "@orrery/schema";
import { mutation, query } from "./server";
import { newId, stamp } from "./util";

export const latest = query.input({}).query(async () => stamp());

export const add = mutation.input({ text: v.string() }).mutation(async ({ ctx, args }) => {
  const createdAt = new Date();
  const order = Math.random();
  await fetch("https://example.com");
  return ctx.db.insert("tasks", { list: newId(), text: \`\${args.text}\${order}\${createdAt}\`, done: false });
});
`;

// Actions may use all of it; a given date is fine; a local \`now\` is not the clock.
const clean = `import { v } from "@orrery/schema";
import { action, query } from "./server";
import { stamp } from "./util";

const clock = { now: () => 0 };

export const at = query.input({ when: v.number() }).query(async ({ args }) => new Date(args.when).getTime() + clock.now());

export const ping = action.input({}).action(async () => {
  await fetch("https://example.com");
  return stamp() + Math.random();
});
`;

describe("nondeterministic_query", () => {
  it("reports the clock, randomness and fetch in queries and mutations, through helpers, and exits 1", async () => {
    const root = makeApp({ ...baseFiles, "util.ts": util, "tasks.ts": violating });
    const { code, stdout } = await lintApp(root);
    expect(code).toBe(1);
    const now = positionOf(util, "Date.now()");
    expect(stdout[0]).toBe(
      `src/app/tasks.ts:${positionOf(violating, "new Date()").line}:${positionOf(violating, "new Date()").column} nondeterministic_query new Date() is reached from mutation "tasks:add" (src/app/tasks.ts:7); queries and mutations must be deterministic (they are re-run): take the value as an argument, or compute it in an action`,
    );
    expect(stdout).toContainEqual(
      expect.stringContaining(
        `src/app/util.ts:${now.line}:${now.column} nondeterministic_query Date.now() is reached from query "tasks:latest" (src/app/tasks.ts:5) via stamp;`,
      ),
    );
    expect(stdout).toContainEqual(expect.stringContaining("nondeterministic_query Math.random() is reached"));
    expect(stdout).toContainEqual(
      expect.stringContaining(
        'nondeterministic_query fetch() is reached from mutation "tasks:add" (src/app/tasks.ts:7); queries and mutations must be deterministic (they are re-run): fetch in an action',
      ),
    );
    expect(stdout).toContainEqual(
      expect.stringContaining(
        'crypto.randomUUID() is reached from mutation "tasks:add" (src/app/tasks.ts:7) via newId;',
      ),
    );
    expect(stdout.at(-1)).toBe("5 problems (5 errors, 0 warnings)");
  });

  it("stays quiet about actions, dates from arguments and the app's own now()", async () => {
    const root = makeApp({ ...baseFiles, "util.ts": util, "tasks.ts": clean });
    expect(await lintApp(root)).toEqual({ code: 0, stdout: [], stderr: [] });
  });
});
