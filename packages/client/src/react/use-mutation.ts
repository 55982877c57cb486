import type { FunctionArgs, FunctionReturn, MutationReference } from "@orrery/protocol";
import { useMemo } from "react";
import type { OrreryClient } from "../orrery-client";
import type { OptimisticUpdate } from "../sync/optimistic-updates";
import { useOrreryClient } from "./orrery-provider";

export interface ReactMutation<M extends MutationReference> {
  (args: FunctionArgs<M>): Promise<FunctionReturn<M>>;
  /** The same mutation, applying `update` to the shown query results until it completes. */
  withOptimisticUpdate(update: OptimisticUpdate<FunctionArgs<M>>): ReactMutation<M>;
}

/** A stable function that runs the mutation (see `OrreryClient.mutation`). */
export function useMutation<M extends MutationReference>(mutation: M): ReactMutation<M> {
  const client = useOrreryClient();
  const name = mutation.name;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `name` stands for `mutation`.
  return useMemo(() => makeMutation(client, mutation, undefined), [client, name]);
}

function makeMutation<M extends MutationReference>(
  client: OrreryClient,
  mutation: M,
  optimisticUpdate: OptimisticUpdate<FunctionArgs<M>> | undefined,
): ReactMutation<M> {
  const run = (args: FunctionArgs<M>) =>
    client.mutation(mutation, args, optimisticUpdate ? { optimisticUpdate } : {});
  return Object.assign(run, {
    withOptimisticUpdate: (update: OptimisticUpdate<FunctionArgs<M>>) => {
      if (optimisticUpdate) throw new Error(`${mutation.name}: an optimistic update is already set`);
      return makeMutation(client, mutation, update);
    },
  });
}
