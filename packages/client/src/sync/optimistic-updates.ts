import type { FunctionArgs, FunctionReturn, QueryReference } from "@orrery/protocol";
import { toWire } from "@orrery/protocol";
import { queryToken } from "../canonical-json";
import type { QueryResult } from "../query-result";
import type { SubscriptionEntry } from "./subscription-set";

/**
 * The view an optimistic update gets of the client's query results: what is shown now
 * (server results plus earlier pending updates), and a way to change it.
 */
export interface OptimisticLocalStore {
  /** The value shown for a query, or undefined if it is loading, failed or not subscribed. */
  getQuery<Q extends QueryReference>(query: Q, args: FunctionArgs<Q>): FunctionReturn<Q> | undefined;
  /** Every subscribed instance of a query, with its arguments. */
  getAllQueries<Q extends QueryReference>(
    query: Q,
  ): { args: FunctionArgs<Q>; value: FunctionReturn<Q> | undefined }[];
  /**
   * Sets what a query shows while the mutation is pending; `undefined` shows it as loading.
   * Queries the client is not subscribed to are left alone: nothing would show them.
   */
  setQuery<Q extends QueryReference>(
    query: Q,
    args: FunctionArgs<Q>,
    value: FunctionReturn<Q> | undefined,
  ): void;
}

export type OptimisticUpdate<Args> = (localStore: OptimisticLocalStore, args: Args) => void;

interface Layer {
  readonly requestId: string;
  readonly apply: (localStore: OptimisticLocalStore) => void;
  /** Layers re-run on every change; a broken one is reported once, not every time. */
  reported: boolean;
}

/** A query's result with every pending optimistic update applied; undefined = loading. */
type Shown = QueryResult | undefined;

/**
 * Pending optimistic updates, layered over the server's results in call order. The displayed
 * results are recomputed from scratch whenever either side changes, so each update re-applies
 * on top of every new server result until its mutation fails or is reflected by the server.
 */
export class OptimisticUpdates {
  private layers: Layer[] = [];
  /** Results that differ from the server's because of a layer. */
  private overrides = new Map<string, Shown>();

  constructor(private readonly onUpdateError: (error: unknown) => void = defaultOnUpdateError) {}

  add(requestId: string, apply: (localStore: OptimisticLocalStore) => void): void {
    this.layers.push({ requestId, apply, reported: false });
  }

  /** Drops a layer; returns whether there was one (the caller then recomputes). */
  remove(requestId: string): boolean {
    const before = this.layers.length;
    this.layers = this.layers.filter((layer) => layer.requestId !== requestId);
    return this.layers.length !== before;
  }

  get size(): number {
    return this.layers.length;
  }

  /** The result to show for a token, given the server's result for it. */
  shown(token: string, server: Shown): Shown {
    return this.overrides.has(token) ? this.overrides.get(token) : server;
  }

  /**
   * Re-runs every layer over the server's results. Returns the tokens whose shown result may
   * differ from before.
   */
  recompute(queries: readonly SubscriptionEntry[], server: (token: string) => Shown): string[] {
    const previous = this.overrides;
    const next = new Map<string, Shown>();
    const byToken = new Map(queries.map((query) => [query.token, query]));
    const current = (token: string): Shown => (next.has(token) ? next.get(token) : server(token));
    const localStore: OptimisticLocalStore = {
      getQuery: (query, args) => shownValue(current(queryToken(query.name, toWire(args)))),
      getAllQueries: (query) =>
        queries
          .filter((entry) => entry.name === query.name)
          .map((entry) => ({ args: entry.decodedArgs, value: shownValue(current(entry.token)) })),
      setQuery: (query, args, value) => {
        const token = queryToken(query.name, toWire(args));
        if (!byToken.has(token)) return;
        const stale = server(token)?.stale ?? false;
        next.set(token, value === undefined ? undefined : { status: "value", value, stale });
      },
    };
    for (const layer of this.layers) {
      try {
        layer.apply(localStore);
      } catch (error) {
        // A broken update must not take down the results of every other query.
        if (!layer.reported) this.onUpdateError(error);
        layer.reported = true;
      }
    }
    this.overrides = next;
    const changed = new Set<string>();
    for (const token of previous.keys())
      if (!next.has(token) || next.get(token) !== previous.get(token)) changed.add(token);
    for (const token of next.keys()) if (!previous.has(token)) changed.add(token);
    return [...changed];
  }
}

// The local store is typed per query by its callers; the results it holds are unknown.
function shownValue<T>(result: Shown): T | undefined {
  return result?.status === "value" ? (result.value as T) : undefined;
}

function defaultOnUpdateError(error: unknown): void {
  console.error("orrery: an optimistic update threw; it is skipped", error);
}
