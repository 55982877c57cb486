import { routeAgentRequest } from "agents";
import type { CommitTimes } from "./orrery/bench-store";
import {
  BenchStoreBase,
  MysqlStoreBase,
  orrery,
  orreryMysql,
  orreryPostgres,
  PostgresStoreBase,
} from "./orrery/instances";

export { CounterAgent } from "./counter-agent";
export { Floor } from "./floor";
export { RawCommit } from "./raw-commit";
export { RawMysql, RawPostgres } from "./raw-driver";
export { RawRelay } from "./raw-relay";
export { TinyBaseRelay } from "./tinybase-relay";

// Class declarations (not re-exported constants), as a user's worker names its GlobalStore.
export class BenchStore extends BenchStoreBase {}
export class BenchStorePostgres extends PostgresStoreBase {}
export class BenchStoreMysql extends MysqlStoreBase {}

/** The Durable Object bindings a room name is routed to, by the path's first segment. */
const ROOMS = {
  floor: "FLOOR",
  raw: "RAW_RELAY",
  "raw-commit": "RAW_COMMIT",
  tinybase: "TINYBASE",
  "raw-pg": "RAW_PG",
  "raw-mysql": "RAW_MYSQL",
} as const satisfies Record<string, keyof Cloudflare.Env>;

/** The GlobalStore bindings whose commit times `GET /bench/commit-times/<store>/<ns>` reads. */
const STORES = {
  orrery: "BENCH_STORE",
  "orrery-pg": "BENCH_STORE_PG",
  "orrery-mysql": "BENCH_STORE_MYSQL",
} as const;

/**
 * One worker hosting every peer side by side, so one workerd serves them all:
 * `/floor/<room>`, `/raw/<room>`, `/raw-commit/<room>`, `/tinybase/<room>`, `/agents/counter-agent/<room>`,
 * `/raw-pg/<room>`, `/raw-mysql/<room>` (WebSockets), Orrery under `/orrery`, `/orrery-pg` and
 * `/orrery-mysql`, and `/bench/health` and `/bench/commit-times/<store>/<namespace>`.
 */
export default {
  async fetch(request: Request, env: Cloudflare.Env, ctx: ExecutionContext): Promise<Response> {
    const url = new URL(request.url);
    const [, head = "", name = "", namespace = ""] = url.pathname.split("/");
    if (head in ROOMS && name) {
      const binding = env[ROOMS[head as keyof typeof ROOMS]] as DurableObjectNamespace;
      return binding.getByName(name).fetch(request);
    }
    switch (head) {
      case "agents":
        return (await routeAgentRequest(request, env)) ?? new Response("no such agent", { status: 404 });
      case "orrery":
        return orrery.worker.fetch(request, env, ctx);
      case "orrery-pg":
        return orreryPostgres.worker.fetch(request, env, ctx);
      case "orrery-mysql":
        return orreryMysql.worker.fetch(request, env, ctx);
      case "bench":
        if (name === "health") return new Response("ok");
        if (name === "commit-times" && url.pathname.split("/")[4]) {
          const store = STORES[namespace as keyof typeof STORES];
          if (!store) return new Response(`no store "${namespace}"`, { status: 404 });
          const stub = env[store].getByName(url.pathname.split("/")[4] ?? "") as unknown as {
            takeCommitTimes(): Promise<CommitTimes>;
          };
          return Response.json(await stub.takeCommitTimes());
        }
    }
    return new Response(`no route ${url.pathname}`, { status: 404 });
  },
} satisfies ExportedHandler<Cloudflare.Env>;
