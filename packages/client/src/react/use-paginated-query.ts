import { toWire } from "@orrery/protocol";
import { useCallback, useMemo, useSyncExternalStore } from "react";
import { canonicalJson } from "../canonical-json";
import {
  PaginatedQuery,
  type PaginatedQueryArgs,
  type PaginatedQueryItem,
  type PaginatedQueryReference,
  type PaginatedQuerySnapshot,
  type PaginationStatus,
} from "../paginated-query";
import { useOrreryClient } from "./orrery-provider";

export interface UsePaginatedQueryResult<Item> {
  results: Item[];
  status: PaginationStatus;
  /** Loads `numItems` more; does nothing unless status is "CanLoadMore". */
  loadMore: (numItems: number) => void;
}

/**
 * A live list loaded page by page. Every loaded page stays subscribed, and pages are pinned
 * end to end (see `PaginatedQuery`), so items inserted or deleted anywhere in the loaded
 * range show up with no gap and no duplicate. New args start over from the first page.
 */
export function usePaginatedQuery<Q extends PaginatedQueryReference>(
  query: Q,
  args: PaginatedQueryArgs<Q> | "skip",
  options: { initialNumItems: number },
): UsePaginatedQueryResult<PaginatedQueryItem<Q>> {
  const client = useOrreryClient();
  const key = args === "skip" ? null : canonicalJson(toWire(args));
  const { initialNumItems } = options;
  const name = query.name;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` and `name` stand for `args` and `query`.
  const paginated = useMemo(
    () => (args === "skip" ? null : new PaginatedQuery(client, query, args, initialNumItems)),
    [client, name, key, initialNumItems],
  );
  const subscribe = useCallback(
    (onChange: () => void) => (paginated ? paginated.subscribe(onChange) : () => {}),
    [paginated],
  );
  const getSnapshot = useCallback(() => paginated?.snapshot() ?? skipped, [paginated]);
  const snapshot = useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
  if (snapshot.error) throw snapshot.error;
  return snapshot;
}

const skipped: PaginatedQuerySnapshot<never> = {
  results: [],
  status: "LoadingFirstPage",
  loadMore: () => false,
  error: undefined,
};
