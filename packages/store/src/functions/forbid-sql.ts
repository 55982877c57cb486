import { OrreryError } from "@orrery/protocol";

const SQL_IN_QUERY_OR_MUTATION =
  "ctx.sql is only available in actions: queries and mutations must be deterministic (a query is " +
  "re-run to refresh live results, a mutation is re-run on a write conflict), and an external " +
  "database is neither. Read external data in an action and write it through ctx.runMutation.";

/**
 * Gives a query's or mutation's ctx a non-enumerable `sql` that throws. The types already lack
 * `sql`; this catches JavaScript callers and casts, with an error that says what to do instead
 * rather than "cannot read properties of undefined".
 */
export function withForbiddenSql<Ctx extends object>(ctx: Ctx): Ctx {
  return Object.defineProperty(ctx, "sql", {
    enumerable: false,
    configurable: false,
    get(): never {
      throw new OrreryError("FORBIDDEN", SQL_IN_QUERY_OR_MUTATION);
    },
  });
}
