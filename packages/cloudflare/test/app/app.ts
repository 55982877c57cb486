import { v } from "@orrery/schema";
import { defineApp, functionBuilders, requireUser } from "@orrery/store";
import { schema } from "./schema";

const { query, mutation, action } = functionBuilders<typeof schema>();

const notes = {
  list: query.input({ board: v.string() }).query(({ ctx, args }) =>
    ctx.db
      .query("notes")
      .withIndex("by_board", (q) => q.eq("board", args.board))
      .collect(),
  ),
  add: mutation
    .input({ board: v.string(), text: v.string() })
    .mutation(({ ctx, args }) => ctx.db.insert("notes", args)),
  /** The same write through an action, as an app that calls out before it writes would. */
  addFromAction: action
    .input({ board: v.string(), text: v.string() })
    .action(({ ctx, args }) => ctx.runMutation("notes:add", args)),
  /** The caller's identity (null when anonymous). */
  whoAmI: query.query(({ ctx }) => ctx.auth.getUserIdentity()),
  /** The caller's own notes, on a board only they can reach: signed-in users only. */
  mine: query.query(async ({ ctx }) => {
    const { subject } = await requireUser(ctx);
    return ctx.db
      .query("notes")
      .withIndex("by_board", (q) => q.eq("board", `private:${subject}`))
      .collect();
  }),
  addMine: mutation.input({ text: v.string() }).mutation(async ({ ctx, args }) => {
    const { subject } = await requireUser(ctx);
    return ctx.db.insert("notes", { board: `private:${subject}`, text: args.text });
  }),
};

export const app = defineApp({ schema, modules: { notes } });
