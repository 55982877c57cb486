// Secrets are not in wrangler.jsonc, so `wrangler types` cannot see them.
declare namespace Cloudflare {
  interface Env {
    /** Bearer token for /api/:namespace/admin/*; set with `wrangler secret put ORRERY_ADMIN_TOKEN`. */
    ORRERY_ADMIN_TOKEN?: string;
  }
}
