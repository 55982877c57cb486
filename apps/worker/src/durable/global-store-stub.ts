import type { Identity } from "@orrery/store";
import type { WireValue } from "@orrery/store/protocol";
import type { CallResult } from "./call-result";
import type { HttpRequestKey } from "./request-key";

/** The GlobalStore's RPC surface as the worker calls it. */
export interface GlobalStoreRpc {
  call(
    kind: "query" | "mutation" | "action",
    name: string,
    args: WireValue,
    identity: Identity | null,
    request?: HttpRequestKey,
  ): Promise<CallResult>;
  migrate(): Promise<{ migrations: number }>;
  fetch(request: Request): Promise<Response>;
}

/**
 * The namespace's GlobalStore. Typed through this narrow interface because the generated RPC
 * stub type recurses through the JSON value type until TypeScript gives up (TS2589).
 */
export function globalStoreFor(env: Env, namespace: string): GlobalStoreRpc {
  return env.GLOBAL_STORE.getByName(namespace) as unknown as GlobalStoreRpc;
}
