import { type Id, v } from "@orrery/schema";
import { type MutationCtx, OrreryError, paginationOptsValidator, requireUser } from "@orrery/store";
import { api } from "./api";
import type { AppSchema } from "./schema";
import { mutation, query } from "./server";

/**
 * Every user has their own lists: each function here needs a signed-in caller (`requireUser`,
 * else UNAUTHENTICATED) and reads or writes only the caller's tasks, through the `by_owner_list`
 * index whose first field is the owner.
 */

/** The caller's tasks of one list, oldest first (ids are ULIDs, so the index ends in creation order). */
export const list = query.input({ list: v.string() }).query(async ({ ctx, args }) => {
  const { subject } = await requireUser(ctx);
  return ctx.db
    .query("tasks")
    .withIndex("by_owner_list", (q) => q.eq("owner", subject).eq("list", args.list))
    .collect();
});

/** A page of them: a cursor only moves within the caller's own range of the index. */
export const page = query
  .input({ list: v.string(), paginationOpts: paginationOptsValidator })
  .query(async ({ ctx, args }) => {
    const { subject } = await requireUser(ctx);
    return ctx.db
      .query("tasks")
      .withIndex("by_owner_list", (q) => q.eq("owner", subject).eq("list", args.list))
      .paginate(args.paginationOpts);
  });

function checkedText(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) throw new OrreryError("INVALID_ARGUMENT", "args.text: a task needs some text");
  if (trimmed.length > 500) throw new OrreryError("INVALID_ARGUMENT", "args.text: at most 500 characters");
  return trimmed;
}

export const add = mutation.input({ list: v.string(), text: v.string() }).mutation(async ({ ctx, args }) => {
  const { subject } = await requireUser(ctx);
  return ctx.db.insert("tasks", {
    owner: subject,
    list: args.list,
    text: checkedText(args.text),
    done: false,
  });
});

/** The caller's task: another user's is answered exactly as a missing one, so an id tells nothing. */
async function ownTask(ctx: MutationCtx<AppSchema>, id: Id<"tasks">) {
  const { subject } = await requireUser(ctx);
  const task = await ctx.db.get("tasks", id);
  if (!task || task.owner !== subject) throw new OrreryError("NOT_FOUND", `args.id: no task "${id}"`);
  return task;
}

export const toggle = mutation.input({ id: v.id("tasks") }).mutation(async ({ ctx, args }) => {
  const task = await ownTask(ctx, args.id);
  await ctx.db.patch("tasks", args.id, { done: !task.done });
  return !task.done;
});

export const remove = mutation.input({ id: v.id("tasks") }).mutation(async ({ ctx, args }) => {
  await ownTask(ctx, args.id);
  await ctx.db.delete("tasks", args.id);
  return null;
});

/**
 * Adds a task to the caller's list after `delayMs`, through the scheduler: the task waits in
 * `later_tasks`, and the job (which runs as no one) carries only its id. Returns the job's id.
 */
export const addLater = mutation
  .input({ list: v.string(), text: v.string(), delayMs: v.number() })
  .mutation(async ({ ctx, args }): Promise<string> => {
    const { subject } = await requireUser(ctx);
    const later = await ctx.db.insert("later_tasks", {
      owner: subject,
      list: args.list,
      text: checkedText(args.text),
    });
    return ctx.scheduler.runAfter(args.delayMs, api.tasks.addDue, { id: later });
  });

/**
 * The job of `addLater`: moves the waiting task into its owner's list (once: a second run finds
 * nothing). Anyone may call it, but only with the id of a waiting task, which only its owner's
 * `addLater` made: it can make that task arrive early, nothing else.
 */
export const addDue = mutation.input({ id: v.id("later_tasks") }).mutation(async ({ ctx, args }) => {
  const later = await ctx.db.get("later_tasks", args.id);
  if (!later) return null;
  await ctx.db.delete("later_tasks", args.id);
  const { owner, list, text } = later;
  return ctx.db.insert("tasks", { owner, list, text, done: false });
});
