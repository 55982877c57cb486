import { readFileSync, truncateSync, writeFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import type { ExternalEngine } from "@orrery/schema";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { closeSpaces, openSpace, type Space } from "../support/database-spaces";
import {
  ETL_CONFIG,
  makeEtlProject,
  migrateLatest,
  orrery,
  printedChecksum,
  removeProjects,
} from "./fixture";
import { buildLegacyDatabase, type LegacyOptions, postRow, writeDatabase, writeDump } from "./legacy-d1";

afterEach(closeSpaces);
afterAll(removeProjects);

const SMALL = { users: 300, posts: 1000 } as const;

/** A project with `legacy.sqlite` (and `legacy.sql`, the same data as a dump). */
async function project(options: LegacyOptions = SMALL, config = ETL_CONFIG) {
  const root = await makeEtlProject(config);
  const db = await buildLegacyDatabase(options);
  writeDatabase(db, path.join(root, "legacy.sqlite"));
  writeDump(db, path.join(root, "legacy.sql"));
  db.close();
  return root;
}

async function migratedSpace(root: string, engine: ExternalEngine): Promise<Space> {
  const space = await openSpace(engine, { prefix: "etl", bigNumberStrings: true });
  await migrateLatest(root, space.url);
  return space;
}

const count = async (space: Space, table: string) =>
  Number((await space.query(`SELECT COUNT(*) AS n FROM ${table}`))[0]!.n);

async function tableNames(space: Space): Promise<string[]> {
  const rows =
    space.engine === "postgres"
      ? await space.query("SELECT table_name AS n FROM information_schema.tables WHERE table_schema = $1", [
          space.name,
        ])
      : await space.query("SELECT TABLE_NAME AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?", [
          space.name,
        ]);
  return rows.map((r) => String(r.n)).sort();
}

/** A port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe("orrery etl: what it refuses, before writing anything", () => {
  it("reports every mistake of the config at once, checked against the schema and the source", async () => {
    const config = `import { defineEtl } from "@orrery/cli/etl";
import { schema } from "./orrery/schema";

export default defineEtl(schema, {
  namespace: "acme",
  tables: {
    user_table: { table: "users", columns: { is_admin: "isAdmin", created_at: "joinedAt", nmae: "name", karma: "karmaPoints" }, timestamp: "createdAt" },
    post_table: { table: "posts", columns: { published_at: "publishedAt", created_at: "createdAt", title: false } },
    comment_table: { table: "comments" },
    note_table: { table: "notes" },
  },
});
`;
    const root = await project(
      { ...SMALL, extra: ["CREATE TABLE note_table (id INTEGER PRIMARY KEY, body TEXT, views REAL)"] },
      config,
    );
    const run = await orrery(root, "etl", "legacy.sqlite", "--url", "postgres://nobody@127.0.0.1:1/none");
    expect(run.code).toBe(1);
    expect(run.stdout).toEqual([]);
    expect(run.stderr).toEqual([
      "orrery etl: orrery.etl.ts: 8 problems",
      '  user_table: columns: unknown column "nmae" (user_table has: id, name, email, is_admin, created_at, settings, karma, avatar)',
      '  user_table: columns.karma: unknown field "karmaPoints" (users has: name, email, isAdmin, joinedAt, settings, karma, avatar)',
      '  user_table: timestamp: unknown column "createdAt" (user_table has: id, name, email, is_admin, created_at, settings, karma, avatar)',
      '  user_table: missing required field "karma" of users: no column fills it (map one in columns, or add a transform)',
      '  post_table: missing required field "title" of posts: no column fills it (map one in columns, or add a transform)',
      "  comment_table: no such table in legacy.sqlite (it has: note_table, post_table, user_table)",
      '  comment_table: table "comments" is not in the schema (it has: users, posts, notes)',
      `  note_table: table "notes" is not .global(): its rows live in each namespace's Durable Object, not in postgres`,
    ]);
  });

  it("names a column whose type cannot fill its field, a reference to a table it does not load, and a cycle", async () => {
    const config = ETL_CONFIG.replace(
      "post_table: {",
      `thread_table: { table: "threads", columns: { author: "userId" } },
    post_table: {`,
    )
      .replace(
        'columns: { is_admin: "isAdmin", created_at: "joinedAt" }',
        'columns: { is_admin: "isAdmin", created_at: "joinedAt", avatar: "name", name: false }',
      )
      .replace('table: "posts",', 'table: "posts", references: { userId: "thread_table" },');
    const schema = readFileSync(path.join(await makeEtlProject(), "orrery", "schema.ts"), "utf8").replace(
      "  notes:",
      `  threads: defineTable({ parent: v.optional(v.id("threads")), userId: v.optional(v.id("users")) }).global(),
  notes:`,
    );
    const root = await makeEtlProject(config, schema);
    const db = await buildLegacyDatabase({
      ...SMALL,
      extra: [
        "CREATE TABLE thread_table (id INTEGER PRIMARY KEY, parent INTEGER REFERENCES thread_table(id), author INTEGER REFERENCES account(id))",
      ],
    });
    writeDatabase(db, path.join(root, "legacy.sqlite"));
    const run = await orrery(root, "etl", "legacy.sqlite", "--url", "postgres://nobody@127.0.0.1:1/none");
    expect(run.code).toBe(1);
    expect(run.stderr).toEqual([
      "orrery etl: orrery.etl.ts: 4 problems",
      '  user_table: column "avatar" → users.name: a BLOB column cannot fill a string field',
      '  thread_table: column "author" → threads.userId: references "account", no such table in legacy.sqlite',
      '  post_table: column "userId" → posts.userId: the field is v.id("users") but thread_table loads into threads',
      "  the references form a cycle, thread_table → thread_table, so no table can load before the other: drop one with references: { <column>: false } (and fill it in later)",
    ]);
  });

  it("explains itself with --help, the verify subcommand too", async () => {
    const help = await orrery(process.cwd(), "etl", "--help");
    expect(help.code).toBe(0);
    expect(help.stdout[0]).toMatch(/^Usage: orrery etl \[<source>\] \[options\]\n {7}orrery etl verify/);
    expect(help.stdout[0]).toContain("--on-dangling <what>");
    const verify = await orrery(process.cwd(), "etl", "verify", "--help");
    expect(verify.stdout[0]).toMatch(/^Usage: orrery etl verify \[<source>\] \[options\]/);
    expect((await orrery(process.cwd(), "--help")).stdout[0]).toMatch(
      /\n {2}etl +Load a D1\/SQLite database into the \.global\(\) tables/,
    );
  });

  it("refuses a missing source, a file that is not SQLite, a corrupt one, a missing config, no target", async () => {
    const root = await project();
    const url = ["--url", "postgres://nobody@127.0.0.1:1/none"];
    expect(await orrery(root, "etl", "nowhere.sqlite", ...url)).toEqual({
      code: 2,
      stdout: [],
      stderr: ["orrery etl: source nowhere.sqlite not found"],
    });
    writeFileSync(
      path.join(root, "noise.sqlite"),
      Buffer.from(Array.from({ length: 8192 }, (_, i) => (i * 7919) % 251)),
    );
    expect((await orrery(root, "etl", "noise.sqlite", ...url)).stderr).toEqual([
      'orrery etl: noise.sqlite is not a SQLite database (no "SQLite format 3" header) nor a SQL dump',
    ]);
    const file = path.join(root, "legacy.sqlite");
    truncateSync(file, Math.floor(readFileSync(file).length / 2));
    const corrupt = await orrery(root, "etl", "legacy.sqlite", ...url);
    expect(corrupt.code).toBe(1);
    expect(corrupt.stderr).toEqual([
      expect.stringMatching(/^orrery etl: legacy\.sqlite is a corrupt SQLite file: .+/),
    ]);
    expect(await orrery(root, "etl", "legacy.sql", ...url, "--config", "missing.etl.ts")).toEqual({
      code: 2,
      stdout: [],
      stderr: [
        'orrery etl: missing.etl.ts not found: write one with export default defineEtl(schema, { tables }) from "@orrery/cli/etl"',
      ],
    });
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    try {
      expect((await orrery(root, "etl", "legacy.sql")).stderr).toEqual([
        "orrery etl: no target: set DATABASE_URL or pass --url postgres://… or mysql://…",
      ]);
    } finally {
      if (saved !== undefined) process.env.DATABASE_URL = saved;
    }
    expect((await orrery(root, "etl", "legacy.sql", ...url, "--chunk-size", "0")).stderr).toEqual([
      "orrery etl: --chunk-size 0: expected a whole number from 1 to 100000",
    ]);
    expect((await orrery(root, "etl", "legacy.sql", ...url, "--on-dangling", "ignore")).code).toBe(2);
  });

  it.each(["postgres", "mysql"] as const)(
    "refuses an unreachable %s in one line naming host and port, never the password",
    async (engine) => {
      const root = await project();
      const port = await closedPort();
      const url = `${engine}://app:s3cret-pw@127.0.0.1:${port}/shop`;
      const run = await orrery(root, "etl", "legacy.sqlite", "--url", url);
      expect(run.code).toBe(1);
      expect(run.stderr).toEqual([
        `orrery etl: cannot connect to ${engine} app@127.0.0.1:${port}/shop: connection refused (is the server running?)`,
      ]);
      expect(run.stdout).toEqual([]);
    },
  );

  it.each(["postgres", "mysql"] as const)(
    "on %s, refuses tables that do not exist or differ from the schema",
    async (engine) => {
      const root = await project();
      const empty = await openSpace(engine, { prefix: "etl" });
      const missing = await orrery(root, "etl", "legacy.sqlite", "--url", empty.url);
      expect(missing.code).toBe(1);
      expect(missing.stderr.slice(1)).toEqual([
        '  table "users" does not exist: run "orrery migrate latest" against this database first',
        '  table "posts" does not exist: run "orrery migrate latest" against this database first',
      ]);
      expect(await tableNames(empty)).toEqual([]);

      const space = await migratedSpace(root, engine);
      await space.query(
        engine === "postgres"
          ? 'ALTER TABLE posts DROP COLUMN "meta"'
          : "ALTER TABLE posts DROP COLUMN `meta`",
      );
      await space.query(
        engine === "postgres"
          ? 'ALTER TABLE users ALTER COLUMN "karma" TYPE TEXT'
          : "ALTER TABLE users MODIFY COLUMN `karma` LONGTEXT NOT NULL",
      );
      const differs = await orrery(root, "etl", "legacy.sqlite", "--url", space.url);
      expect(differs.code).toBe(1);
      expect(differs.stderr.slice(1)).toEqual([
        `  table "users" differs from the schema (column "karma" is ${engine === "postgres" ? "text" : "longtext"}, not bigint): run "orrery migrate generate" and "orrery migrate latest"`,
        `  table "posts" differs from the schema (column "meta" is missing): run "orrery migrate generate" and "orrery migrate latest"`,
      ]);
      expect(await tableNames(space)).not.toContain("_orrery_etl_ids");
      expect(await count(space, "users")).toBe(0);
    },
  );
});

describe.each(["postgres", "mysql"] as const)("orrery etl on %s", (engine) => {
  it("reports dangling references and rows it cannot coerce, each by table, row and column, and writes nothing", async () => {
    const root = await project({
      ...SMALL,
      dangling: [
        [17, 9999],
        [18, 4242],
      ],
      extra: [
        "UPDATE user_table SET is_admin = 2 WHERE id = 5",
        "UPDATE user_table SET settings = '{broken' WHERE id = 8",
      ],
    });
    const space = await migratedSpace(root, engine);
    const run = await orrery(root, "etl", "legacy.sqlite", "--url", space.url);
    expect(run.code).toBe(1);
    expect(run.stderr).toEqual([
      "orrery etl: 4 rows cannot be loaded, so nothing was written; for dangling references, --on-dangling null or skip loads the rest",
      "  user_table row id=5, column is_admin → users.isAdmin: 2 is not a boolean (0 or 1)",
      '  user_table row id=8, column settings → users.settings: "{broken" is not valid JSON',
      "  post_table row id=17, column userId: 9999 references no loaded row of user_table",
      "  post_table row id=18, column userId: 4242 references no loaded row of user_table",
    ]);
    expect(await count(space, "users")).toBe(0);
    expect(await tableNames(space)).not.toContain("_orrery_etl_ids");
  });

  it("--on-dangling null leaves those references empty; skip leaves those rows out; both verify", async () => {
    const root = await project({ ...SMALL, dangling: [[17, 9999]] });
    const nulled = await migratedSpace(root, engine);
    const run = await orrery(root, "etl", "legacy.sqlite", "--url", nulled.url, "--on-dangling", "null");
    expect(run.stderr).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(
      "checked post_table → posts: 1000 rows (1000 new, 0 loaded before, 1 with a dangling reference left empty)",
    );
    expect(run.stdout).toContain(
      "    post_table row id=17: column userId: 9999 references no loaded row of user_table, left empty",
    );
    const [post] = await nulled.query(
      `SELECT ${engine === "postgres" ? '"userId"' : "userId"} AS u FROM posts WHERE title = 'post 17'`,
    );
    expect(post!.u).toBeNull();
    expect(await count(nulled, "posts")).toBe(1000);

    const skipped = await migratedSpace(root, engine);
    const skip = await orrery(root, "etl", "legacy.sqlite", "--url", skipped.url, "--on-dangling", "skip");
    expect(skip.code).toBe(0);
    expect(skip.stdout).toContain(
      "checked post_table → posts: 999 rows (999 new, 0 loaded before, 1 skipped)",
    );
    expect(skip.stdout).toContain(
      "✔ post_table → posts: 999 rows, 1 skipped (--on-dangling skip), checksum " +
        printedChecksum(skip.stdout, "posts") +
        " on both sides",
    );
    expect(await count(skipped, "posts")).toBe(999);
    expect(await skipped.query("SELECT _id FROM posts WHERE title = 'post 17'")).toEqual([]);
    const verify = await orrery(
      root,
      "etl",
      "verify",
      "legacy.sqlite",
      "--url",
      skipped.url,
      "--on-dangling",
      "skip",
    );
    expect(verify.code).toBe(0);
  });

  it("loads a wrangler d1 export dump like the database itself; --dry-run writes nothing", async () => {
    const root = await project();
    const space = await migratedSpace(root, engine);
    const dry = await orrery(root, "etl", "legacy.sql", "--url", space.url, "--dry-run");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toEqual([
      "would load user_table → users: 300 rows (300 new, 0 loaded before)",
      "would load post_table → posts: 1000 rows (1000 new, 0 loaded before)",
      expect.stringMatching(
        /^Dry run: nothing was written to .+; 1300 rows in 2 tables would load into namespace "acme"\. Peak RSS \d+ MB\.$/,
      ),
    ]);
    expect(await tableNames(space)).not.toContain("_orrery_etl_ids");
    expect(await count(space, "posts")).toBe(0);

    const run = await orrery(root, "etl", "legacy.sql", "--url", space.url, "--chunk-size", "256");
    expect(run.stderr).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout.filter((line) => line.startsWith("posts: "))).toHaveLength(4);
    expect(await count(space, "users")).toBe(300);
    expect(await count(space, "posts")).toBe(1000);
    // The dump and the file are the same rows: the file verifies against the load.
    const verify = await orrery(root, "etl", "verify", "legacy.sqlite", "--url", space.url);
    expect(verify.stdout.slice(0, 2)).toEqual(
      run.stdout.filter((line) => line.startsWith("✔ ") && line.includes("_table →")),
    );
    expect(verify.code).toBe(0);
  });

  it("verify names the table that differs and, with --diff, the rows and the dangling references", async () => {
    const root = await project();
    const space = await migratedSpace(root, engine);
    expect((await orrery(root, "etl", "legacy.sqlite", "--url", space.url)).code).toBe(0);
    const q = (name: string) => (engine === "postgres" ? `"${name}"` : `\`${name}\``);
    const [victim] = await space.query(`SELECT ${q("_id")} AS id FROM users WHERE email = 'u3@example.com'`);
    await space.query(`UPDATE posts SET title = 'edited' WHERE title = 'post 5'`);
    await space.query(`DELETE FROM users WHERE ${q("_id")} = ${engine === "postgres" ? "$1" : "?"}`, [
      victim!.id,
    ]);
    const [edited] = await space.query(`SELECT ${q("_id")} AS id FROM posts WHERE title = 'edited'`);
    const orphans = (
      await space.query(
        `SELECT ${q("_id")} AS id FROM posts WHERE ${q("userId")} = ${engine === "postgres" ? "$1" : "?"}`,
        [victim!.id],
      )
    ).length;
    expect(orphans).toBeGreaterThan(0);

    const verify = await orrery(root, "etl", "verify", "legacy.sqlite", "--url", space.url);
    expect(verify.code).toBe(1);
    expect(verify.stdout).toEqual([
      expect.stringMatching(
        /^✘ user_table → users: source 300 rows \(checksum [0-9a-f]{16}\), target 299 rows \(checksum [0-9a-f]{16}\); --diff shows the rows that differ$/,
      ),
      expect.stringMatching(
        /^✘ post_table → posts: source 1000 rows \(checksum [0-9a-f]{16}\), target 1000 rows \(checksum [0-9a-f]{16}\); --diff shows the rows that differ$/,
      ),
      `✘ posts.userId → users: ${orphans} rows point at no users row (--diff shows them)`,
      expect.stringMatching(/^Verify found differences: 2 tables, 1299 rows in /),
    ]);
    const diff = await orrery(root, "etl", "verify", "legacy.sqlite", "--url", space.url, "--diff");
    expect(diff.code).toBe(1);
    expect(diff.stdout.filter((l) => l.startsWith("    missing in target: "))).toEqual([
      expect.stringMatching(new RegExp(`^    missing in target: ${victim!.id} \\[.*"u3@example\\.com"`)),
    ]);
    expect(diff.stdout).toContain(`    differs ${edited!.id}: title: source "post 5", target "edited"`);
    expect(diff.stdout.filter((l) => l.endsWith(`: userId = ${victim!.id}`))).toHaveLength(
      Math.min(orphans, 10),
    );
  });

  it("gives ids in source order, time parts from the timestamp column; a re-run changes nothing", async () => {
    const root = await project();
    const space = await migratedSpace(root, engine);
    const first = await orrery(root, "etl", "legacy.sqlite", "--url", space.url);
    expect(first.code).toBe(0);
    const q = (name: string) => (engine === "postgres" ? `"${name}"` : `\`${name}\``);
    const rows = await space.query(
      `SELECT ${q("_id")} AS id, ${q("_creationTime")} AS t, ${q("_version")} AS v, title FROM posts ORDER BY ${q("_id")}`,
    );
    const expected = Array.from({ length: SMALL.posts }, (_, i) => postRow(i + 1, SMALL.users)).sort(
      (a, b) => a.created_at - b.created_at || a.id - b.id,
    );
    expect(rows.map((r) => r.title)).toEqual(expected.map((p) => p.title));
    expect(rows.map((r) => Number(r.t))).toEqual(expected.map((p) => p.created_at));
    // Each post's userId is the _id its user was given, by the source's numbers.
    const map = new Map(
      (await space.query("SELECT source_table, source_id, doc_id FROM _orrery_etl_ids")).map((r) => [
        `${r.source_table}:${r.doc_id}`,
        Number(r.source_id),
      ]),
    );
    const posts = await space.query(`SELECT ${q("_id")} AS id, ${q("userId")} AS u FROM posts`);
    expect(posts).toHaveLength(SMALL.posts);
    for (const post of posts) {
      const source = postRow(map.get(`post_table:${post.id}`)!, SMALL.users);
      expect(post.u === null ? null : map.get(`user_table:${post.u}`)).toBe(source.userId);
    }
    const again = await orrery(root, "etl", "legacy.sqlite", "--url", space.url);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain("checked post_table → posts: 1000 rows (0 new, 1000 loaded before)");
    expect(printedChecksum(again.stdout, "posts")).toBe(printedChecksum(first.stdout, "posts"));
    const after = await space.query(
      `SELECT ${q("_id")} AS id, ${q("_version")} AS v FROM posts ORDER BY ${q("_id")}`,
    );
    expect(after).toEqual(rows.map((r) => ({ id: r.id, v: r.v })));
    expect(new Set(after.map((r) => String(r.v)))).toEqual(new Set(["1"]));
  });
});
