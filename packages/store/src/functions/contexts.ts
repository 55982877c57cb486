import type {
  ActionReference,
  FunctionArgs,
  FunctionReturn,
  MutationReference,
  QueryReference,
} from "@orrery/protocol";
import type { SchemaDefinition } from "@orrery/schema";
import type { DatabaseReader, DatabaseWriter } from "../db/database";
import type { Auth } from "./auth";
import type { Outbox, Scheduler } from "./scheduler-context";
import type { SqlClient } from "./sql-client";

/**
 * A query reads through `db` only. There is deliberately no `sql`: a query must be
 * deterministic so its result can be recomputed when its read set is invalidated.
 */
export interface QueryCtx<S extends SchemaDefinition> {
  readonly db: DatabaseReader<S>;
  readonly auth: Auth;
}

/**
 * A mutation may be re-run on a write conflict, so it is as deterministic as a query. What it
 * schedules and publishes is written in its own commit: nothing when it fails, once when it is
 * re-run.
 */
export interface MutationCtx<S extends SchemaDefinition> {
  readonly db: DatabaseWriter<S>;
  readonly auth: Auth;
  readonly scheduler: Scheduler;
  readonly outbox: Outbox;
}

/** No arguments needed when every field of `Args` is optional (or there are none). */
export type OptionalArgs<Args> = Record<never, never> extends Args ? [args?: Args] : [args: Args];

/**
 * An action does what a query or mutation may not (fetch, `ctx.sql`) and reaches the store
 * only through `runQuery` / `runMutation`, which validate and commit like any other call.
 * `_S` is the app's schema, unused for now (an action has no `db`) but kept so every ctx is
 * parameterised the same way and a later member (e.g. typed `scheduler`) can use it.
 */
export interface ActionCtx<_S extends SchemaDefinition, Env = unknown> {
  runQuery<F extends QueryReference>(
    ref: F,
    ...args: OptionalArgs<FunctionArgs<F>>
  ): Promise<FunctionReturn<F>>;
  runQuery(name: string, args?: Record<string, unknown>): Promise<unknown>;
  runMutation<F extends MutationReference>(
    ref: F,
    ...args: OptionalArgs<FunctionArgs<F>>
  ): Promise<FunctionReturn<F>>;
  runMutation(name: string, args?: Record<string, unknown>): Promise<unknown>;
  runAction<F extends ActionReference>(
    ref: F,
    ...args: OptionalArgs<FunctionArgs<F>>
  ): Promise<FunctionReturn<F>>;
  runAction(name: string, args?: Record<string, unknown>): Promise<unknown>;
  readonly env: Env;
  readonly auth: Auth;
  /** Schedules a mutation or an action; each call commits at once. */
  readonly scheduler: Scheduler;
  /**
   * The external database (Hyperdrive). Reads here are neither deterministic nor reactive:
   * to make external rows live, write a projection of them with `ctx.runMutation`.
   * Assignable, so an action may bring its own client (`ctx.sql = fromPostgresJs(...)`).
   */
  sql: SqlClient;
}
