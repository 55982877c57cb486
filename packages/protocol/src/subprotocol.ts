/** The WebSocket subprotocol of an Orrery socket; a server that takes a token answers with it. */
export const SUBPROTOCOL = "orrery";

/**
 * A socket's token travels at the upgrade as one more offered subprotocol, `orrery.auth.<token>`:
 * browsers let a page set `Sec-WebSocket-Protocol` (no other header), and unlike a query string
 * it stays out of URLs and the logs that keep them.
 */
export const TOKEN_SUBPROTOCOL_PREFIX = "orrery.auth.";

/** A subprotocol is an HTTP token: letters, digits and ``!#$%&'*+-.^_`|~``. A JWT is one. */
const HTTP_TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** The subprotocols a client offers: `orrery`, and the token's entry when it has one. */
export function subprotocolsFor(token: string | null): string[] {
  if (token === null) return [SUBPROTOCOL];
  if (!HTTP_TOKEN.test(token))
    throw new Error(
      "the token cannot travel as a WebSocket subprotocol: it must be made of letters, digits and !#$%&'*+-.^_`|~ (a JWT is)",
    );
  return [SUBPROTOCOL, `${TOKEN_SUBPROTOCOL_PREFIX}${token}`];
}

/** What an upgrade's `Sec-WebSocket-Protocol` offered: `orrery` or not, and the token, if any. */
export function readSubprotocols(header: string | null): { orrery: boolean; token: string | null } {
  const offered = (header ?? "")
    .split(",")
    .map((entry) => entry.trim())
    .filter((entry) => entry !== "");
  const carrying = offered.find((entry) => entry.startsWith(TOKEN_SUBPROTOCOL_PREFIX));
  const token = carrying?.slice(TOKEN_SUBPROTOCOL_PREFIX.length);
  return { orrery: offered.includes(SUBPROTOCOL), token: token ? token : null };
}
