import { readFileSync } from "node:fs";
import path from "node:path";
import { main } from "../../src/main";
import { recordingIo } from "../../src/testing";

export { makeProject, removeProjects, writeSchema } from "../generate/fixture-project";

/** A schema with one `.global()` table. */
export const GLOBAL_SCHEMA = `import { defineSchema, defineTable, v } from "@orrery/schema";

export const schema = defineSchema({
  notes: defineTable({ text: v.string() }),
  tasks: defineTable({ list: v.string(), text: v.string(), done: v.boolean() })
    .index("by_list", ["list"])
    .global(),
});
`;

/** GLOBAL_SCHEMA with an optional `dueDate` field and an index on it. */
export const WITH_DUE_DATE = GLOBAL_SCHEMA.replace(
  "done: v.boolean() })",
  "done: v.boolean(), dueDate: v.optional(v.number()) })",
).replace('.index("by_list", ["list"])', '.index("by_list", ["list"])\n    .index("by_due", ["dueDate"])');

/** Runs `orrery migrate <args>` in `root`. */
export async function migrate(root: string, ...args: string[]) {
  const io = recordingIo(root);
  const code = await main(["migrate", ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

export function readText(root: string, ...parts: string[]): string {
  return readFileSync(path.join(root, ...parts), "utf8");
}
