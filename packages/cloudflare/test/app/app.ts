import { v } from "@orrery/schema";
import { defineApp, functionBuilders } from "@orrery/store";
import { schema } from "./schema";

const { query, mutation } = functionBuilders<typeof schema>();

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
};

export const app = defineApp({ schema, modules: { notes } });
