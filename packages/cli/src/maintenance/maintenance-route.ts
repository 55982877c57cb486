import { UsageError } from "../command";
import { adminRouteUrl, callAdminRoute, refusalDetail } from "../worker-admin";

/** A namespace's maintenance mode, as the worker's admin route answers it. */
export type MaintenanceState = { on: false } | { on: true; message: string; since: number };

/**
 * Reads a namespace's maintenance mode (`GET <worker>/<ns>/admin/maintenance`) or sets it
 * (`POST` with `{ on, message? }`); the answer comes once it is in effect, so after `on`
 * no write of the namespace is still to land.
 */
export async function maintenanceRoute(
  worker: string,
  namespace: string,
  token: string,
  change?: { on: boolean; message?: string },
  fetchImpl: typeof fetch = fetch,
): Promise<MaintenanceState> {
  const url = adminRouteUrl(worker, namespace, "maintenance");
  const answer = await callAdminRoute<MaintenanceState & { namespace: string }>(
    url,
    change === undefined
      ? { method: "GET", token, what: "maintenance route" }
      : { method: "POST", token, body: change, what: "maintenance route" },
    fetchImpl,
  );
  if (answer.status < 200 || answer.status > 299)
    throw new UsageError(`the worker refused (${refusalDetail(answer)})`, 1);
  const { on, message, since } = answer.body as Partial<{ on: boolean; message: string; since: number }>;
  if (on === false) return { on };
  if (on === true && typeof message === "string" && typeof since === "number") return { on, message, since };
  throw new UsageError(
    `unexpected answer from ${url.href} (${answer.status}): ${answer.text.slice(0, 200)}`,
    1,
  );
}
