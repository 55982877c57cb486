import { v } from "@orrery/schema";

/**
 * The argument a paginated query takes, as Convex users write it:
 * `query.input({ list: v.string(), paginationOpts: paginationOptsValidator })`, then
 * `ctx.db.query(...).paginate(args.paginationOpts)`.
 */
export const paginationOptsValidator = v.object({
  cursor: v.union(v.string(), v.null()),
  numItems: v.number(),
  endCursor: v.optional(v.union(v.string(), v.null())),
});
