import { errorBody, statusOf, wireErrorOf } from "@orrery/protocol";
import type { SchemaDefinition } from "@orrery/schema";
import { createMiddleware } from "hono/factory";
import { bearerTokenOf } from "../auth/bearer";
import type { OrreryConfig, WorkerEnv } from "../options";

/** Constant-time comparison, so the token cannot be guessed a byte at a time. */
export function sameToken(a: string, b: string): boolean {
  const left = new TextEncoder().encode(a);
  const right = new TextEncoder().encode(b);
  let difference = left.length ^ right.length;
  for (let i = 0; i < Math.max(left.length, right.length); i++)
    difference |= (left[i] ?? 0) ^ (right[i] ?? 0);
  return difference === 0;
}

type AdminCaller =
  | { readonly ok: true; readonly who: string }
  | { readonly ok: false; readonly code: string; readonly message: string };

/** Every admin call, allowed or refused, is one line in the Worker's log: who, what, and how it went. */
export const ADMIN_LOG_PREFIX = "orrery admin:";

/**
 * Who may call an admin route: the holder of the admin secret (`ORRERY_ADMIN_TOKEN`), or, with
 * `createOrrery({ adminClaim })`, a user whose verified token has that claim set to `true`.
 */
async function adminCallerOf<S extends SchemaDefinition>(
  config: OrreryConfig<S>,
  request: Request,
  env: WorkerEnv,
): Promise<AdminCaller> {
  const howTo = config.adminClaim
    ? `Authorization: Bearer <the admin token, or a token with "${config.adminClaim}": true>`
    : "Authorization: Bearer <the admin token>";
  const refused = (why: string): AdminCaller => ({
    ok: false,
    code: "UNAUTHORIZED",
    message: `${why}; an admin route needs ${howTo}`,
  });
  let token: string | null;
  try {
    token = bearerTokenOf(request);
  } catch (error) {
    return refused(wireErrorOf(error).message);
  }
  if (token === null) return refused("no Authorization header");
  const configured = env[config.adminTokenBinding];
  if (typeof configured === "string" && configured !== "" && sameToken(token, configured))
    return { ok: true, who: "admin token" };
  // Only a JWT-shaped token is worth verifying: anything else is simply a wrong admin token.
  if (!config.adminClaim || !config.auth || token.split(".").length !== 3)
    return refused("the token is not the admin token");
  try {
    const { identity } = await config.auth.verify(token, env);
    if (identity[config.adminClaim] === true) return { ok: true, who: `user ${identity.subject}` };
    return {
      ok: false,
      code: "FORBIDDEN",
      message: `user ${identity.subject} is not an admin: the token has no "${config.adminClaim}": true claim`,
    };
  } catch (error) {
    const { code, message } = wireErrorOf(error);
    return code === "UNAUTHENTICATED"
      ? refused(`the token was refused: ${message}`)
      : { ok: false, code, message };
  }
}

/** Lets admins through (see `adminCallerOf`) and logs each call, allowed or not. */
export const adminOnly = <S extends SchemaDefinition>(config: OrreryConfig<S>) =>
  createMiddleware<{ Bindings: WorkerEnv }>(async (c, next) => {
    const what = `${c.req.method} ${new URL(c.req.url).pathname}`;
    const caller = await adminCallerOf(config, c.req.raw, c.env);
    if (!caller.ok) {
      const status = statusOf(caller.code);
      console.log(`${ADMIN_LOG_PREFIX} refused ${what} (${status}): ${caller.message}`);
      return c.json(errorBody(caller.code, caller.message), status);
    }
    await next();
    console.log(`${ADMIN_LOG_PREFIX} ${caller.who} ${what} → ${c.res.status}`);
  });
