import { v } from "@orrery/schema";
import { OrreryError } from "@orrery/store";
import { mutation, query } from "./server";

/** A channel's messages, oldest first: subscribe to it and every `send` arrives live. */
export const list = query.input({ channel: v.string() }).query(({ ctx, args }) =>
  ctx.db
    .query("messages")
    .withIndex("by_channel", (q) => q.eq("channel", args.channel))
    .collect(),
);

/** Posts a message to a channel; returns its id. */
export const send = mutation.input({ channel: v.string(), body: v.string() }).mutation(({ ctx, args }) => {
  const body = args.body.trim();
  if (!body) throw new OrreryError("INVALID_ARGUMENT", "args.body: a message needs some text");
  return ctx.db.insert("messages", { channel: args.channel, body });
});
