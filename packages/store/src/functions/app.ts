import { type FunctionKind, functionName, type MutationReference, OrreryError } from "@orrery/protocol";
import { assertValid, type SchemaDefinition } from "@orrery/schema";
import type { CronJobs, ResolvedCron } from "../scheduler/cron-jobs";
import type { Identity } from "./auth";
import { type AnyFunctionDefinition, type DefinitionOfKind, isFunctionDefinition } from "./definition";
import { isModulePath, parseFunctionName } from "./function-name";

/** `{ tasks, counters }` where each is `import * as tasks from "./tasks"`. */
export type AppModules = Record<string, object>;

/** Turns a request into the caller's identity (verify a token, read a session); null = anonymous. */
export type Authenticate = (request: Request) => Identity | null | Promise<Identity | null>;

export interface AppDefinition<S extends SchemaDefinition, Modules extends AppModules> {
  readonly schema: S;
  readonly modules: Modules;
  readonly auth?: Authenticate;
  /** The app's crons (`cronJobs()`, usually the default export of `crons.ts`). */
  readonly crons?: CronJobs;
  /**
   * Outbox topics this app consumes: for each, the mutation that receives each message (in the
   * namespace that published it, with the message id as its request id). See
   * docs/scheduler-and-outbox.md.
   */
  readonly consumers?: Readonly<Record<string, MutationReference | string>>;
}

export interface OrreryApp<S extends SchemaDefinition, Modules extends AppModules = AppModules> {
  readonly schema: S;
  readonly modules: Modules;
  /** Every registered "module:export", sorted. */
  readonly functionNames: readonly string[];
  /** The function called `name`; NOT_FOUND when there is none, INVALID_ARGUMENT for a wrong kind. */
  resolve(name: string): AnyFunctionDefinition<S>;
  resolve<K extends FunctionKind>(name: string, expectedKind: K): DefinitionOfKind<S, K>;
  /** The caller of `request` per the app's `auth`; null when the app has none. */
  identify(request: Request): Promise<Identity | null>;
  /** Every declared cron, its function resolved. */
  readonly crons: readonly ResolvedCron[];
  /** The crons that run in `namespace`: the per-namespace ones and those pinned to it. */
  cronsFor(namespace: string): ResolvedCron[];
  /** The mutation that consumes `topic`'s messages, if the app declared one. */
  consumerOf(topic: string): string | undefined;
}

// `AppApi<typeof app>`, the type of `api`, lives with the function references in @orrery/protocol.
export type { AppApi } from "@orrery/protocol";

function isKind<S extends SchemaDefinition, K extends FunctionKind>(
  definition: AnyFunctionDefinition<S>,
  kind: K,
): definition is DefinitionOfKind<S, K> {
  return definition.kind === kind;
}

class App<S extends SchemaDefinition, Modules extends AppModules> implements OrreryApp<S, Modules> {
  readonly schema: S;
  readonly modules: Modules;
  readonly functionNames: readonly string[];
  readonly crons: readonly ResolvedCron[];
  private readonly functions = new Map<string, AnyFunctionDefinition<S>>();
  private readonly authenticate: Authenticate | undefined;
  private readonly consumers: ReadonlyMap<string, string>;

  constructor(definition: AppDefinition<S, Modules>) {
    this.schema = definition.schema;
    this.modules = definition.modules;
    this.authenticate = definition.auth;
    for (const [modulePath, module] of Object.entries(definition.modules)) {
      if (!isModulePath(modulePath)) {
        throw new OrreryError(
          "INVALID_ARGUMENT",
          `defineApp: module name ${JSON.stringify(modulePath)} must be identifier segments separated by "/"`,
        );
      }
      // Constants and helpers exported next to the functions are not functions: skip them.
      for (const [exportName, value] of Object.entries(module)) {
        if (isFunctionDefinition<S>(value)) this.functions.set(`${modulePath}:${exportName}`, value);
      }
    }
    this.functionNames = Object.freeze([...this.functions.keys()].sort());
    // Checked now, so a cron or consumer naming a missing function fails at startup.
    this.crons = Object.freeze(
      (definition.crons?.jobs ?? []).map((cron): ResolvedCron => {
        const target = this.resolve(cron.functionName);
        if (target.kind === "query")
          throw new OrreryError(
            "INVALID_ARGUMENT",
            `cron "${cron.name}": "${cron.functionName}" is a query; a cron runs a mutation or an action`,
          );
        assertValid(target.args, cron.args ?? {}, `cron "${cron.name}" args`);
        return { ...cron, kind: target.kind };
      }),
    );
    this.consumers = new Map(
      Object.entries(definition.consumers ?? {}).map(([topic, ref]) => {
        const name = functionName(ref);
        this.resolve(name, "mutation");
        return [topic, name];
      }),
    );
  }

  cronsFor(namespace: string): ResolvedCron[] {
    return this.crons.filter((cron) => cron.namespace === undefined || cron.namespace === namespace);
  }

  consumerOf(topic: string): string | undefined {
    return this.consumers.get(topic);
  }

  resolve(name: string): AnyFunctionDefinition<S>;
  resolve<K extends FunctionKind>(name: string, expectedKind: K): DefinitionOfKind<S, K>;
  resolve<K extends FunctionKind>(name: string, expectedKind?: K): AnyFunctionDefinition<S> {
    parseFunctionName(name);
    const definition = this.functions.get(name);
    if (!definition) {
      const known = this.functionNames.length > 0 ? this.functionNames.join(", ") : "none";
      throw new OrreryError("NOT_FOUND", `unknown function "${name}" (known: ${known})`);
    }
    if (expectedKind !== undefined && !isKind(definition, expectedKind)) {
      throw new OrreryError(
        "INVALID_ARGUMENT",
        `"${name}" is a ${definition.kind}, not ${article(expectedKind)}`,
      );
    }
    return definition;
  }

  async identify(request: Request): Promise<Identity | null> {
    return this.authenticate ? await this.authenticate(request) : null;
  }
}

function article(kind: FunctionKind): string {
  return kind === "action" ? "an action" : `a ${kind}`;
}

/**
 * Registers the app's functions under "module:export" names. Module objects are scanned once,
 * here, so a misnamed module fails at startup and lookups are a map read.
 */
export function defineApp<S extends SchemaDefinition, Modules extends AppModules>(
  definition: AppDefinition<S, Modules>,
): OrreryApp<S, Modules> {
  return new App(definition);
}
