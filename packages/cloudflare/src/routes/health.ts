import type { SchemaDefinition } from "@orrery/schema";
import { Hono } from "hono";
import type { OrreryConfig, WorkerEnv } from "../options";

/** `GET <base>/health`: that the worker runs, and where its `.global()` tables live. */
export const healthRoute = <S extends SchemaDefinition>(config: OrreryConfig<S>) =>
  new Hono<{ Bindings: WorkerEnv }>().get("/health", (c) =>
    // Choosing the backend connects nothing (Hyperdrive connects on first use).
    c.json({
      ok: true,
      service: "orrery",
      globalBackend: config.globalBackend(c.env, config.app.schema).name,
    }),
  );
