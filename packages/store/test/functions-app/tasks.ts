import { OrreryError } from "@orrery/protocol";
import { v } from "@orrery/schema";
import { listThenFailRuns, outage } from "./run-counts";
import { action, mutation, query } from "./server";

/** Not a function: `defineApp` must skip it. */
export const PAGE_SIZE = 50;

export const list = query.input({ list: v.string() }).query(async ({ ctx, args }) =>
  ctx.db
    .query("tasks")
    .withIndex("by_list", (q) => q.eq("list", args.list))
    .collect(),
);

/** Reads a list's tasks, then fails unless one of them says "fixed"; counts its runs. */
export const listThenFail = query.input({ list: v.string() }).query(async ({ ctx, args }) => {
  listThenFailRuns.set(args.list, (listThenFailRuns.get(args.list) ?? 0) + 1);
  const tasks = await ctx.db
    .query("tasks")
    .withIndex("by_list", (q) => q.eq("list", args.list))
    .collect();
  if (!tasks.some((task) => task.text === "fixed"))
    throw new OrreryError("INVALID_ARGUMENT", `list ${args.list} is not fixed yet`);
  return tasks.map((task) => task.text);
});

export const listWhileDown = query.input({ list: v.string() }).query(async ({ ctx, args }) => {
  outage.runs++;
  if (outage.down) throw new OrreryError("UNAVAILABLE", "the test database is down");
  const tasks = await ctx.db
    .query("tasks")
    .withIndex("by_list", (q) => q.eq("list", args.list))
    .collect();
  return tasks.map((task) => task.text);
});

export const count = query.query(async ({ ctx }) => (await ctx.db.query("tasks").collect()).length);

export const add = mutation
  .input(v.object({ list: v.string(), text: v.string() }))
  .mutation(async ({ ctx, args }) => {
    const identity = await ctx.auth.getUserIdentity();
    return ctx.db.insert("tasks", {
      list: args.list,
      text: args.text,
      done: false,
      ...(identity ? { owner: identity.subject } : {}),
    });
  });

/** Writes, then fails: the write must not be committed. */
export const addThenFail = mutation.input({ list: v.string() }).mutation(async ({ ctx, args }) => {
  await ctx.db.insert("tasks", { list: args.list, text: "doomed", done: false });
  throw new OrreryError("INVALID_ARGUMENT", "refusing after the insert");
});

/** Writes only when there is something to change, so a second call commits nothing. */
export const markDone = mutation.input({ id: v.id("tasks") }).mutation(async ({ ctx, args }) => {
  const task = await ctx.db.get("tasks", args.id);
  if (!task || task.done) return false;
  await ctx.db.patch("tasks", args.id, { done: true });
  return true;
});

export const whoAmI = query.query(async ({ ctx }) => ctx.auth.getUserIdentity());

/** Reaches for `ctx.sql` the way plain JavaScript (or a cast) could. */
export const sqlFromQuery = query.query(async ({ ctx }) => Reflect.get(ctx, "sql"));
export const sqlFromMutation = mutation.mutation(async ({ ctx }) => Reflect.get(ctx, "sql"));

/** Reads external rows over `ctx.sql` and projects them into the store. */
export const importFromSql = action.input({ list: v.string() }).action(async ({ ctx, args }) => {
  const rows = await ctx.sql.query<{ text: string }>("select text from legacy_tasks where list = $1", [
    args.list,
  ]);
  const ids: string[] = [];
  for (const row of rows)
    ids.push(await ctx.runMutation("tasks:add", { list: args.list, text: row.text }).then(String));
  return { imported: ids.length, greeting: ctx.env.GREETING };
});

export const readSql = action.action(async ({ ctx }) => ctx.sql.query("select 1"));

/** What a handler sees when it enumerates its ctx: `sql` must not show up. */
export const ctxKeys = query.query(async ({ ctx }) => Object.keys(ctx).sort());

/** The recipe users know: an action assigns its own client to `ctx.sql`. */
export const bringOwnSql = action.action(async ({ ctx }) => {
  ctx.sql = { query: async <T>() => [{ answer: 42 }] as T[] };
  return ctx.sql.query<{ answer: number }>("select 42 as answer");
});

/** An action passing bad arguments to a mutation: the runner must validate them too. */
export const addWithBadArgs = action.action(async ({ ctx }) =>
  ctx.runMutation("tasks:add", { list: 1, text: "t" }),
);

/** An action that never touches `ctx.sql`. */
export const noSql = action.action(async ({ ctx }) => ctx.env.GREETING);
