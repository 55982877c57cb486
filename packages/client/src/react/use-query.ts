import type { FunctionArgs, FunctionReturn, QueryReference } from "@orrery/protocol";
import { toWire } from "@orrery/protocol";
import { useCallback, useMemo, useSyncExternalStore } from "react";
import { canonicalJson } from "../canonical-json";
import { useOrreryClient } from "./orrery-provider";

/**
 * The live result of a query: undefined while it loads (or with "skip"), then every new
 * result as the server pushes it. A query that fails throws its `OrreryClientError` during
 * render, for the nearest error boundary to catch, as Convex does.
 */
export function useQuery<Q extends QueryReference>(
  query: Q,
  args: FunctionArgs<Q> | "skip",
): FunctionReturn<Q> | undefined {
  const client = useOrreryClient();
  const name = query.name;
  // Callers pass a fresh args object on every render; key on its content instead.
  const key = args === "skip" ? null : canonicalJson(toWire(args));
  // biome-ignore lint/correctness/useExhaustiveDependencies: `key` stands for `args`' content.
  const stableArgs = useMemo(() => args, [key]);
  // `api.x.y` makes a new reference object each time; the name is what identifies it.
  // biome-ignore lint/correctness/useExhaustiveDependencies: `name` stands for `query`.
  const stableQuery = useMemo(() => query, [name]);
  const subscribe = useCallback(
    (onChange: () => void) =>
      stableArgs === "skip" ? () => {} : client.watchQuery(stableQuery, stableArgs, onChange),
    [client, stableQuery, stableArgs],
  );
  const getSnapshot = useCallback(
    () => (stableArgs === "skip" ? undefined : client.queryResult(stableQuery, stableArgs)),
    [client, stableQuery, stableArgs],
  );
  const result = useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
  if (result?.status === "error") throw result.error;
  return result?.value;
}
