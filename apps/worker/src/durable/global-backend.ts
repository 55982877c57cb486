import { createD1Exec, type SqlExec } from "@orrery/store";

/**
 * Where `.global()` tables live, chosen by the ORRERY_GLOBAL_BACKEND var: D1 by default;
 * Postgres and MySQL through Hyperdrive in the `postgres` and `mysql` wrangler environments.
 */
export function globalBackend(env: Env): SqlExec {
  switch (env.ORRERY_GLOBAL_BACKEND) {
    case "d1":
      return createD1Exec(env.DB);
    case "postgres":
    case "mysql":
      throw new Error(
        `ORRERY_GLOBAL_BACKEND="${env.ORRERY_GLOBAL_BACKEND}" needs the Hyperdrive backend, which this build does not include yet`,
      );
    default:
      env.ORRERY_GLOBAL_BACKEND satisfies never;
      throw new Error(
        `unknown ORRERY_GLOBAL_BACKEND "${String(env.ORRERY_GLOBAL_BACKEND)}" (use d1, postgres or mysql)`,
      );
  }
}
