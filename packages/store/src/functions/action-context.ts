import {
  type ActionReference,
  type AnyFunctionReference,
  type FunctionArgs,
  type FunctionReturn,
  functionName,
  type MutationReference,
  OrreryError,
  type QueryReference,
} from "@orrery/protocol";
import type { SchemaDefinition } from "@orrery/schema";
import type { Auth } from "./auth";
import type { ActionCtx, OptionalArgs } from "./contexts";
import type { Scheduler } from "./scheduler-context";
import type { SqlClient } from "./sql-client";

/** What an action's ctx needs from the runner: the same entry points a caller uses. */
export interface ActionCalls {
  query(name: string, args: unknown): Promise<unknown>;
  mutation(name: string, args: unknown): Promise<unknown>;
  action(name: string, args: unknown): Promise<unknown>;
}

const NO_SQL =
  "ctx.sql: this app has no Hyperdrive binding configured. Add one to wrangler.jsonc and pass " +
  "`sql: () => client` to the FunctionRunner, or assign a client in the action (ctx.sql = ...).";

/**
 * The ctx of one action call. A class (not an object literal) so the overloaded `run*`
 * signatures of `ActionCtx` have one implementation each, and so `sql` can be an accessor:
 * the client is built only when an action first reads it.
 */
export class ActionContext<S extends SchemaDefinition, Env> implements ActionCtx<S, Env> {
  private sqlClient: SqlClient | undefined;

  constructor(
    private readonly calls: ActionCalls,
    readonly env: Env,
    readonly auth: Auth,
    private readonly sqlFactory: (() => SqlClient) | undefined,
    readonly scheduler: Scheduler,
  ) {}

  get sql(): SqlClient {
    if (this.sqlClient === undefined) {
      if (!this.sqlFactory) throw new OrreryError("INTERNAL", NO_SQL);
      this.sqlClient = this.sqlFactory();
    }
    return this.sqlClient;
  }

  set sql(client: SqlClient) {
    this.sqlClient = client;
  }

  runQuery<F extends QueryReference>(
    ref: F,
    ...args: OptionalArgs<FunctionArgs<F>>
  ): Promise<FunctionReturn<F>>;
  runQuery(name: string, args?: Record<string, unknown>): Promise<unknown>;
  runQuery(ref: AnyFunctionReference | string, args?: unknown): Promise<unknown> {
    return this.calls.query(functionName(ref), args);
  }

  runMutation<F extends MutationReference>(
    ref: F,
    ...args: OptionalArgs<FunctionArgs<F>>
  ): Promise<FunctionReturn<F>>;
  runMutation(name: string, args?: Record<string, unknown>): Promise<unknown>;
  runMutation(ref: AnyFunctionReference | string, args?: unknown): Promise<unknown> {
    return this.calls.mutation(functionName(ref), args);
  }

  runAction<F extends ActionReference>(
    ref: F,
    ...args: OptionalArgs<FunctionArgs<F>>
  ): Promise<FunctionReturn<F>>;
  runAction(name: string, args?: Record<string, unknown>): Promise<unknown>;
  runAction(ref: AnyFunctionReference | string, args?: unknown): Promise<unknown> {
    return this.calls.action(functionName(ref), args);
  }
}
