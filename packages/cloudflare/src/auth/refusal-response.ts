import { errorBody, statusOf, wireErrorOf } from "@orrery/protocol";

/**
 * The answer to a request whose token was refused: `{"error":{"code","message"}}` with the
 * code's status (401 `UNAUTHENTICATED`, 503 when the token could not be checked) and, for a
 * 401, the `WWW-Authenticate: Bearer` header RFC 6750 asks for.
 */
export function refusalResponse(error: unknown): Response {
  const { code, message } = wireErrorOf(error);
  const status = statusOf(code);
  const headers = new Headers({ "content-type": "application/json" });
  if (status === 401) {
    // A header value is Latin-1, and a quoted string cannot hold a bare quote.
    const description = message.replace(/[^\x20-\x7e]|["\\]/g, "'");
    headers.set("WWW-Authenticate", `Bearer error="invalid_token", error_description="${description}"`);
  }
  return new Response(JSON.stringify(errorBody(code, message)), { status, headers });
}
