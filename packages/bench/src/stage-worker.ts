import { execFileSync, spawnSync } from "node:child_process";
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { onExit } from "@orrery/test-harness";
import { UsageError } from "./options";

const root = fileURLToPath(new URL("../../..", import.meta.url));
const bench = join(root, "packages/bench");
const CLI = join(root, "packages/cli/bin/orrery.js");

/** The packages a revision's Orrery is built from (the rest of the repo is not needed). */
const ORRERY_PACKAGES = ["protocol", "schema", "store", "hyperdrive", "cloudflare"] as const;

/** The bench worker, copied where its Orrery is the one to measure, with fresh migrations. */
export interface StagedWorker {
  /** The staged `wrangler.jsonc`. */
  readonly config: string;
  /** Which Orrery it runs: a commit, or the working tree. */
  readonly orrery: string;
  remove(): void;
}

const git = (args: readonly string[]) =>
  execFileSync("git", args, {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, GIT_OPTIONAL_LOCKS: "0" },
  }).trim();

/** Extracts `rev`'s Orrery packages into `dir/packages` (read-only git: `git archive`). */
function extractRevision(rev: string, dir: string): string {
  let commit: string;
  try {
    commit = git(["rev-parse", "--verify", "--quiet", `${rev}^{commit}`]);
  } catch {
    throw new UsageError(`--rev: "${rev}" names no commit of this repository`);
  }
  const paths = ["tsconfig.base.json", ...ORRERY_PACKAGES.map((name) => `packages/${name}`)];
  const archive = spawnSync("git", ["archive", "--format=tar", commit, "--", ...paths], {
    cwd: root,
    maxBuffer: 512 * 2 ** 20,
  });
  if (archive.status !== 0)
    throw new Error(`git archive ${commit} failed: ${archive.stderr.toString().trim()}`);
  const untar = spawnSync("tar", ["-x", "-C", dir], { input: archive.stdout });
  if (untar.status !== 0) throw new Error(`extracting ${commit}: ${untar.stderr.toString().trim()}`);
  return commit.slice(0, 7);
}

/**
 * Rebuilds `from` (a package's pnpm node_modules) at `to` as symlinks to the same installed
 * packages, except `@orrery/*`, which point into `orreryRoot` (the revision under test).
 */
function mirrorNodeModules(from: string, to: string, orreryRoot: string): void {
  mkdirSync(to, { recursive: true });
  for (const entry of readdirSync(from)) {
    if (entry === ".bin") continue;
    if (!entry.startsWith("@")) {
      symlinkSync(realpathSync(join(from, entry)), join(to, entry));
      continue;
    }
    mkdirSync(join(to, entry));
    for (const name of readdirSync(join(from, entry))) {
      const ours = join(orreryRoot, name);
      const target = entry === "@orrery" && existsSync(ours) ? ours : realpathSync(join(from, entry, name));
      symlinkSync(target, join(to, entry, name));
    }
  }
}

/**
 * Stages the bench worker in a temp directory: its sources as they are here, Orrery either from
 * the working tree or, with `rev`, from that commit (its packages extracted with `git archive`,
 * their dependencies the installed ones), and the bench app's migrations generated anew by
 * `orrery generate` against that Orrery's system tables. Removed on exit.
 */
export function stageWorker(rev: string | null): StagedWorker {
  if (!existsSync(join(root, "packages/cli/dist/orrery.js")))
    throw new Error(
      "the orrery CLI is not built: run `npx -y pnpm@10.34.8 --filter @orrery/cli build` (turbo does it for `pnpm bench`)",
    );
  const dir = mkdtempSync(join(tmpdir(), "orrery-bench-worker-"));
  const remove = () => rmSync(dir, { recursive: true, force: true });
  const unregister = onExit(remove);
  try {
    let orrery: string;
    let orreryRoot = join(root, "packages");
    if (rev) {
      orrery = `${extractRevision(rev, dir)} (--rev ${rev})`;
      orreryRoot = join(dir, "packages");
      for (const name of ORRERY_PACKAGES) {
        const installed = join(root, "packages", name, "node_modules");
        if (existsSync(installed))
          mirrorNodeModules(installed, join(orreryRoot, name, "node_modules"), orreryRoot);
      }
    } else {
      orrery = workingTree();
      cpSync(join(root, "tsconfig.base.json"), join(dir, "tsconfig.base.json"));
    }
    const staged = join(dir, "packages/bench");
    mkdirSync(join(staged, "worker"), { recursive: true });
    cpSync(join(bench, "worker/src"), join(staged, "worker/src"), { recursive: true });
    // The tsconfig too: esbuild reads it (it extends the revision's tsconfig.base.json).
    for (const file of ["wrangler.jsonc", "tsconfig.json"])
      cpSync(join(bench, "worker", file), join(staged, "worker", file));
    cpSync(join(bench, "orrery.config.json"), join(staged, "orrery.config.json"));
    mirrorNodeModules(join(bench, "node_modules"), join(staged, "node_modules"), orreryRoot);
    const generated = spawnSync(process.execPath, [CLI, "generate", "--name", "bench"], {
      cwd: staged,
      encoding: "utf8",
    });
    if (generated.status !== 0)
      throw new Error(
        `orrery generate for the staged bench app failed:\n${generated.stderr || generated.stdout}`,
      );
    return {
      config: join(staged, "worker/wrangler.jsonc"),
      orrery,
      remove() {
        unregister();
        remove();
      },
    };
  } catch (error) {
    unregister();
    remove();
    throw error;
  }
}

/** The working tree's commit, and which Orrery packages differ from it right now. */
function workingTree(): string {
  try {
    const commit = git(["rev-parse", "--short", "HEAD"]);
    const changed = ORRERY_PACKAGES.filter(
      (name) => git(["status", "--porcelain", "--", `packages/${name}/src`]).length > 0,
    );
    return changed.length === 0
      ? `${commit} (working tree, clean)`
      : `${commit} + uncommitted changes in ${changed.map((name) => `packages/${name}`).join(", ")} (working tree)`;
  } catch {
    return "the working tree (no git)";
  }
}
