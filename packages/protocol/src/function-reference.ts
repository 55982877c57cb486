/**
 * Typed names of functions. The server registers modules of functions ("tasks" → { list,
 * add }); a client imports only the *type* of those modules and gets `api.tasks.list`, a
 * reference whose name is "tasks:list" and whose types carry the arguments and result. A
 * wrong name, argument or field is then a compile error, and no server code is bundled.
 */

export type FunctionKind = "query" | "mutation" | "action";

/**
 * What a function builder produces, as far as references care: its kind, plus phantom
 * `__args` / `__return` (always `undefined` at run time) that carry its types.
 */
export interface FunctionShape<Kind extends FunctionKind = FunctionKind, Args = unknown, Return = unknown> {
  readonly kind: Kind;
  readonly __args: Args;
  readonly __return: Return;
}

export interface FunctionReference<
  Kind extends FunctionKind = FunctionKind,
  Args = unknown,
  Return = unknown,
> {
  readonly name: string;
  readonly __kind: Kind;
  readonly __args: Args;
  readonly __return: Return;
}

export type AnyFunctionReference = FunctionReference<FunctionKind, unknown, unknown>;
export type QueryReference<Args = unknown, Return = unknown> = FunctionReference<"query", Args, Return>;
export type MutationReference<Args = unknown, Return = unknown> = FunctionReference<"mutation", Args, Return>;
export type ActionReference<Args = unknown, Return = unknown> = FunctionReference<"action", Args, Return>;

export type FunctionArgs<F extends AnyFunctionReference> = F["__args"];
export type FunctionReturn<F extends AnyFunctionReference> = Awaited<F["__return"]>;

type ReferenceOf<F> =
  F extends FunctionShape<infer Kind, infer Args, infer Return>
    ? FunctionReference<Kind, Args, Awaited<Return>>
    : never;

/** The shape of `api`: for each module, a reference for each exported function. */
export type ApiFromModules<Modules extends Record<string, object>> = {
  readonly [M in keyof Modules & string]: {
    readonly [E in keyof Modules[M] & string as Modules[M][E] extends FunctionShape ? E : never]: ReferenceOf<
      Modules[M][E]
    >;
  };
};

/**
 * `const api = createApi<AppApi<typeof app>>()`: typed references built from the app's type
 * alone (its `modules`), so a client imports only `type` and bundles no server code.
 */
export type AppApi<A extends { readonly modules: Record<string, object> }> = ApiFromModules<A["modules"]>;

/** Builds `api` at run time: any `api.module.fn` is a reference named "module:fn". */
export function createApi<Api>(): Api {
  return new Proxy(
    {},
    {
      get: (_target, module) =>
        typeof module === "string"
          ? new Proxy(
              {},
              {
                get: (_inner, fn) =>
                  typeof fn === "string" ? functionReference(`${module}:${fn}`) : undefined,
              },
            )
          : undefined,
    },
  ) as Api;
}

export function functionReference<Kind extends FunctionKind, Args, Return>(
  name: string,
): FunctionReference<Kind, Args, Return> {
  return { name } as FunctionReference<Kind, Args, Return>;
}

/** A reference or a plain "module:fn" string, as the protocol carries it. */
export function functionName(reference: AnyFunctionReference | string): string {
  return typeof reference === "string" ? reference : reference.name;
}
