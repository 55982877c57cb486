import { spawnSync } from "node:child_process";
import {
  existsSync,
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
import { afterAll, describe, expect, it } from "vitest";
import { parseJsonc } from "../../src/dev/jsonc";
import { d1ForMigrations } from "../../src/dev/wrangler-config";
import { main } from "../../src/main";
import { recordingIo } from "../../src/testing";

const CLI = fileURLToPath(new URL("../..", import.meta.url));
const REPO = path.resolve(CLI, "../..");
const folders: string[] = [];
afterAll(() => {
  for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
});

function tempFolder(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), "orrery-init-test-"));
  folders.push(folder);
  return folder;
}

async function init(cwd: string, ...args: string[]) {
  const io = recordingIo(cwd);
  const code = await main(["init", ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

function files(root: string): string[] {
  return readdirSync(root, { recursive: true, encoding: "utf8" })
    .filter((name) => statSync(path.join(root, name)).isFile())
    .map((name) => name.split(path.sep).join("/"))
    .sort();
}

const read = (root: string, file: string) => readFileSync(path.join(root, file), "utf8");

describe("orrery init", () => {
  it("creates a project: package.json, wrangler.jsonc, the app, and its first migration", async () => {
    const cwd = tempFolder();
    const { code, stdout, stderr } = await init(cwd, "my-app");
    expect(stderr).toEqual([]);
    expect(code).toBe(0);
    const root = path.join(cwd, "my-app");
    expect(files(root)).toEqual([
      ".gitignore",
      "README.md",
      "migrations/0000_initial_schema.sql",
      "migrations/meta/0000_snapshot.json",
      "migrations/meta/_journal.json",
      "migrations/migrations.js",
      "orrery/app.ts",
      "orrery/messages.ts",
      "orrery/schema.ts",
      "orrery/server.ts",
      "package.json",
      "src/index.ts",
      "src/migrations.d.ts",
      "tsconfig.json",
      "wrangler.jsonc",
    ]);
    // The temporary node_modules the first migration needed is gone; no placeholder is left.
    expect(existsSync(path.join(root, "node_modules"))).toBe(false);
    for (const file of files(root)) expect(read(root, file)).not.toMatch(/\{\{\w+\}\}/);
    expect(stdout.slice(-4)).toEqual(["Next:", "  cd my-app", "  npm install", "  npm run dev"]);
    expect(stdout).toContain("  wrote migrations/migrations.js");

    const manifest = JSON.parse(read(root, "package.json"));
    expect(manifest).toMatchObject({
      name: "my-app",
      type: "module",
      scripts: {
        dev: "orrery dev",
        generate: "orrery generate",
        lint: "orrery lint",
        deploy: "wrangler deploy",
        typecheck: expect.stringMatching(/^wrangler types\b.* && tsc$/),
      },
      dependencies: { "@orrery/cloudflare": "^0.1.0", "@orrery/schema": "^0.1.0", "@orrery/store": "^0.1.0" },
      devDependencies: {
        "@orrery/cli": "^0.1.0",
        wrangler: "4.86.0",
        typescript: "5.9.3",
        "@cloudflare/workers-types": expect.any(String),
      },
    });

    const wrangler = parseJsonc(read(root, "wrangler.jsonc"));
    const repoWrangler = parseJsonc(read(REPO, "wrangler.jsonc")) as { compatibility_date: string };
    expect(wrangler).toMatchObject({
      name: "my-app",
      main: "src/index.ts",
      compatibility_date: repoWrangler.compatibility_date,
      compatibility_flags: ["nodejs_compat"],
      durable_objects: { bindings: [{ name: "GLOBAL_STORE", class_name: "GlobalStore" }] },
      migrations: [{ tag: "v1", new_sqlite_classes: ["GlobalStore"] }],
      d1_databases: [{ binding: "DB", database_id: expect.any(String), migrations_dir: "migrations" }],
      rules: [{ type: "Text", globs: ["**/*.sql"], fallthrough: true }],
      vars: { ORRERY_GLOBAL_BACKEND: "d1" },
    });
    expect(
      d1ForMigrations(
        { file: path.join(root, "wrangler.jsonc"), raw: wrangler as Record<string, unknown> },
        path.join(root, "migrations"),
      ),
    ).toMatchObject({ binding: "DB" });

    expect(read(root, "src/index.ts")).toContain("export class GlobalStore extends orrery.GlobalStore {}");
    expect(read(root, "src/index.ts")).toContain("createOrrery({ app, migrations })");
    expect(read(root, ".gitignore")).toContain("node_modules");
    expect(read(root, "orrery/messages.ts")).toMatch(/export const list = query/);
    expect(read(root, "orrery/messages.ts")).toMatch(/export const send = mutation/);
    expect(read(root, "README.md")).toContain("npm install\nnpm run dev\n");
    expect(read(root, "migrations/0000_initial_schema.sql")).toContain("CREATE TABLE `messages`");
    expect(read(root, "migrations/0000_initial_schema.sql")).toContain("CREATE INDEX `messages__by_channel`");
  });

  it("names the project after its folder unless --name says otherwise", async () => {
    const cwd = tempFolder();
    expect((await init(cwd, "My Chat App!")).code).toBe(0);
    expect(JSON.parse(read(path.join(cwd, "My Chat App!"), "package.json")).name).toBe("my-chat-app");
    expect((await init(cwd, "other", "--name", "chat")).code).toBe(0);
    expect(JSON.parse(read(path.join(cwd, "other"), "package.json")).name).toBe("chat");
    expect(parseJsonc(read(path.join(cwd, "other"), "wrangler.jsonc"))).toMatchObject({ name: "chat" });
    const bad = await init(cwd, "third", "--name", "Not_Valid");
    expect(bad.code).toBe(2);
    expect(bad.stderr[0]).toMatch(/--name "Not_Valid" is not a valid Worker name/);
    expect(existsSync(path.join(cwd, "third"))).toBe(false);
  });

  it("refuses a folder that is not empty, writing nothing (exit 2)", async () => {
    const cwd = tempFolder();
    mkdirSync(path.join(cwd, "taken"));
    writeFileSync(path.join(cwd, "taken", "notes.txt"), "mine");
    const { code, stdout, stderr } = await init(cwd, "taken");
    expect(code).toBe(2);
    expect(stdout).toEqual([]);
    expect(stderr).toEqual([
      "orrery init: taken is not empty; choose a new folder (orrery init never overwrites)",
    ]);
    expect(readdirSync(path.join(cwd, "taken"))).toEqual(["notes.txt"]);
  });

  it("accepts an existing empty folder, and . as the folder", async () => {
    const cwd = tempFolder();
    mkdirSync(path.join(cwd, "empty-app"));
    const { code, stdout } = await init(path.join(cwd, "empty-app"), ".");
    expect(code).toBe(0);
    expect(stdout.slice(-3)).toEqual(["Next:", "  npm install", "  npm run dev"]);
    expect(JSON.parse(read(path.join(cwd, "empty-app"), "package.json")).name).toBe("empty-app");
  });

  it("--link points the @orrery dependencies at a checkout; refuses a folder that is not one", async () => {
    const cwd = tempFolder();
    const { code, stdout } = await init(cwd, "linked", "--link", REPO);
    expect(code).toBe(0);
    const manifest = JSON.parse(read(path.join(cwd, "linked"), "package.json"));
    expect(manifest.dependencies).toEqual({
      "@orrery/cloudflare": `link:${path.join(REPO, "packages/cloudflare")}`,
      "@orrery/schema": `link:${path.join(REPO, "packages/schema")}`,
      "@orrery/store": `link:${path.join(REPO, "packages/store")}`,
    });
    expect(manifest.devDependencies["@orrery/cli"]).toBe(`link:${path.join(REPO, "packages/cli")}`);
    expect(stdout.slice(-2)).toEqual(["  pnpm install", "  pnpm dev"]);

    const bad = await init(cwd, "unlinked", "--link", cwd);
    expect(bad.code).toBe(2);
    expect(bad.stderr[0]).toMatch(/--link .*: not an Orrery checkout/);
  });

  it("explains itself with --help, and wants exactly one folder", async () => {
    const cwd = tempFolder();
    const help = await init(cwd, "--help");
    expect(help.code).toBe(0);
    expect(help.stdout.join("\n")).toMatch(
      /^Usage: orrery init <dir> \[--name <name>\] \[--link <orrery-repo>\]/,
    );
    expect(await init(cwd)).toMatchObject({ code: 2, stderr: [expect.stringMatching(/missing <dir>/)] });
    expect(await init(cwd, "a", "b")).toMatchObject({
      code: 2,
      stderr: [expect.stringMatching(/expected one <dir>/)],
    });
    expect((await init(cwd, "--bogus", "a")).code).toBe(2);
    expect(readdirSync(cwd)).toEqual([]);
  });

  it("writes a project that typechecks (tsc, with the workspace's packages as its node_modules)", async () => {
    const cwd = tempFolder();
    expect((await init(cwd, "typed")).code).toBe(0);
    const root = path.join(cwd, "typed");
    const link = (name: string, target: string) => {
      mkdirSync(path.dirname(path.join(root, "node_modules", name)), { recursive: true });
      symlinkSync(target, path.join(root, "node_modules", name), "junction");
    };
    for (const name of ["cloudflare", "schema", "store"])
      link(`@orrery/${name}`, path.join(REPO, "packages", name));
    link(
      "@cloudflare/workers-types",
      path.join(REPO, "packages/cloudflare/node_modules/@cloudflare/workers-types"),
    );
    link("@types/node", path.join(CLI, "node_modules/@types/node"));
    const tsc = spawnSync(process.execPath, [path.join(CLI, "node_modules/typescript/bin/tsc"), "-p", "."], {
      cwd: root,
      encoding: "utf8",
    });
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
  }, 60_000);
});
