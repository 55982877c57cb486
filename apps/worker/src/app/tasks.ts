import { v } from "@orrery/schema";
import { OrreryError, paginationOptsValidator } from "@orrery/store";
import { mutation, query } from "./server";

/** A list's tasks, oldest first (ids are ULIDs, so `by_list` ends in creation order). */
export const list = query.input({ list: v.string() }).query(({ ctx, args }) =>
  ctx.db
    .query("tasks")
    .withIndex("by_list", (q) => q.eq("list", args.list))
    .collect(),
);

export const page = query
  .input({ list: v.string(), paginationOpts: paginationOptsValidator })
  .query(({ ctx, args }) =>
    ctx.db
      .query("tasks")
      .withIndex("by_list", (q) => q.eq("list", args.list))
      .paginate(args.paginationOpts),
  );

export const add = mutation.input({ list: v.string(), text: v.string() }).mutation(async ({ ctx, args }) => {
  const text = args.text.trim();
  if (!text) throw new OrreryError("INVALID_ARGUMENT", "args.text: a task needs some text");
  if (text.length > 500) throw new OrreryError("INVALID_ARGUMENT", "args.text: at most 500 characters");
  return ctx.db.insert("tasks", { list: args.list, text, done: false });
});

export const toggle = mutation.input({ id: v.id("tasks") }).mutation(async ({ ctx, args }) => {
  const task = await ctx.db.get("tasks", args.id);
  if (!task) throw new OrreryError("NOT_FOUND", `args.id: no task "${args.id}"`);
  await ctx.db.patch("tasks", args.id, { done: !task.done });
  return !task.done;
});

export const remove = mutation.input({ id: v.id("tasks") }).mutation(async ({ ctx, args }) => {
  await ctx.db.delete("tasks", args.id);
  return null;
});
