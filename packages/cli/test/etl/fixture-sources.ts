import { readFileSync } from "node:fs";

/** The app's schema (test/etl/app-schema.ts, which tests also import), as a project's `orrery/schema.ts`. */
export const ETL_SCHEMA = readFileSync(new URL("./app-schema.ts", import.meta.url), "utf8");

/** How the legacy tables map onto it. */
export const ETL_CONFIG = `import { defineEtl } from "@orrery/cli/etl";
import { schema } from "./orrery/schema";

export default defineEtl(schema, {
  namespace: "acme",
  tables: {
    user_table: {
      table: "users",
      columns: { is_admin: "isAdmin", created_at: "joinedAt" },
      timestamp: "created_at",
    },
    post_table: {
      table: "posts",
      columns: { published_at: "publishedAt", created_at: "createdAt" },
      timestamp: "created_at",
    },
  },
});
`;
