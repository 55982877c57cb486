import { type Id, v } from "@orrery/schema";
import { OrreryError } from "@orrery/store";
import { api } from "./api";
import { action, mutation, query } from "./server";

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
    // The event commits with the order (in the external database's outbox, in the same
    // transaction): consumers hear of every order written, and of no order rolled back.
    const published = (orderId: Id<"orders">) => {
      const { customer, total, status } = fields;
      ctx.outbox.publish("orders", { orderId, customer, total, status });
      return orderId;
    };
    if (id) {
      if (!(await ctx.db.get("orders", id))) throw new OrreryError("NOT_FOUND", `args.id: no order "${id}"`);
      await ctx.db.replace("orders", id, fields);
      return published(id);
    }
    if (fields.legacyId !== undefined) {
      const legacyId = fields.legacyId;
      const existing = await ctx.db
        .query("orders")
        .withIndex("by_legacy_id", (q) => q.eq("legacyId", legacyId))
        .unique();
      if (existing) {
        await ctx.db.replace("orders", existing._id, fields);
        return published(existing._id);
      }
    }
    return published(await ctx.db.insert("orders", fields));
  });

/** A row of the legacy database's `legacy_orders` table; drivers return numerics as text. */
interface LegacyOrderRow {
  readonly id: string | number;
  readonly customer: string;
  readonly total: string | number;
  readonly status: string;
}

/**
 * Projects a customer's rows of the external database's `legacy_orders` table (which Orrery
 * does not own) into `orders`, so live queries see them: reads them through `ctx.sql` and
 * upserts each by `legacyId`, so importing again updates instead of duplicating. Returns how
 * many rows it imported. Needs a Hyperdrive backend (`--env postgres` or `--env mysql`).
 */
export const importLegacy = action
  .input({ customer: v.string() })
  .action(async ({ ctx, args }): Promise<number> => {
    const backend = ctx.env.ORRERY_GLOBAL_BACKEND;
    if (backend === "d1") {
      throw new OrreryError(
        "INTERNAL",
        'orders:importLegacy reads legacy_orders through ctx.sql, which needs a Hyperdrive backend: ORRERY_GLOBAL_BACKEND is "d1". Start with --env postgres or --env mysql.',
      );
    }
    // The SQL is the driver's own: `$1` placeholders on Postgres, `?` on MySQL.
    const placeholder = backend === "postgres" ? "$1" : "?";
    const rows = await ctx.sql.query<LegacyOrderRow>(
      `SELECT id, customer, total, status FROM legacy_orders WHERE customer = ${placeholder} ORDER BY id`,
      [args.customer],
    );
    for (const row of rows) {
      await ctx.runMutation(api.orders.upsert, {
        legacyId: String(row.id),
        customer: row.customer,
        total: Number(row.total),
        status: row.status,
      });
    }
    return rows.length;
  });

/**
 * Adds `amount` to an order's total and counts the addition in the namespace's counter
 * `orders:<id>` (a plain table, in the Durable Object): one mutation across both engines, so
 * a commit that landed in one and not the other would show as a total and a count that
 * disagree (the fault suite, packages/faults, checks they never do). Returns the new total.
 */
export const addToTotal = mutation
  .input({ id: v.id("orders"), amount: v.number() })
  .mutation(async ({ ctx, args }) => {
    const order = await ctx.db.get("orders", args.id);
    if (!order) throw new OrreryError("NOT_FOUND", `args.id: no order "${args.id}"`);
    const total = order.total + args.amount;
    await ctx.db.patch("orders", args.id, { total });
    const name = `orders:${args.id}`;
    const counter = await ctx.db
      .query("counters")
      .withIndex("by_name", (q) => q.eq("name", name))
      .unique();
    if (counter) await ctx.db.patch("counters", counter._id, { value: counter.value + 1n });
    else await ctx.db.insert("counters", { name, value: 1n });
    return total;
  });
