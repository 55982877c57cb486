import { v } from "@orrery/schema";
import { OrreryError } from "@orrery/store";
import { mutation, query } from "./server";

export const byCustomer = query.input({ customer: v.string() }).query(({ ctx, args }) =>
  ctx.db
    .query("orders")
    .withIndex("by_customer", (q) => q.eq("customer", args.customer))
    .collect(),
);

/**
 * Inserts or updates an order: by `id` when given, else by `legacyId` (rows projected from a
 * legacy database), else a new order. Returns the order's id.
 */
export const upsert = mutation
  .input({
    id: v.optional(v.id("orders")),
    legacyId: v.optional(v.string()),
    customer: v.string(),
    total: v.number(),
    status: v.string(),
  })
  .mutation(async ({ ctx, args }) => {
    const { id, ...fields } = args;
    if (id) {
      if (!(await ctx.db.get("orders", id))) throw new OrreryError("NOT_FOUND", `args.id: no order "${id}"`);
      await ctx.db.replace("orders", id, fields);
      return id;
    }
    if (fields.legacyId !== undefined) {
      const legacyId = fields.legacyId;
      const existing = await ctx.db
        .query("orders")
        .withIndex("by_legacy_id", (q) => q.eq("legacyId", legacyId))
        .unique();
      if (existing) {
        await ctx.db.replace("orders", existing._id, fields);
        return existing._id;
      }
    }
    return ctx.db.insert("orders", fields);
  });
