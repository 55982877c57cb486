declare namespace Cloudflare {
  interface Env {
    /** The Node-side database agent of the Hyperdrive pool configs (test-support/database-agent.ts). */
    TEST_AGENT_URL: string;
  }
}
