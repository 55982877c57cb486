import { useCallback, useSyncExternalStore } from "react";
import type { AuthState } from "../auth/token-auth";
import { useOrreryClient } from "./orrery-provider";

/**
 * Who the server says this client is (`client.auth()`), re-rendered on change: for "signed in
 * as …" and for rendering signed-in-only parts once `status` is `authenticated`.
 */
export function useAuth(): AuthState {
  const client = useOrreryClient();
  const subscribe = useCallback((onChange: () => void) => client.subscribeToAuth(onChange), [client]);
  const getSnapshot = useCallback(() => client.auth(), [client]);
  return useSyncExternalStore(subscribe, getSnapshot, getSnapshot);
}
