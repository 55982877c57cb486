import type { FunctionKind, FunctionShape } from "@orrery/protocol";
import {
  isValidator,
  type ObjectValidator,
  type PropertyValidators,
  type SchemaDefinition,
} from "@orrery/schema";
import type { ActionCtx, MutationCtx, QueryCtx } from "./contexts";

/** What a handler receives: `async ({ ctx, args }) => ...`. */
export interface HandlerInput<Ctx, Args> {
  readonly ctx: Ctx;
  readonly args: Args;
}

/**
 * The stored handler. Declared through a method so its parameter is bivariant: a registry of
 * definitions with different `Args` can then be held as one `AnyFunctionDefinition` (the runner
 * validates the arguments at run time, which is what makes the call sound).
 */
type StoredHandler<Ctx, Args, Return> = {
  handler(input: HandlerInput<Ctx, Args>): Return | Promise<Return>;
}["handler"];

/**
 * A function built by `query` / `mutation` / `action`: a `FunctionShape` (so `ApiFromModules`
 * turns it into a typed reference) plus the validator of its arguments and its handler.
 */
export interface FunctionDefinition<Kind extends FunctionKind, Args, Return, Ctx>
  extends FunctionShape<Kind, Args, Return> {
  readonly args: ObjectValidator<PropertyValidators, boolean>;
  readonly handler: StoredHandler<Ctx, Args, Return>;
}

export type QueryDefinition<S extends SchemaDefinition, Args, Return> = FunctionDefinition<
  "query",
  Args,
  Return,
  QueryCtx<S>
>;
export type MutationDefinition<S extends SchemaDefinition, Args, Return> = FunctionDefinition<
  "mutation",
  Args,
  Return,
  MutationCtx<S>
>;
export type ActionDefinition<S extends SchemaDefinition, Env, Args, Return> = FunctionDefinition<
  "action",
  Args,
  Return,
  ActionCtx<S, Env>
>;

/** Any function of an app with schema `S`, as the registry holds it. */
export type AnyFunctionDefinition<S extends SchemaDefinition, Env = unknown> =
  | QueryDefinition<S, unknown, unknown>
  | MutationDefinition<S, unknown, unknown>
  | ActionDefinition<S, Env, unknown, unknown>;

/** The definition of kind `K` among an app's functions. */
export type DefinitionOfKind<S extends SchemaDefinition, K extends FunctionKind, Env = unknown> = Extract<
  AnyFunctionDefinition<S, Env>,
  { readonly kind: K }
>;

/** The runtime object; `__args` / `__return` are declared only, so they are absent (undefined). */
class DefinedFunction<Kind extends FunctionKind, Args, Return, Ctx>
  implements FunctionDefinition<Kind, Args, Return, Ctx>
{
  declare readonly __args: Args;
  declare readonly __return: Return;

  constructor(
    readonly kind: Kind,
    readonly args: ObjectValidator<PropertyValidators, boolean>,
    readonly handler: StoredHandler<Ctx, Args, Return>,
  ) {
    Object.freeze(this);
  }
}

export function defineFunction<Kind extends FunctionKind, Args, Return, Ctx>(
  kind: Kind,
  args: ObjectValidator<PropertyValidators, boolean>,
  handler: (input: HandlerInput<Ctx, Args>) => Return | Promise<Return>,
): FunctionDefinition<Kind, Args, Return, Ctx> {
  return new DefinedFunction(kind, args, handler);
}

const KINDS: ReadonlySet<unknown> = new Set<FunctionKind>(["query", "mutation", "action"]);

/**
 * Tells functions apart from a module's other exports (constants, helpers). Structural rather
 * than `instanceof`, so a definition built by another copy of this package still counts.
 * The schema is not checked at run time: the app vouches for its modules.
 */
export function isFunctionDefinition<S extends SchemaDefinition, Env = unknown>(
  value: unknown,
): value is AnyFunctionDefinition<S, Env> {
  if (typeof value !== "object" || value === null) return false;
  const candidate = value as { kind?: unknown; args?: unknown; handler?: unknown };
  return (
    KINDS.has(candidate.kind) &&
    typeof candidate.handler === "function" &&
    isValidator(candidate.args) &&
    candidate.args.kind === "object"
  );
}
