import { useCallback, useSyncExternalStore } from "react";
import type { Maintenance } from "../sync/sync-engine";
import { useOrreryClient } from "./orrery-provider";

/**
 * `{ message }` while the namespace is in maintenance, else null, re-rendered on change: for a
 * banner saying changes are kept and will be saved when it ends.
 */
export function useMaintenance(): Maintenance | null {
  const client = useOrreryClient();
  const subscribe = useCallback((onChange: () => void) => client.subscribeToMaintenance(onChange), [client]);
  const getSnapshot = useCallback(() => client.maintenance(), [client]);
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}
