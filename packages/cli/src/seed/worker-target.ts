import { toWire } from "@orrery/protocol";
import { UsageError } from "../command";
import type { PreparedTable } from "./prepare-seed";
import type { SeedCounts } from "./sql-target";

const fail = (message: string) => new UsageError(message, 1);

/** The default `basePath` of `createOrrery`, used when `--worker` is only an origin. */
const DEFAULT_BASE_PATH = "/api";

/**
 * The seed route's URL: `<worker>/<namespace>/admin/seed`. `worker` is the URL Orrery's routes
 * are under (`http://localhost:8787/api`); a bare origin gets the default base path `/api`.
 */
export function seedRouteUrl(worker: string, namespace: string): URL {
  let base: URL;
  try {
    base = new URL(worker);
  } catch {
    throw new UsageError(`--worker must be a URL such as http://localhost:8787/api, got "${worker}"`);
  }
  if (base.protocol !== "http:" && base.protocol !== "https:")
    throw new UsageError(`--worker must be an http:// or https:// URL, got "${worker}"`);
  const path = base.pathname === "/" ? DEFAULT_BASE_PATH : base.pathname.replace(/\/+$/, "");
  return new URL(`${base.origin}${path}/${encodeURIComponent(namespace)}/admin/seed`);
}

function unreachable(error: unknown, url: URL): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === "string" ? cause.code : "";
  const where = `the worker at ${url.origin}`;
  if (code === "ECONNREFUSED") return `cannot reach ${where}: connection refused (is "orrery dev" running?)`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `cannot reach ${where}: host not found`;
  if ((error as Error).name === "TimeoutError") return `cannot reach ${where}: no answer within 120 s`;
  const detail = typeof cause?.message === "string" ? cause.message : (error as Error).message;
  return `cannot reach ${where}: ${detail}`;
}

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
  const url = seedRouteUrl(worker, namespace);
  const body = {
    tables: Object.fromEntries(
      tables.map((table) => [
        table.name,
        { rows: table.rows.map((row) => ({ _id: row.id, ...row.fields })) },
      ]),
    ),
  };
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: "POST",
      headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
      body: JSON.stringify(toWire(body)),
      signal: AbortSignal.timeout(120_000),
    });
  } catch (error) {
    throw fail(unreachable(error, url));
  }
  const text = await response.text().catch(() => "");
  let answer: {
    value?: { tables?: Record<string, SeedCounts> };
    error?: { code?: string; message?: string };
  };
  try {
    answer = JSON.parse(text) as typeof answer;
  } catch {
    answer = {};
  }
  if (response.status === 401)
    throw fail(
      `the worker at ${url.origin} refused the admin token (401): pass --token (or set ORRERY_ADMIN_TOKEN) to the worker's ORRERY_ADMIN_TOKEN secret`,
    );
  if (response.status === 404)
    throw fail(
      `no seed route at ${url.href} (404): --worker must be the URL Orrery's routes are under, e.g. http://localhost:8787/api`,
    );
  if (!response.ok) {
    const reason = answer.error ? `${answer.error.code}: ${answer.error.message}` : text.slice(0, 200).trim();
    throw fail(`the worker refused the seed (${response.status}${reason ? ` ${reason}` : ""})`);
  }
  const counts = answer.value?.tables;
  if (!counts) throw fail(`unexpected answer from ${url.href} (${response.status}): ${text.slice(0, 200)}`);
  return counts;
}
