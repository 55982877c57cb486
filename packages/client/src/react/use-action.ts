import type { ActionReference, FunctionArgs, FunctionReturn } from "@orrery/protocol";
import { useMemo } from "react";
import { useOrreryClient } from "./orrery-provider";

/** A stable function that runs the action over HTTP (see `OrreryClient.action`). */
export function useAction<A extends ActionReference>(
  action: A,
): (args: FunctionArgs<A>) => Promise<FunctionReturn<A>> {
  const client = useOrreryClient();
  const name = action.name;
  // biome-ignore lint/correctness/useExhaustiveDependencies: `name` stands for `action`.
  return useMemo(() => (args: FunctionArgs<A>) => client.action(action, args), [client, name]);
}
