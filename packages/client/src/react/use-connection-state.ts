import { useCallback, useSyncExternalStore } from "react";
import type { ConnectionState } from "../connection-state";
import { useOrreryClient } from "./orrery-provider";

/** The client's connection state and pending mutation count, re-rendered on change. */
export function useConnectionState(): ConnectionState {
  const client = useOrreryClient();
  const subscribe = useCallback(
    (onChange: () => void) => client.subscribeToConnectionState(onChange),
    [client],
  );
  const getSnapshot = useCallback(() => client.connectionState(), [client]);
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}
