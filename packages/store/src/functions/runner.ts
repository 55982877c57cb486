import {
  type ActionReference,
  type FunctionArgs,
  type FunctionKind,
  type FunctionReturn,
  functionName,
  type MutationReference,
  OrreryError,
  type QueryReference,
} from "@orrery/protocol";
import { assertValid, type SchemaDefinition } from "@orrery/schema";
import type { MutationHandler } from "../commit/mutation-attempt";
import type { CronLookup } from "../scheduler/jobs";
import type { MutateOptions, MutationOutcome, ObservedQuery, QueryOutcome, Store } from "../store";
import { ActionContext } from "./action-context";
import type { OrreryApp } from "./app";
import { authFor, type Identity } from "./auth";
import type { AnyFunctionDefinition } from "./definition";
import { fingerprintOf } from "./fingerprint";
import { withForbiddenSql } from "./forbid-sql";
import {
  actionScheduler,
  mutationOutbox,
  mutationScheduler,
  type ResolveSchedulable,
} from "./scheduler-context";
import type { SqlClient } from "./sql-client";

export interface FunctionRunnerOptions<S extends SchemaDefinition, Env> {
  readonly app: OrreryApp<S>;
  readonly store: Store<S>;
  /** The Worker env, as `ctx.env` in actions. */
  readonly env: Env;
  /** Builds the action-only `ctx.sql`; called on an action's first read of it, not before. */
  readonly sql?: () => SqlClient;
  /**
   * Asked before every mutation and action runs, whoever called it (a socket, HTTP, an
   * action's own `runMutation`); throws to refuse it, e.g. `MAINTENANCE` while the namespace is
   * in maintenance. Called after the arguments were checked and, for a mutation, in the same
   * synchronous step that queues it in the store's lane, so once a change of what it answers
   * has itself passed through the lane, no mutation it admitted before is still to commit.
   */
  readonly writeGate?: () => void;
}

/**
 * Runs an app's functions against one namespace's store: resolves the name, validates the
 * arguments before the handler sees them, and builds the ctx for the function's kind. Actions
 * call back into the same runner, so they get the same checks. Commits are reported by the
 * store itself (`store.onCommitted`), whoever ran the mutation.
 */
export class FunctionRunner<S extends SchemaDefinition, Env = unknown> {
  constructor(private readonly options: FunctionRunnerOptions<S, Env>) {}

  runQuery<F extends QueryReference>(
    ref: F,
    args: FunctionArgs<F>,
    identity?: Identity | null,
  ): Promise<QueryOutcome<FunctionReturn<F>>>;
  runQuery(name: string, args: unknown, identity?: Identity | null): Promise<QueryOutcome<unknown>>;
  async runQuery(
    ref: QueryReference | string,
    args: unknown,
    identity: Identity | null = null,
  ): Promise<QueryOutcome<unknown>> {
    const outcome = await this.observeQuery(ref, args, identity);
    if (!outcome.ok) throw outcome.error;
    return outcome;
  }

  /** Runs a query for a live subscription: never throws, and reports what it read either way. */
  async observeQuery(
    ref: QueryReference | string,
    args: unknown,
    identity: Identity | null = null,
  ): Promise<ObservedQuery<unknown>> {
    let definition: AnyFunctionDefinition<S>;
    let validArgs: unknown;
    try {
      definition = this.options.app.resolve(functionName(ref), "query");
      validArgs = validArgsOf(definition, args);
    } catch (error) {
      return { ok: false, error, readSet: [], version: this.options.store.version };
    }
    const auth = authFor(identity);
    return this.options.store.observe(async (db) =>
      definition.handler({ ctx: withForbiddenSql({ db, auth }), args: validArgs }),
    );
  }

  /** Throws as a call would (unknown function, wrong kind, invalid arguments) without running it. */
  checkArgs(name: string, kind: FunctionKind, args: unknown): void {
    validArgsOf(this.options.app.resolve(name, kind), args);
  }

  runMutation<F extends MutationReference>(
    ref: F,
    args: FunctionArgs<F>,
    identity?: Identity | null,
    options?: MutateOptions,
  ): Promise<MutationOutcome<FunctionReturn<F>>>;
  runMutation(
    name: string,
    args: unknown,
    identity?: Identity | null,
    options?: MutateOptions,
  ): Promise<MutationOutcome<unknown>>;
  async runMutation(
    ref: MutationReference | string,
    args: unknown,
    identity: Identity | null = null,
    options: MutateOptions = {},
  ): Promise<MutationOutcome<unknown>> {
    const prepared = this.prepareMutation(ref, args, identity);
    // A thrown handler rejects before the store commits, so a failed mutation writes nothing.
    return this.options.store.mutate(
      prepared.handler,
      options.requestId === undefined ? options : { ...options, fingerprint: prepared.fingerprint() },
    );
  }

  /**
   * A mutation call resolved, checked and admitted by the write gate, not yet run: its handler,
   * for `store.mutate` (the scheduler runs a job's mutation so, with the job's own transition in
   * the same attempt). Queue it in the same synchronous step, as `runMutation` does.
   */
  prepareMutation(
    ref: MutationReference | string,
    args: unknown,
    identity: Identity | null,
  ): { readonly handler: MutationHandler<S, unknown>; readonly fingerprint: () => string } {
    const name = functionName(ref);
    const definition = this.options.app.resolve(name, "mutation");
    const validArgs = validArgsOf(definition, args);
    const auth = authFor(identity);
    this.options.writeGate?.();
    return {
      handler: async (db, attempt) => {
        const ctx = withForbiddenSql({
          db,
          auth,
          scheduler: mutationScheduler(attempt, this.resolveSchedulable, this.clock, this.cronLookup),
          outbox: mutationOutbox(attempt),
        });
        return definition.handler({ ctx, args: validArgs });
      },
      fingerprint: () => fingerprintOf(name, validArgs),
    };
  }

  /** What `ctx.scheduler` may schedule: a mutation or an action, its arguments checked now. */
  private readonly resolveSchedulable: ResolveSchedulable = (name, args) => {
    const definition = this.options.app.resolve(name);
    if (definition.kind === "query") {
      throw new OrreryError(
        "INVALID_ARGUMENT",
        `ctx.scheduler: "${name}" is a query; schedule a mutation or an action`,
      );
    }
    return { name, kind: definition.kind, args: validArgsOf(definition, args) };
  };

  private readonly clock = () => this.options.store.time();

  /** This namespace's declared crons, by name. */
  readonly cronLookup: CronLookup = (name) =>
    this.options.app.cronsFor(this.options.store.namespace).find((cron) => cron.name === name);

  runAction<F extends ActionReference>(
    ref: F,
    args: FunctionArgs<F>,
    identity?: Identity | null,
  ): Promise<FunctionReturn<F>>;
  runAction(name: string, args: unknown, identity?: Identity | null): Promise<unknown>;
  async runAction(
    ref: ActionReference | string,
    args: unknown,
    identity: Identity | null = null,
  ): Promise<unknown> {
    const name = functionName(ref);
    const definition = this.options.app.resolve(name, "action");
    const validArgs = validArgsOf(definition, args);
    this.options.writeGate?.();
    // Calls made by the action run as the action's caller.
    const ctx = new ActionContext<S, Env>(
      {
        query: async (inner, innerArgs) => (await this.runQuery(inner, innerArgs, identity)).value,
        mutation: async (inner, innerArgs) => (await this.runMutation(inner, innerArgs, identity)).value,
        action: (inner, innerArgs) => this.runAction(inner, innerArgs, identity),
      },
      this.options.env,
      authFor(identity),
      this.options.sql,
      actionScheduler(
        async (work) => (await this.options.store.mutate((_db, attempt) => work(attempt))).value,
        this.resolveSchedulable,
        this.clock,
        this.cronLookup,
      ),
    );
    return definition.handler({ ctx, args: validArgs });
  }
}

/** Missing arguments mean none (`{}`), as a no-argument call over the wire sends nothing. */
function validArgsOf<S extends SchemaDefinition>(
  definition: AnyFunctionDefinition<S>,
  args: unknown,
): unknown {
  const value = args === undefined ? {} : args;
  assertValid(definition.args, value, "args");
  return value;
}
