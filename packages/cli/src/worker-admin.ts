import { UsageError } from "./command";

/** The default `basePath` of `createOrrery`, used when `--worker` is only an origin. */
const DEFAULT_BASE_PATH = "/api";
const TIMEOUT_MS = 120_000;

const fail = (message: string) => new UsageError(message, 1);

/**
 * An admin route's URL: `<worker>/<namespace>/admin/<route>`. `worker` is the URL Orrery's
 * routes are under (`http://localhost:8787/api`); a bare origin gets the default base path `/api`.
 */
export function adminRouteUrl(worker: string, namespace: string, route: string): URL {
  let base: URL;
  try {
    base = new URL(worker);
  } catch {
    throw new UsageError(`--worker must be a URL such as http://localhost:8787/api, got "${worker}"`);
  }
  if (base.protocol !== "http:" && base.protocol !== "https:")
    throw new UsageError(`--worker must be an http:// or https:// URL, got "${worker}"`);
  const path = base.pathname === "/" ? DEFAULT_BASE_PATH : base.pathname.replace(/\/+$/, "");
  return new URL(`${base.origin}${path}/${encodeURIComponent(namespace)}/admin/${route}`);
}

/** The worker's admin token: `--token`, else `$ORRERY_ADMIN_TOKEN`. */
export function adminToken(flag: unknown): string {
  const token = typeof flag === "string" && flag !== "" ? flag : process.env.ORRERY_ADMIN_TOKEN;
  if (!token) throw new UsageError("--worker needs the admin token: pass --token or set ORRERY_ADMIN_TOKEN");
  return token;
}

function unreachable(error: unknown, url: URL): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof cause?.code === "string" ? cause.code : "";
  const where = `the worker at ${url.origin}`;
  if (code === "ECONNREFUSED") return `cannot reach ${where}: connection refused (is "orrery dev" running?)`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return `cannot reach ${where}: host not found`;
  if ((error as Error).name === "TimeoutError")
    return `cannot reach ${where}: no answer within ${TIMEOUT_MS / 1000} s`;
  const detail = typeof cause?.message === "string" ? cause.message : (error as Error).message;
  return `cannot reach ${where}: ${detail}`;
}

/** An admin route's answer: its status, its body as text, and that body read as JSON (or `{}`). */
export interface AdminAnswer<T> {
  readonly status: number;
  readonly text: string;
  readonly body: Partial<T> & { error?: { code?: string; message?: string } };
}

/**
 * Calls an admin route with the bearer token. An unreachable worker, a refused token (401) and
 * a missing route (404, a wrong `--worker`) are errors naming what to fix; any other answer is
 * the caller's to read. `what` names the route in those errors ("seed route").
 */
export async function callAdminRoute<T>(
  url: URL,
  request: { method: "GET" | "POST"; token: string; body?: unknown; what: string },
  fetchImpl: typeof fetch = fetch,
): Promise<AdminAnswer<T>> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: request.method,
      headers: {
        authorization: `Bearer ${request.token}`,
        ...(request.body === undefined ? {} : { "content-type": "application/json" }),
      },
      ...(request.body === undefined ? {} : { body: JSON.stringify(request.body) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw fail(unreachable(error, url));
  }
  const text = await response.text().catch(() => "");
  let body: AdminAnswer<T>["body"];
  try {
    const parsed: unknown = JSON.parse(text);
    body = typeof parsed === "object" && parsed !== null ? (parsed as AdminAnswer<T>["body"]) : {};
  } catch {
    body = {};
  }
  if (response.status === 401)
    throw fail(
      `the worker at ${url.origin} refused the admin token (401): pass --token (or set ORRERY_ADMIN_TOKEN) to the worker's ORRERY_ADMIN_TOKEN secret`,
    );
  if (response.status === 404)
    throw fail(
      `no ${request.what} at ${url.href} (404): --worker must be the URL Orrery's routes are under, e.g. http://localhost:8787/api`,
    );
  return { status: response.status, text, body };
}

/** `(503 MAINTENANCE: …)`-style detail of a refused call, for one-line errors. */
export function refusalDetail(answer: AdminAnswer<unknown>): string {
  const { error } = answer.body;
  const reason = error ? `${error.code}: ${error.message}` : answer.text.slice(0, 200).trim();
  return `${answer.status}${reason ? ` ${reason}` : ""}`;
}
