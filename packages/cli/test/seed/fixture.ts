import { writeFileSync } from "node:fs";
import path from "node:path";
import { main } from "../../src/main";
import { recordingIo } from "../../src/testing";
import { makeProject } from "../generate/fixture-project";

/** Two `.global()` tables (one referencing the other) and a plain one. */
export const SEED_SCHEMA = `import { defineSchema, defineTable, v } from "@orrery/schema";

export const schema = defineSchema({
  users: defineTable({
    email: v.string(),
    name: v.string(),
    admin: v.boolean(),
    credits: v.int64(),
    tags: v.array(v.string()),
    age: v.optional(v.number()),
  })
    .index("by_email", ["email"])
    .global(),
  posts: defineTable({ slug: v.string(), author: v.id("users"), body: v.string() }).global(),
  notes: defineTable({ text: v.string() }),
});
`;

export interface SeedOptions {
  /** Ada's name (change it to see an update in place). */
  adaName?: string;
  /** Grace's age: a string makes row 1 of users invalid. */
  graceAge?: string;
  /** A post body: a number makes row 0 of posts invalid. */
  postBody?: string;
}

/** The seed file: users as an array, posts from a generator (ids of users by seedId), notes plain. */
export function seedSource(options: SeedOptions = {}): string {
  return `import { defineSeed, seedId } from "@orrery/schema";
import { schema } from "./schema";

export default defineSeed(schema, {
  tables: {
    users: {
      key: ["email"],
      rows: [
        { email: "ada@example.com", name: ${JSON.stringify(options.adaName ?? "Ada")}, admin: true, credits: 10n, tags: ["math"], age: 36 },
        { email: "grace@example.com", name: "Grace", admin: false, credits: 9007199254740993n, tags: [], age: ${options.graceAge ?? "85"} },
        { email: "linus@example.com", name: "Linus", admin: false, credits: -1n, tags: ["git", "linux"] },
      ],
    },
    posts: {
      key: ["slug"],
      *rows() {
        yield { slug: "hello", author: seedId("users", { email: "ada@example.com" }), body: ${options.postBody ?? '"Hello"'} };
        yield { slug: "again", author: seedId("users", { email: "grace@example.com" }), body: "Again" };
      },
    },
    notes: { key: ["text"], rows: [{ text: "a plain table's row" }] },
  },
});
`;
}

/** A temp project with the seed schema and `orrery/seed.ts`. */
export function makeSeedProject(options: SeedOptions = {}): string {
  const root = makeProject(SEED_SCHEMA);
  writeSeed(root, options);
  return root;
}

export function writeSeed(root: string, options: SeedOptions = {}, file = "orrery/seed.ts"): void {
  writeFileSync(path.join(root, file), seedSource(options));
}

/** Runs `orrery seed <args>` in `root`. */
export async function seed(root: string, ...args: string[]) {
  const io = recordingIo(root);
  const code = await main(["seed", ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}
