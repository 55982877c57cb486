import { bindingOf, type WorkerEnv } from "../options";
import type { GlobalStoreRpc } from "./global-store";

/**
 * The namespace's GlobalStore. Typed through its narrow RPC interface because the generated
 * stub type recurses through the JSON value type until TypeScript gives up (TS2589).
 */
export function globalStoreFor(env: WorkerEnv, binding: string, namespace: string): GlobalStoreRpc {
  const stores = bindingOf<DurableObjectNamespace>(
    env,
    binding,
    "a Durable Object binding (class GlobalStore)",
  );
  return stores.getByName(namespace) as unknown as GlobalStoreRpc;
}
