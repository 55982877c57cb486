import { v } from "@orrery/schema";
import { outboxMessageArgs } from "@orrery/store";
import { mutation, query } from "./server";

/** What `orders:upsert` publishes on the `orders` topic. */
export const orderEvent = v.object({
  orderId: v.string(),
  customer: v.string(),
  total: v.number(),
  status: v.string(),
});

/**
 * The consumer of the `orders` topic (`defineApp({ consumers })`): projects each message into
 * `order_events`. Delivery is at least once, so it deduplicates on the message id: a message
 * seen again changes nothing. Returns whether this delivery recorded it.
 */
export const record = mutation.input(outboxMessageArgs(orderEvent)).mutation(async ({ ctx, args }) => {
  const seen = await ctx.db
    .query("order_events")
    .withIndex("by_message_id", (q) => q.eq("messageId", args.id))
    .first();
  if (seen) return false;
  await ctx.db.insert("order_events", { messageId: args.id, publishedAt: args.publishedAt, ...args.payload });
  return true;
});

/** An order's events, oldest first. */
export const byOrder = query.input({ orderId: v.string() }).query(({ ctx, args }) =>
  ctx.db
    .query("order_events")
    .withIndex("by_order", (q) => q.eq("orderId", args.orderId))
    .collect(),
);
