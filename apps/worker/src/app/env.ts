/**
 * What the example app's functions read from the Worker env (`ctx.env` in actions). Declared
 * here, structurally, rather than as the generated `Env`, so a browser app can import the
 * app's types (for typed `api` references) without the Workers runtime types.
 */
export interface AppEnv {
  readonly ORRERY_GLOBAL_BACKEND: "d1" | "postgres" | "mysql";
}
