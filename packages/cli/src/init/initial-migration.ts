import { mkdirSync, rmSync, symlinkSync, unlinkSync } from "node:fs";
import path from "node:path";
import type { CommandIo } from "../command";
import { generateCommand } from "../commands/generate";

/**
 * Runs `orrery generate` in the new project before it is installed, so `migrations/` (which
 * src/index.ts imports) exists from the start. The schema module needs @orrery/schema, which
 * the project has not installed yet: `schemaPackageDir` (the CLI's own, or the linked repo's)
 * is linked into a temporary node_modules for the run and removed after.
 */
export async function writeInitialMigration(
  root: string,
  schemaPackageDir: string,
  io: CommandIo,
): Promise<number> {
  const nodeModules = path.join(root, "node_modules");
  const link = path.join(nodeModules, "@orrery", "schema");
  mkdirSync(path.dirname(link), { recursive: true });
  symlinkSync(schemaPackageDir, link, "junction");
  try {
    return await generateCommand.run({
      values: {},
      positionals: [],
      io: { cwd: root, out: (line) => io.out(line), err: (line) => io.err(line) },
    });
  } finally {
    // The link first, so removing the folder can never reach into the package it points at.
    unlinkSync(link);
    rmSync(nodeModules, { recursive: true, force: true });
  }
}
