import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../src/main";
import { recordingIo } from "../../src/testing";

// The workspace's @orrery/schema, linked into each temp project's node_modules the way an
// installed package sits in a user's project, so the schema module resolves it normally.
const ORRERY_SCHEMA = fileURLToPath(new URL("../../node_modules/@orrery/schema", import.meta.url));

const projects: string[] = [];

export const TASKS_SCHEMA = `import { defineSchema, defineTable, v } from "@orrery/schema";

export const schema = defineSchema({
  tasks: defineTable({ list: v.string(), text: v.string(), done: v.boolean() }).index("by_list", ["list"]),
});
`;

/** A temp project (under os.tmpdir()) with `orrery/schema.ts` and @orrery/schema installed. */
export function makeProject(schemaSource = TASKS_SCHEMA): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "orrery-generate-test-"));
  projects.push(root);
  mkdirSync(path.join(root, "node_modules", "@orrery"), { recursive: true });
  symlinkSync(ORRERY_SCHEMA, path.join(root, "node_modules", "@orrery", "schema"), "dir");
  writeSchema(root, schemaSource);
  return root;
}

export function writeSchema(root: string, source: string): void {
  mkdirSync(path.join(root, "orrery"), { recursive: true });
  writeFileSync(path.join(root, "orrery", "schema.ts"), source);
}

export function removeProjects(): void {
  for (const root of projects.splice(0)) rmSync(root, { recursive: true, force: true });
}

/** Runs `orrery generate <args>` in `root`. */
export async function generate(root: string, ...args: string[]) {
  const io = recordingIo(root);
  const code = await main(["generate", ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** Every file under `dir` (relative path → contents and mtime), to tell whether a run wrote anything. */
export function folderState(dir: string): Record<string, { contents: string; mtimeMs: number }> {
  const state: Record<string, { contents: string; mtimeMs: number }> = {};
  for (const name of readdirSync(dir, { recursive: true, encoding: "utf8" })) {
    const file = path.join(dir, name);
    if (statSync(file).isDirectory()) continue;
    state[name] = { contents: readFileSync(file, "utf8"), mtimeMs: statSync(file).mtimeMs };
  }
  return state;
}

export function readJson(file: string) {
  return JSON.parse(readFileSync(file, "utf8"));
}
