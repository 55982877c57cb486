import {
  argsValidator,
  isValidator,
  type ObjectType,
  type ObjectValidator,
  type PropertyValidators,
  type SchemaDefinition,
} from "@orrery/schema";
import type { ActionCtx, MutationCtx, QueryCtx } from "./contexts";
import {
  type ActionDefinition,
  defineFunction,
  type HandlerInput,
  type MutationDefinition,
  type QueryDefinition,
} from "./definition";

/** The arguments of a function declared without `.input(...)`. */
export type EmptyArgs = ObjectType<Record<never, never>>;

/** A handler as written by the app; its return type is inferred into the definition. */
export type Handler<Ctx, Args, Return> = (input: HandlerInput<Ctx, Args>) => Return | Promise<Return>;

export interface QueryBuilderWithArgs<S extends SchemaDefinition, Args> {
  query<Return>(handler: Handler<QueryCtx<S>, Args, Return>): QueryDefinition<S, Args, Return>;
}
export interface QueryBuilder<S extends SchemaDefinition> extends QueryBuilderWithArgs<S, EmptyArgs> {
  input<F extends PropertyValidators>(
    validator: ObjectValidator<F, false>,
  ): QueryBuilderWithArgs<S, ObjectType<F>>;
  input<F extends PropertyValidators>(fields: F): QueryBuilderWithArgs<S, ObjectType<F>>;
}

export interface MutationBuilderWithArgs<S extends SchemaDefinition, Args> {
  mutation<Return>(handler: Handler<MutationCtx<S>, Args, Return>): MutationDefinition<S, Args, Return>;
}
export interface MutationBuilder<S extends SchemaDefinition> extends MutationBuilderWithArgs<S, EmptyArgs> {
  input<F extends PropertyValidators>(
    validator: ObjectValidator<F, false>,
  ): MutationBuilderWithArgs<S, ObjectType<F>>;
  input<F extends PropertyValidators>(fields: F): MutationBuilderWithArgs<S, ObjectType<F>>;
}

export interface ActionBuilderWithArgs<S extends SchemaDefinition, Env, Args> {
  action<Return>(handler: Handler<ActionCtx<S, Env>, Args, Return>): ActionDefinition<S, Env, Args, Return>;
}
export interface ActionBuilder<S extends SchemaDefinition, Env>
  extends ActionBuilderWithArgs<S, Env, EmptyArgs> {
  input<F extends PropertyValidators>(
    validator: ObjectValidator<F, false>,
  ): ActionBuilderWithArgs<S, Env, ObjectType<F>>;
  input<F extends PropertyValidators>(fields: F): ActionBuilderWithArgs<S, Env, ObjectType<F>>;
}

export interface FunctionBuilders<S extends SchemaDefinition, Env> {
  readonly query: QueryBuilder<S>;
  readonly mutation: MutationBuilder<S>;
  readonly action: ActionBuilder<S, Env>;
}

type ArgsDeclaration = PropertyValidators | ObjectValidator<PropertyValidators, false>;
type AnyObjectValidator = ObjectValidator<PropertyValidators, boolean>;

function isObjectValidator(args: ArgsDeclaration): args is ObjectValidator<PropertyValidators, false> {
  return isValidator(args);
}

/** Checks the declaration when the module loads, so a bad `.input(...)` fails at startup. */
function toArgsValidator(args: ArgsDeclaration): AnyObjectValidator {
  return isObjectValidator(args) ? argsValidator(args) : argsValidator(args);
}

const NO_ARGS: AnyObjectValidator = argsValidator({});

class QueryWithArgs<S extends SchemaDefinition, Args> implements QueryBuilderWithArgs<S, Args> {
  constructor(protected readonly validator: AnyObjectValidator) {}

  query<Return>(handler: Handler<QueryCtx<S>, Args, Return>): QueryDefinition<S, Args, Return> {
    return defineFunction("query", this.validator, handler);
  }
}

class QueryBuilderImpl<S extends SchemaDefinition>
  extends QueryWithArgs<S, EmptyArgs>
  implements QueryBuilder<S>
{
  input<F extends PropertyValidators>(
    validator: ObjectValidator<F, false>,
  ): QueryBuilderWithArgs<S, ObjectType<F>>;
  input<F extends PropertyValidators>(fields: F): QueryBuilderWithArgs<S, ObjectType<F>>;
  input<F extends PropertyValidators>(args: ArgsDeclaration): QueryBuilderWithArgs<S, ObjectType<F>> {
    return new QueryWithArgs<S, ObjectType<F>>(toArgsValidator(args));
  }
}

class MutationWithArgs<S extends SchemaDefinition, Args> implements MutationBuilderWithArgs<S, Args> {
  constructor(protected readonly validator: AnyObjectValidator) {}

  mutation<Return>(handler: Handler<MutationCtx<S>, Args, Return>): MutationDefinition<S, Args, Return> {
    return defineFunction("mutation", this.validator, handler);
  }
}

class MutationBuilderImpl<S extends SchemaDefinition>
  extends MutationWithArgs<S, EmptyArgs>
  implements MutationBuilder<S>
{
  input<F extends PropertyValidators>(
    validator: ObjectValidator<F, false>,
  ): MutationBuilderWithArgs<S, ObjectType<F>>;
  input<F extends PropertyValidators>(fields: F): MutationBuilderWithArgs<S, ObjectType<F>>;
  input<F extends PropertyValidators>(args: ArgsDeclaration): MutationBuilderWithArgs<S, ObjectType<F>> {
    return new MutationWithArgs<S, ObjectType<F>>(toArgsValidator(args));
  }
}

class ActionWithArgs<S extends SchemaDefinition, Env, Args> implements ActionBuilderWithArgs<S, Env, Args> {
  constructor(protected readonly validator: AnyObjectValidator) {}

  action<Return>(handler: Handler<ActionCtx<S, Env>, Args, Return>): ActionDefinition<S, Env, Args, Return> {
    return defineFunction("action", this.validator, handler);
  }
}

class ActionBuilderImpl<S extends SchemaDefinition, Env>
  extends ActionWithArgs<S, Env, EmptyArgs>
  implements ActionBuilder<S, Env>
{
  input<F extends PropertyValidators>(
    validator: ObjectValidator<F, false>,
  ): ActionBuilderWithArgs<S, Env, ObjectType<F>>;
  input<F extends PropertyValidators>(fields: F): ActionBuilderWithArgs<S, Env, ObjectType<F>>;
  input<F extends PropertyValidators>(args: ArgsDeclaration): ActionBuilderWithArgs<S, Env, ObjectType<F>> {
    return new ActionWithArgs<S, Env, ObjectType<F>>(toArgsValidator(args));
  }
}

/**
 * The app's `query`, `mutation` and `action`, typed to its schema (for `ctx.db`) and its
 * Worker env (for `ctx.env` in actions). Called once, like Convex's generated server file:
 *
 *   export const { query, mutation, action } = functionBuilders<typeof schema, Env>();
 *
 * Nothing here depends on the schema at run time; the generics carry it to the handlers.
 */
export function functionBuilders<S extends SchemaDefinition, Env = unknown>(): FunctionBuilders<S, Env> {
  return Object.freeze({
    query: new QueryBuilderImpl<S>(NO_ARGS),
    mutation: new MutationBuilderImpl<S>(NO_ARGS),
    action: new ActionBuilderImpl<S, Env>(NO_ARGS),
  });
}
