// The bindings of test/wrangler.jsonc. Runtime types come from @cloudflare/workers-types, so no
// generated worker-configuration.d.ts is kept here (the example app keeps the one).
declare namespace Cloudflare {
  interface Env {
    DB: D1Database;
    CONFORMANCE: DurableObjectNamespace<import("./worker").ConformanceObject>;
  }
}
interface Env extends Cloudflare.Env {}
