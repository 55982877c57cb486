// Compiled by `tsc` (typecheck), never run: what defineEtl's types let through, through the
// package's own `@orrery/cli/etl` export as a project imports it.
import { defineEtl, type SourceValue } from "@orrery/cli/etl";
import { schema } from "./app-schema";

export const accepted = defineEtl(schema, {
  namespace: "acme",
  tables: {
    user_table: {
      table: "users",
      columns: { is_admin: "isAdmin", created_at: "joinedAt", legacy: false },
      timestamp: { column: "created_at", unit: "ms" },
      transform: { name: (value: SourceValue | undefined) => String(value).trim() },
    },
    post_table: { table: "posts", references: { userId: "user_table", editorId: false } },
  },
});

// @ts-expect-error notes is a plain table: its rows live in the Durable Objects, not in Postgres/MySQL
defineEtl(schema, { tables: { note_table: { table: "notes" } } });
// @ts-expect-error no table "accounts"
defineEtl(schema, { tables: { account_table: { table: "accounts" } } });
// @ts-expect-error users has no field "karmaPoints"
defineEtl(schema, { tables: { user_table: { table: "users", columns: { karma: "karmaPoints" } } } });
// @ts-expect-error a transform names a field of its own table (posts has no "email")
defineEtl(schema, { tables: { post_table: { table: "posts", transform: { email: () => "" } } } });
defineEtl(schema, {
  // @ts-expect-error the unit is ms or s
  tables: { user_table: { table: "users", timestamp: { column: "created_at", unit: "us" } } },
});
