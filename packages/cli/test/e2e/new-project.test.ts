// The path a newcomer takes, end to end, with the packages as they would be published: pack
// every @orrery package, `orrery init` a project outside the workspace, install it from the
// tarballs, `orrery dev`, talk to it over a plain WebSocket, change the schema, and run again.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { killAllDev, QUIET_ENV, startDev } from "./orrery-dev";
import { plainClient } from "./plain-client";
import { processes, run, waitFor } from "./processes";

const CLI = fileURLToPath(new URL("../..", import.meta.url));
const REPO = path.resolve(CLI, "../..");
const PNPM = ["-y", "pnpm@10.34.8"];

let temp: string;
let app: string;

/** `npm pack`-style tarball name: @orrery/schema 0.1.0 → orrery-schema-0.1.0.tgz. */
const tarballName = (name: string, version: string) =>
  `${name.replace("@", "").replace("/", "-")}-${version}.tgz`;

/** Packs every non-private package under packages/; returns package name → tarball path. */
async function packWorkspace(destination: string): Promise<Record<string, string>> {
  mkdirSync(destination, { recursive: true });
  const packed = readdirSync(path.join(REPO, "packages"))
    .map((folder) => path.join(REPO, "packages", folder))
    .filter((dir) => existsSync(path.join(dir, "package.json")))
    .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(path.join(dir, "package.json"), "utf8")) }))
    .filter(({ manifest }) => !manifest.private)
    .map(async ({ dir, manifest }) => {
      // `prepack` builds the CLI.
      await run("npx", [...PNPM, "pack", "--pack-destination", destination], { cwd: dir });
      const tarball = path.join(destination, tarballName(manifest.name, manifest.version));
      if (!existsSync(tarball)) throw new Error(`pnpm pack in ${dir} wrote no ${tarball}`);
      return [manifest.name as string, tarball] as const;
    });
  return Object.fromEntries(await Promise.all(packed));
}

/** Points every @orrery dependency, direct or not, at the tarballs. */
function installFromTarballs(root: string, tarballs: Record<string, string>): void {
  const file = path.join(root, "package.json");
  const manifest = JSON.parse(readFileSync(file, "utf8"));
  for (const deps of [manifest.dependencies, manifest.devDependencies]) {
    for (const name of Object.keys(deps)) {
      if (!name.startsWith("@orrery/")) continue;
      if (!tarballs[name]) throw new Error(`no tarball for ${name}`);
      deps[name] = `file:${tarballs[name]}`;
    }
  }
  manifest.pnpm = {
    ...manifest.pnpm,
    overrides: Object.fromEntries(
      Object.entries(tarballs).map(([name, tarball]) => [name, `file:${tarball}`]),
    ),
  };
  writeFileSync(file, `${JSON.stringify(manifest, null, 2)}\n`);
}

const orrery = (...args: string[]) =>
  run(path.join(app, "node_modules", ".bin", "orrery"), args, { cwd: app, env: QUIET_ENV });

/** No process of the group, and none running from the project's folder. */
function assertNothingLeft(group: number): void {
  const left = processes().filter((p) => p.pgid === group || p.args.includes(app));
  expect(left.map((p) => `${p.pid} ${p.args}`)).toEqual([]);
}

beforeAll(async () => {
  temp = mkdtempSync(path.join(os.tmpdir(), "orrery-e2e-"));
  // `orrery init` below runs this repo's CLI from dist/ (packing the CLI builds it too).
  await run(process.execPath, ["build.mjs"], { cwd: CLI });
  const tarballs = await packWorkspace(path.join(temp, "tarballs"));
  expect(Object.keys(tarballs)).toEqual(
    expect.arrayContaining([
      "@orrery/cli",
      "@orrery/cloudflare",
      "@orrery/hyperdrive",
      "@orrery/schema",
      "@orrery/store",
    ]),
  );
  // The CLI as built in this repo.
  const init = await run(process.execPath, [path.join(CLI, "bin", "orrery.js"), "init", "chat"], {
    cwd: temp,
  });
  expect(init).toContain("wrote migrations/0000_initial_schema.sql");
  app = path.join(temp, "chat");
  installFromTarballs(app, tarballs);
  await run("npx", [...PNPM, "install", "--no-frozen-lockfile"], { cwd: app, env: QUIET_ENV });
}, 300_000);

afterAll(async () => {
  await killAllDev();
  if (temp) rmSync(temp, { recursive: true, force: true });
}, 60_000);

describe("a new project from the packed packages", () => {
  it("typechecks, lints, and is up to date with its migrations as init left it", async () => {
    expect(readFileSync(path.join(app, "node_modules", "@orrery", "cli", "package.json"), "utf8")).toContain(
      '"version": "0.1.0"',
    );
    await run("npx", [...PNPM, "run", "typecheck"], { cwd: app, env: QUIET_ENV });
    await run("npx", [...PNPM, "run", "lint"], { cwd: app, env: QUIET_ENV });
    expect(await orrery("generate")).toContain("No schema changes; migrations in migrations are up to date.");
    // The installed CLI ships its templates and finds its own @orrery/schema for init's migration.
    expect(await orrery("init", path.join(temp, "second"))).toContain("wrote migrations/migrations.js");
  }, 120_000);

  it("orrery dev serves messages:list live over a plain WebSocket, and Ctrl-C stops everything", async () => {
    const dev = await startDev(app);
    expect(dev.output()).toContain("▶ generating migrations");
    expect(dev.output()).toContain("▶ applying D1 migrations locally");
    expect(dev.output()).toMatch(/▶ starting wrangler dev on http:\/\/localhost:\d+/);
    expect(await (await fetch(`${dev.url}/api/health`)).json()).toMatchObject({
      ok: true,
      globalBackend: "d1",
    });

    const watcher = await plainClient(dev.url, "e2e");
    const writer = await plainClient(dev.url, "e2e");
    try {
      watcher.send({ type: "subscribe", id: "q1", query: "messages:list", args: { channel: "general" } });
      expect(await watcher.next((m) => m.type === "transition")).toMatchObject({
        updates: [{ id: "q1", value: [] }],
      });
      writer.send({
        type: "mutate",
        requestId: "m1",
        mutation: "messages:send",
        args: { channel: "general", body: "hello" },
      });
      const result = await writer.next((m) => m.type === "mutationResult");
      expect(result).toMatchObject({
        ok: true,
        value: expect.any(String),
        commitVersion: expect.any(Number),
      });
      expect(await watcher.next((m) => m.type === "transition")).toMatchObject({
        toVersion: result.commitVersion,
        updates: [{ id: "q1", value: [{ _id: result.value, channel: "general", body: "hello" }] }],
      });
    } finally {
      await Promise.all([watcher.close(), writer.close()]);
    }

    const { code, wranglerGroup } = await dev.stop();
    expect(code).toBe(0);
    expect(wranglerGroup).toBeGreaterThan(0);
    assertNothingLeft(wranglerGroup);
  }, 240_000);

  it("a new optional field: orrery generate writes 0001, orrery dev applies it, and a mutation writes it", async () => {
    const schemaFile = path.join(app, "orrery", "schema.ts");
    writeFileSync(
      schemaFile,
      readFileSync(schemaFile, "utf8").replace(
        "body: v.string() }",
        "body: v.string(), author: v.optional(v.string()) }",
      ),
    );
    const messagesFile = path.join(app, "orrery", "messages.ts");
    writeFileSync(
      messagesFile,
      readFileSync(messagesFile, "utf8")
        .replace(
          "{ channel: v.string(), body: v.string() }",
          "{ channel: v.string(), body: v.string(), author: v.optional(v.string()) }",
        )
        .replace("{ channel: args.channel, body }", "{ channel: args.channel, body, author: args.author }"),
    );
    const generated = await orrery("generate");
    expect(generated).toContain("wrote migrations/0001_add_author.sql (1 statement)");
    expect(readFileSync(path.join(app, "migrations", "0001_add_author.sql"), "utf8")).toBe(
      "ALTER TABLE `messages` ADD `author` text;",
    );

    const dev = await startDev(app);
    // Nothing left to generate; local D1 gets 0001 (wrangler lists the migration it applies).
    expect(dev.output()).toContain("No schema changes");
    expect(dev.output()).toMatch(/0001_add_author\.sql/);
    const client = await plainClient(dev.url, "e2e");
    try {
      client.send({ type: "subscribe", id: "q1", query: "messages:list", args: { channel: "general" } });
      const first = await client.next((m) => m.type === "transition");
      expect(first).toMatchObject({ updates: [{ id: "q1", value: [{ body: "hello" }] }] });
      client.send({
        type: "mutate",
        requestId: "m2",
        mutation: "messages:send",
        args: { channel: "general", body: "with an author", author: "ada" },
      });
      const result = await client.next((m) => m.type === "mutationResult");
      expect(result).toMatchObject({ ok: true, value: expect.any(String) });
      expect(await client.next((m) => m.type === "transition")).toMatchObject({
        toVersion: result.commitVersion,
        updates: [
          {
            id: "q1",
            value: [{ body: "hello" }, { _id: result.value, body: "with an author", author: "ada" }],
          },
        ],
      });
    } finally {
      await client.close();
    }
    // The query over HTTP returns the new field too.
    const listed = await fetch(`${dev.url}/api/e2e/queries/messages:list`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ channel: "general" }),
    });
    expect(await listed.json()).toMatchObject({ value: [{ body: "hello" }, { author: "ada" }] });

    // While dev runs: another field, saved, is generated, applied and served without a restart.
    writeFileSync(
      schemaFile,
      readFileSync(schemaFile, "utf8").replace(
        "author: v.optional(v.string()) }",
        "author: v.optional(v.string()), pinned: v.optional(v.boolean()) }",
      ),
    );
    writeFileSync(
      messagesFile,
      readFileSync(messagesFile, "utf8")
        .replace(
          "author: v.optional(v.string()) }",
          "author: v.optional(v.string()), pinned: v.optional(v.boolean()) }",
        )
        .replace("author: args.author }", "author: args.author, pinned: args.pinned }"),
    );
    await waitFor(
      () => (/0002_add_pinned\.sql/.test(dev.output().split("▶ schema changed")[1] ?? "") ? true : undefined),
      "orrery dev to write and apply 0002",
      60_000,
      dev.output,
    );
    const pinned = await waitFor(
      async () => {
        const response = await fetch(`${dev.url}/api/e2e/mutations/messages:send`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ channel: "general", body: "pinned", pinned: true }),
        });
        // INVALID_ARGUMENT until wrangler has reloaded the worker with the new validator.
        return response.ok ? ((await response.json()) as { value: string }) : undefined;
      },
      "the reloaded worker to take messages:send with pinned",
      60_000,
      dev.output,
    );
    const after = await fetch(`${dev.url}/api/e2e/queries/messages:list`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ channel: "general" }),
    });
    expect(((await after.json()) as { value: unknown[] }).value.at(-1)).toMatchObject({
      _id: pinned.value,
      pinned: true,
    });

    const { code, wranglerGroup } = await dev.stop();
    expect(code).toBe(0);
    expect(wranglerGroup).toBeGreaterThan(0);
    assertNothingLeft(wranglerGroup);
  }, 300_000);
});
