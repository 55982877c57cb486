import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { main } from "../../src/main";
import { recordingIo } from "../../src/testing";
import { makeProject, removeProjects, writeSchema } from "../generate/fixture-project";

afterAll(removeProjects);

const SCHEMA = `import { defineSchema, defineTable, v } from "@orrery/schema";

export const schema = defineSchema({
  messages: defineTable({ channel: v.string(), body: v.string() }).index("by_channel", ["channel"]),
});
`;

const WRANGLER_JSONC = `// A test config.
{
  "name": "fake", // comment
  "rules": [{ "type": "Text", "globs": ["**/*.sql"] }],
  "d1_databases": [{ "binding": "DB", "database_id": "x", "migrations_dir": "migrations" },],
  "env": {
    "staging": {
      "d1_databases": [{ "binding": "STAGING_DB", "migrations_dir": "./migrations" }],
      "hyperdrive": [{ "binding": "FAKE_PG", "id": "x", "localConnectionString": "postgres://u:p@127.0.0.1:6432/db" }],
    },
  },
}
`;

// Records its arguments; `wrangler dev` then runs until the project has a `stop` file, and
// exits with the code written in it.
const FAKE_WRANGLER = `#!/usr/bin/env node
const fs = require("node:fs");
const path = require("node:path");
const root = path.resolve(__dirname, "../..");
fs.appendFileSync(path.join(root, "wrangler-calls.jsonl"), JSON.stringify(process.argv.slice(2)) + "\\n");
if (process.argv[2] === "dev") {
  const stop = path.join(root, "stop");
  setInterval(() => {
    if (fs.existsSync(stop)) process.exit(Number(fs.readFileSync(stop, "utf8")));
  }, 20);
}
`;

/** A project with the fake wrangler in node_modules/.bin (and @orrery/schema, for generate). */
function fakeProject(wranglerJsonc = WRANGLER_JSONC): string {
  const root = makeProject(SCHEMA);
  writeFileSync(path.join(root, "wrangler.jsonc"), wranglerJsonc);
  writeFileSync(path.join(root, "orrery", "messages.ts"), "export const nothing = 1;\n");
  mkdirSync(path.join(root, "node_modules", ".bin"), { recursive: true });
  writeFileSync(path.join(root, "node_modules", ".bin", "wrangler"), FAKE_WRANGLER);
  chmodSync(path.join(root, "node_modules", ".bin", "wrangler"), 0o755);
  return root;
}

function calls(root: string): string[][] {
  const file = path.join(root, "wrangler-calls.jsonl");
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .trim()
    .split("\n")
    .map((line) => JSON.parse(line) as string[]);
}

async function until(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  for (const deadline = Date.now() + timeoutMs; !condition(); ) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe("orrery dev (with a stand-in wrangler)", () => {
  it("generates, applies D1 migrations, runs wrangler dev with its arguments, and exits with wrangler's code", async () => {
    const root = fakeProject();
    writeFileSync(path.join(root, "stop"), "3");
    const io = recordingIo(root);
    const code = await main(["dev", "--port", "9123", "--env", "staging", "--", "--ip", "0.0.0.0"], io);
    expect(io.stderr).toEqual([]);
    expect(code).toBe(3);
    const config = path.join(root, "wrangler.jsonc");
    expect(calls(root)).toEqual([
      ["d1", "migrations", "apply", "STAGING_DB", "--local", "--config", config, "--env", "staging"],
      // The app's driver reaches the local database itself: a stopped one cannot end wrangler.
      [
        "dev",
        "--config",
        config,
        "--port",
        "9123",
        "--env",
        "staging",
        "--var",
        "ORRERY_LOCAL_DATABASE_FAKE_PG:127.0.0.1:6432",
        "--ip",
        "0.0.0.0",
      ],
    ]);
    expect(io.stdout).toEqual([
      "▶ generating migrations",
      expect.stringMatching(/^ {2}wrote migrations\/0000_initial_schema\.sql/),
      "  wrote migrations/meta/0000_snapshot.json",
      "  wrote migrations/meta/_journal.json",
      "  wrote migrations/migrations.js",
      "▶ applying D1 migrations locally",
      "▶ starting wrangler dev on http://localhost:9123",
    ]);
  });

  it("on a schema change, writes the next migration and applies it to local D1 while wrangler runs", async () => {
    const root = fakeProject();
    const io = recordingIo(root);
    const running = main(["dev"], io);
    await until(() => calls(root).some((call) => call[0] === "dev"), "wrangler dev");
    expect(io.stdout.at(-1)).toBe("▶ starting wrangler dev on http://localhost:8787");

    writeSchema(
      root,
      SCHEMA.replace("body: v.string() }", "body: v.string(), author: v.optional(v.string()) }"),
    );
    await until(() => calls(root).length === 3, "the second D1 apply");
    expect(calls(root)[2]).toEqual([
      "d1",
      "migrations",
      "apply",
      "DB",
      "--local",
      "--config",
      path.join(root, "wrangler.jsonc"),
    ]);
    expect(existsSync(path.join(root, "migrations", "0001_add_author.sql"))).toBe(true);
    expect(io.stdout).toContain("▶ schema changed: generating migrations");
    expect(io.stdout).toContain("  wrote migrations/0001_add_author.sql (1 statement)");

    // A broken schema is reported and dev keeps serving the last good migrations.
    writeSchema(root, "export const schema = ;\n");
    await until(() => io.stderr.length > 0, "the error");
    expect(io.stderr[0]).toMatch(/generating migrations failed/);

    writeFileSync(path.join(root, "stop"), "0");
    expect(await running).toBe(0);
    expect(calls(root)).toHaveLength(3);
  });

  it("skips D1 when no D1 database uses the migrations folder", async () => {
    const root = fakeProject('{ "name": "fake" }');
    writeFileSync(path.join(root, "stop"), "0");
    const io = recordingIo(root);
    expect(await main(["dev"], io)).toBe(0);
    expect(io.stdout).toContain(
      "  no D1 database in wrangler.jsonc has migrations_dir migrations; skipping D1",
    );
    expect(calls(root).map((call) => call[0])).toEqual(["dev"]);
  });

  it("takes dev.port from the wrangler config when --port is not given", async () => {
    const root = fakeProject('{ "name": "fake", "dev": { "port": 8900 } }');
    writeFileSync(path.join(root, "stop"), "0");
    const io = recordingIo(root);
    expect(await main(["dev"], io)).toBe(0);
    expect(io.stdout.at(-1)).toBe("▶ starting wrangler dev on http://localhost:8900");
  });
});

describe("orrery dev stopping early", () => {
  it("exits with generate's code when the schema does not load, starting nothing and leaving no signal handler", async () => {
    const root = fakeProject();
    writeSchema(root, "export const schema = ;\n");
    const handlers = process.listenerCount("SIGINT");
    const io = recordingIo(root);
    expect(await main(["dev"], io)).toBe(1);
    expect(io.stderr[0]).toMatch(/^orrery generate: could not bundle orrery\/schema\.ts/);
    expect(calls(root)).toEqual([]);
    expect(process.listenerCount("SIGINT")).toBe(handlers);
  });
});

describe("orrery dev usage", () => {
  it("--help, bad flags and a missing wrangler", async () => {
    const root = makeProject(SCHEMA);
    writeFileSync(path.join(root, "wrangler.jsonc"), WRANGLER_JSONC);
    const run = async (...args: string[]) => {
      const io = recordingIo(root);
      return { code: await main(["dev", ...args], io), stdout: io.stdout, stderr: io.stderr };
    };
    const help = await run("--help");
    expect(help.code).toBe(0);
    expect(help.stdout.join("\n").split("\n")[0]).toBe(
      "Usage: orrery dev [--port <n>] [--env <name>] [-- <wrangler dev arguments>]",
    );
    expect(await run("--port", "http")).toMatchObject({
      code: 2,
      stderr: ['orrery dev: --port must be a number from 1 to 65535, got "http"'],
    });
    expect((await run("--port", "70000")).code).toBe(2);
    expect((await run("--ip", "0.0.0.0")).code).toBe(2);
    expect(await run("--env", "production")).toMatchObject({
      code: 2,
      stderr: ['orrery dev: wrangler.jsonc has no environment "production" (under "env")'],
    });
    const missing = await run();
    expect(missing.code).toBe(2);
    expect(missing.stderr[0]).toMatch(/wrangler not found in node_modules\/\.bin/);
    expect(existsSync(path.join(root, "migrations"))).toBe(false);
  });
});
