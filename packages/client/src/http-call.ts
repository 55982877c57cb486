import { fromWire, toWire } from "@orrery/protocol";
import { OrreryClientError } from "./client-error";

/**
 * `POST <url>` with JSON arguments, as the server's function routes take them: the decoded
 * `value`, or an `OrreryClientError` with the server's code (`NETWORK` / `PROTOCOL` when there
 * is no answer to read). `what` names the call in errors (`action tasks:summarize`).
 */
export async function postFunction(
  fetchImpl: typeof fetch,
  url: string,
  args: unknown,
  headers: Record<string, string>,
  what: string,
): Promise<unknown> {
  let response: Response;
  try {
    response = await fetchImpl(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body: JSON.stringify(toWire(args)),
    });
  } catch (error) {
    throw new OrreryClientError(
      "NETWORK",
      `${what}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  let body: unknown;
  try {
    body = await response.json();
  } catch {
    throw new OrreryClientError(
      "PROTOCOL",
      `${what}: HTTP ${response.status} answered with a body that is not JSON`,
    );
  }
  if (isRecord(body) && isRecord(body.error)) {
    const { code, message } = body.error;
    throw new OrreryClientError(
      typeof code === "string" ? code : "INTERNAL",
      typeof message === "string" ? message : `${what} failed`,
    );
  }
  if (isRecord(body) && "value" in body) return fromWire(body.value);
  throw new OrreryClientError(
    "PROTOCOL",
    `${what}: HTTP ${response.status} answered without "value" or "error"`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
