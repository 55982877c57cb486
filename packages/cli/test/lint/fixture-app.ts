import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { main } from "../../src/main";
import { recordingIo } from "../../src/testing";

export const repoRoot = fileURLToPath(new URL("../../../../", import.meta.url));
export const exampleApp = path.join(repoRoot, "apps/worker/src/app");

const created: string[] = [];

/**
 * A throwaway app root: package.json, `src/app/<files>`, and node_modules/@orrery linked to
 * this workspace's packages, so fixtures type-check against the real store and schema.
 * Returns the root; the functions are in `<root>/src/app`.
 */
export function makeApp(files: Record<string, string>, copyFrom?: string): string {
  const root = mkdtempSync(path.join(os.tmpdir(), "orrery-lint-"));
  created.push(root);
  writeFileSync(
    path.join(root, "package.json"),
    '{ "name": "fixture", "private": true, "type": "module" }\n',
  );
  mkdirSync(path.join(root, "node_modules/@orrery"), { recursive: true });
  for (const name of ["store", "schema"])
    symlinkSync(path.join(repoRoot, "packages", name), path.join(root, "node_modules/@orrery", name), "dir");
  const functions = path.join(root, "src/app");
  if (copyFrom) cpSync(copyFrom, functions, { recursive: true });
  mkdirSync(functions, { recursive: true });
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(functions, name), text);
  return root;
}

export function removeApps(): void {
  for (const root of created.splice(0)) rmSync(root, { recursive: true, force: true });
}

/** A schema with one index per table, and the builders; each fixture adds its functions. */
export const baseFiles: Record<string, string> = {
  "schema.ts": `import { defineSchema, defineTable, v } from "@orrery/schema";

export const schema = defineSchema({
  tasks: defineTable({ list: v.string(), text: v.string(), done: v.boolean() }).index("by_list", ["list"]),
  orders: defineTable({ customer: v.string(), status: v.string() }).index("by_customer", ["customer"]),
});

export type AppSchema = typeof schema;
`,
  "server.ts": `import { functionBuilders } from "@orrery/store";
import type { AppSchema } from "./schema";

export const { query, mutation, action } = functionBuilders<AppSchema>();
`,
};

/** 1-based line and column of the first `needle` in `text`, as findings count them. */
export function positionOf(text: string, needle: string): { line: number; column: number } {
  const index = text.indexOf(needle);
  if (index < 0) throw new Error(`fixture lacks ${JSON.stringify(needle)}`);
  const before = text.slice(0, index).split("\n");
  return { line: before.length, column: (before.at(-1)?.length ?? 0) + 1 };
}

/** Runs `orrery lint --dir src/app <flags>` in `root`, recording what it printed. */
export async function lintApp(root: string, ...flags: string[]) {
  const io = recordingIo(root);
  const code = await main(["lint", "--dir", "src/app", ...flags], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}
