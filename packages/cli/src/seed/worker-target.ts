import { toWire } from "@orrery/protocol";
import { UsageError } from "../command";
import { adminRouteUrl, callAdminRoute, refusalDetail } from "../worker-admin";
import type { PreparedTable } from "./prepare-seed";
import type { SeedCounts } from "./sql-target";

/**
 * Posts every table's rows, with their stable `_id`s, to the namespace's admin seed route; the
 * Durable Object upserts them in one mutation (plain tables in its SQLite, `.global()` ones in
 * the worker's backend, e.g. local D1). Returns each table's counts.
 */
export async function seedWorker(
  worker: string,
  namespace: string,
  token: string,
  tables: readonly PreparedTable[],
  fetchImpl: typeof fetch = fetch,
): Promise<Record<string, SeedCounts>> {
  const url = adminRouteUrl(worker, namespace, "seed");
  const body = {
    tables: Object.fromEntries(
      tables.map((table) => [
        table.name,
        { rows: table.rows.map((row) => ({ _id: row.id, ...row.fields })) },
      ]),
    ),
  };
  const answer = await callAdminRoute<{ value: { tables?: Record<string, SeedCounts> } }>(
    url,
    { method: "POST", token, body: toWire(body), what: "seed route" },
    fetchImpl,
  );
  if (answer.status < 200 || answer.status > 299)
    throw new UsageError(`the worker refused the seed (${refusalDetail(answer)})`, 1);
  const counts = answer.body.value?.tables;
  if (!counts)
    throw new UsageError(
      `unexpected answer from ${url.href} (${answer.status}): ${answer.text.slice(0, 200)}`,
      1,
    );
  return counts;
}
