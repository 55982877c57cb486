/**
 * An identity provider outside the worker, as a real one is: the worker fetches its JWKS over
 * the network (miniflare's outbound service), so caching and key rotation are real. Tests set
 * its keys with `PUT <JWKS_URL>` and read or set its state at `CONTROL_URL`.
 */
export const ISSUER = "https://issuer.test/";
export const JWKS_URL = "https://issuer.test/.well-known/jwks.json";
export const CONTROL_URL = "https://issuer.test/control";

export interface IssuerState {
  /** JWKS fetches served so far. */
  fetches: number;
  /** While true, the JWKS answers 503. */
  down: boolean;
}

export function standInIssuer(): (request: Request) => Promise<Response> {
  let keys: unknown[] = [];
  const state: IssuerState = { fetches: 0, down: false };
  return async (request) => {
    const url = new URL(request.url);
    if (url.href === JWKS_URL && request.method === "PUT") {
      keys = ((await request.json()) as { keys: unknown[] }).keys;
      return new Response(null, { status: 204 });
    }
    if (url.href === JWKS_URL) {
      state.fetches++;
      if (state.down) return new Response("the issuer is down", { status: 503 });
      return Response.json({ keys });
    }
    if (url.href === CONTROL_URL && request.method === "PUT")
      Object.assign(state, (await request.json()) as Partial<IssuerState>);
    if (url.href === CONTROL_URL) return Response.json(state);
    return new Response(`the tests reach no network (${url.href})`, { status: 502 });
  };
}
