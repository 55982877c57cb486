import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { ExternalEngine } from "@orrery/schema";
import { defineSchema, defineTable, schemaDdl, systemTablesDdl, v } from "@orrery/schema";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { closeSpaces, describeSchema, openSpace, type Space, tableNames } from "./databases";
import { GLOBAL_SCHEMA, makeProject, migrate, removeProjects, WITH_DUE_DATE, writeSchema } from "./fixture";

afterEach(closeSpaces);
afterAll(removeProjects);

/** A project whose folder has 0001_init (and 0002 after adding `dueDate` and its index). */
async function projectWithMigrations(count: 1 | 2): Promise<string> {
  const root = makeProject(GLOBAL_SCHEMA);
  expect((await migrate(root, "generate")).code).toBe(0);
  if (count === 2) {
    writeSchema(root, WITH_DUE_DATE);
    expect((await migrate(root, "generate")).code).toBe(0);
  }
  return root;
}

const records = (space: Space) =>
  space.query("SELECT name, checksum, applied_at FROM _orrery_migrations ORDER BY name");

/** Appends a hand-written migration to the engine's folder (and its journal). */
function appendMigration(root: string, engine: ExternalEngine, name: string, up: string[], down: string[]) {
  const folder = path.join(root, "migrations-global", engine);
  const text = (statements: string[]) =>
    `${statements.map((s) => `${s};`).join("\n-- statement-breakpoint\n")}\n`;
  writeFileSync(path.join(folder, `${name}.up.sql`), text(up));
  writeFileSync(path.join(folder, `${name}.down.sql`), text(down));
  const journalFile = path.join(folder, "journal.json");
  const journal = JSON.parse(readFileSync(journalFile, "utf8"));
  journal.migrations.push({ name, checksum: createHash("sha256").update(text(up)).digest("hex") });
  writeFileSync(journalFile, JSON.stringify(journal, null, 2));
}

describe.each(["postgres", "mysql"] as const)("orrery migrate on %s", (engine) => {
  it("latest on an empty database creates what the store creates on first use, and records it", async () => {
    const root = await projectWithMigrations(1);
    const space = await openSpace(engine);
    const run = await migrate(root, "latest", "--url", space.url);
    expect(run.stderr).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toEqual([
      `▶ applying 0001_init (${engine === "postgres" ? 7 : 4} statements)`,
      expect.stringMatching(/^✔ applied 0001_init \(\d+ ms\)$/),
      "Up to date: 1 migration applied.",
    ]);
    expect(await tableNames(space)).toEqual([
      "_orrery_commit_markers",
      "_orrery_global_outbox",
      "_orrery_leases",
      "_orrery_migrations",
      "tasks",
    ]);
    const [record] = await records(space);
    expect(record).toMatchObject({ name: "0001_init", checksum: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(Math.abs(Number(record!.applied_at) - Date.now())).toBeLessThan(60_000);

    // The same as a database the store made on first use (schemaDdl + the global system tables).
    const firstUse = await openSpace(engine);
    const schema = defineSchema({
      notes: defineTable({ text: v.string() }),
      tasks: defineTable({ list: v.string(), text: v.string(), done: v.boolean() })
        .index("by_list", ["list"])
        .global(),
    });
    for (const sql of [
      ...schemaDdl(schema, engine, { onlyGlobal: true }),
      ...systemTablesDdl(engine, "global"),
    ])
      await firstUse.query(sql);
    await space.query("DROP TABLE _orrery_migrations");
    expect(await describeSchema(space)).toEqual(await describeSchema(firstUse));

    // Again: nothing to do.
    await space.query(systemTablesDdl(engine, "migrator")[0]!);
    await space.query(
      engine === "postgres"
        ? "INSERT INTO _orrery_migrations VALUES ($1, $2, $3)"
        : "INSERT INTO _orrery_migrations VALUES (?, ?, ?)",
      [record!.name, record!.checksum, 1],
    );
    const again = await migrate(root, "latest", "--url", space.url);
    expect(again.stdout).toEqual(["Nothing to apply: all 1 migration are applied."]);
  });

  it("applies a migration generated after adding a field and an index; down then up leaves the same schema", async () => {
    const root = await projectWithMigrations(2);
    const space = await openSpace(engine);
    const latest = await migrate(root, "latest", "--url", space.url);
    expect(latest.code).toBe(0);
    expect(latest.stdout.filter((l) => l.startsWith("▶"))).toEqual([
      expect.stringMatching(/^▶ applying 0001_init/),
      "▶ applying 0002_add_due_date_and_index_by_due (2 statements)",
    ]);
    const q = engine === "postgres" ? "$" : "?";
    const p = (n: number) => (engine === "postgres" ? `$${n}` : q);
    await space.query(
      `INSERT INTO tasks (_id, ${engine === "postgres" ? '"_creationTime"' : "_creationTime"}, _version, _namespace, list, text, done, ${engine === "postgres" ? '"dueDate"' : "dueDate"}) VALUES (${[1, 2, 3, 4, 5, 6, 7, 8].map(p).join(", ")})`,
      [
        "01J0000000000000000000000A",
        1,
        1,
        "ns",
        "inbox",
        "write tests",
        engine === "postgres" ? false : 0,
        42,
      ],
    );
    const before = await describeSchema(space);
    expect(JSON.stringify(before)).toContain("tasks__by_due");
    expect(JSON.stringify(before)).toContain("dueDate");

    const down = await migrate(root, "down", "--url", space.url);
    expect(down.code).toBe(0);
    expect(down.stdout).toEqual([
      "▶ reverting 0002_add_due_date_and_index_by_due (2 statements)",
      expect.stringMatching(/^✔ reverted 0002_add_due_date_and_index_by_due \(\d+ ms\)$/),
    ]);
    const between = JSON.stringify(await describeSchema(space));
    expect(between).not.toContain("tasks__by_due");
    expect(between).not.toContain("dueDate");
    expect((await records(space)).map((r) => r.name)).toEqual(["0001_init"]);

    const up = await migrate(root, "up", "--url", space.url);
    expect(up.code).toBe(0);
    expect(up.stdout.at(-1)).toBe("Up to date: 2 migrations applied.");
    expect(await describeSchema(space)).toEqual(before);
    expect((await space.query("SELECT list FROM tasks")).map((r) => r.list)).toEqual(["inbox"]);
  });

  it("lists each migration applied (when) or pending, and records missing from the folder", async () => {
    const root = await projectWithMigrations(2);
    const space = await openSpace(engine);
    const empty = await migrate(root, "list", "--url", space.url);
    expect(empty.code).toBe(0);
    expect(empty.stdout.slice(1)).toEqual([
      "  0001_init                           pending",
      "  0002_add_due_date_and_index_by_due  pending",
      "0 applied migrations, 2 pending.",
    ]);
    expect(await tableNames(space)).toEqual([]); // list changes nothing

    expect((await migrate(root, "up", "--url", space.url)).code).toBe(0);
    await space.query(
      engine === "postgres"
        ? "INSERT INTO _orrery_migrations VALUES ($1, $2, $3)"
        : "INSERT INTO _orrery_migrations VALUES (?, ?, ?)",
      ["0009_from_another_branch", "0".repeat(64), Date.UTC(2026, 0, 2, 3, 4, 5)],
    );
    const run = await migrate(root, "list", "--url", space.url);
    expect(run.code).toBe(0);
    expect(run.stdout[0]).toMatch(
      new RegExp(`^${engine}://orrery@127\\.0\\.0\\.1:\\d+/\\S+ · migrations-global/${engine}$`),
    );
    expect(run.stdout.slice(1)).toEqual([
      expect.stringMatching(/^ {2}0001_init {27}applied {2}\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      "  0002_add_due_date_and_index_by_due  pending",
      "In the database but missing from the folder:",
      "  0009_from_another_branch            applied  2026-01-02T03:04:05.000Z",
      "1 applied migration, 1 pending.",
    ]);
    // latest refuses a database ahead of the folder.
    const latest = await migrate(root, "latest", "--url", space.url);
    expect(latest.code).toBe(1);
    expect(latest.stderr.join("\n")).toContain("the database has 0009_from_another_branch");
  });

  it("applies each migration once when two latest runs race", async () => {
    const root = await projectWithMigrations(2);
    const space = await openSpace(engine);
    const runs = await Promise.all([
      migrate(root, "latest", "--url", space.url),
      migrate(root, "latest", "--url", space.url),
    ]);
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect(runs.flatMap((r) => r.stderr)).toEqual([]);
    const applying = runs.flatMap((r) => r.stdout.filter((l) => l.startsWith("▶ applying")));
    expect(applying.map((l) => l.split(" ")[2]).sort()).toEqual([
      "0001_init",
      "0002_add_due_date_and_index_by_due",
    ]);
    expect((await records(space)).map((r) => r.name)).toEqual([
      "0001_init",
      "0002_add_due_date_and_index_by_due",
    ]);
  });

  it("refuses to run when an applied migration's file was edited", async () => {
    const root = await projectWithMigrations(1);
    const space = await openSpace(engine);
    expect((await migrate(root, "latest", "--url", space.url)).code).toBe(0);
    const file = path.join(root, "migrations-global", engine, "0001_init.up.sql");
    writeFileSync(file, readFileSync(file, "utf8").replace("NOT NULL", "NULL"));
    for (const action of ["latest", "down"]) {
      const run = await migrate(root, action, "--url", space.url);
      expect(run.code).toBe(1);
      expect(run.stderr).toHaveLength(1);
      expect(run.stderr[0]).toMatch(
        new RegExp(
          `^orrery migrate ${action}: checksum mismatch: 0001_init was applied on .* but migrations-global/${engine}/0001_init\\.up\\.sql now has .*someone edited an applied migration`,
        ),
      );
    }
    const list = await migrate(root, "list", "--url", space.url);
    expect(list.stdout[1]).toContain("checksum mismatch");
  });

  it("refuses to apply a migration whose file no longer matches journal.json (the worker checks against it); CRLF endings are the same file", async () => {
    const root = await projectWithMigrations(2);
    const space = await openSpace(engine);
    const folder = path.join(root, "migrations-global", engine);
    const crlf = path.join(folder, "0001_init.up.sql");
    writeFileSync(crlf, readFileSync(crlf, "utf8").replace(/\n/g, "\r\n"));
    const edited = path.join(folder, "0002_add_due_date_and_index_by_due.up.sql");
    writeFileSync(edited, `${readFileSync(edited, "utf8")}\n-- a hand edit\n`);
    const run = await migrate(root, "latest", "--url", space.url);
    expect(run.code).toBe(1);
    expect(run.stderr).toHaveLength(1);
    expect(run.stderr[0]).toMatch(
      /0002_add_due_date_and_index_by_due\.up\.sql was edited after it was generated: .*Put the new checksum in journal\.json/,
    );
    expect((await records(space)).map((r) => r.name)).toEqual([]);
  });

  it("reports a migration that fails mid-way: the statement, what was applied, nothing recorded", async () => {
    const root = await projectWithMigrations(1);
    const space = await openSpace(engine);
    const q = (n: string) => (engine === "postgres" ? `"${n}"` : `\`${n}\``);
    appendMigration(
      root,
      engine,
      "0002_broken",
      [
        `ALTER TABLE ${q("tasks")} ADD COLUMN ${q("a")} BIGINT`,
        `ALTER TABLE ${q("no_such_table")} ADD COLUMN ${q("b")} BIGINT`,
        `ALTER TABLE ${q("tasks")} ADD COLUMN ${q("c")} BIGINT`,
      ],
      [`ALTER TABLE ${q("tasks")} DROP COLUMN ${q("a")}`],
    );
    const run = await migrate(root, "latest", "--url", space.url);
    expect(run.code).toBe(1);
    expect(run.stdout.slice(-1)).toEqual(["▶ applying 0002_broken (3 statements)"]);
    const report = run.stderr.join("\n");
    expect(report).toMatch(/^orrery migrate latest: 0002_broken failed at statement 2 of 3: /);
    expect(report).toContain(`  failed: ALTER TABLE ${q("no_such_table")} ADD COLUMN ${q("b")} BIGINT`);
    const columns = JSON.stringify(await describeSchema(space));
    if (engine === "mysql") {
      expect(report).toContain("  applied before the failure (MySQL commits DDL at once; these stay):");
      expect(report).toContain(`    1. ALTER TABLE ${q("tasks")} ADD COLUMN ${q("a")} BIGINT`);
      expect(report).toContain("  not run: statements 3..3");
      expect(report).toContain("0002_broken is not recorded as applied");
      expect(columns).toContain('"COLUMN_NAME":"a"');
    } else {
      expect(report).toContain("  rolled back: nothing of 0002_broken was applied");
      expect(columns).not.toContain('"column_name":"a"');
    }
    expect(columns).not.toMatch(/"(COLUMN_NAME|column_name)":"c"/);
    expect((await records(space)).map((r) => r.name)).toEqual(["0001_init"]);
  });

  it("applies and reverts a migration written with --allow-data-loss (a dropped column, a changed type)", async () => {
    const root = await projectWithMigrations(2);
    writeSchema(
      root,
      WITH_DUE_DATE.replace("dueDate: v.optional(v.number())", "dueDate: v.optional(v.string())")
        .replace("done: v.boolean(), ", "")
        .replace(
          '.index("by_list", ["list"])',
          '.index("by_list", ["list"])\n    .index("by_text", ["text"])',
        ),
    );
    const generated = await migrate(root, "generate", "--allow-data-loss", "--name", "lossy");
    expect(generated.code).toBe(0);
    const space = await openSpace(engine);
    expect((await migrate(root, "latest", "--url", space.url)).code).toBe(0);
    const after = JSON.stringify(await describeSchema(space));
    expect(after).toContain("tasks__by_text");
    expect(after).not.toMatch(/"(COLUMN_NAME|column_name)":"done"/);
    const down = await migrate(root, "down", "--url", space.url);
    expect(down.stderr).toEqual([]);
    expect(down.code).toBe(0);
    const reverted = await openSpace(engine);
    expect((await migrate(root, "up", "--url", reverted.url)).code).toBe(0);
    expect((await migrate(root, "up", "--url", reverted.url)).code).toBe(0);
    // Postgres appends a re-added column; MySQL puts it back in its place.
    const columnsByName = async (s: Space) => {
      const schema = (await describeSchema(s)) as { columns: Record<string, unknown>[]; indexes: unknown };
      const key = (c: Record<string, unknown>) =>
        `${c.table_name ?? c.TABLE_NAME}.${c.column_name ?? c.COLUMN_NAME}`;
      return engine === "mysql"
        ? schema
        : { ...schema, columns: schema.columns.sort((a, b) => key(a).localeCompare(key(b))) };
    };
    expect(await columnsByName(space)).toEqual(await columnsByName(reverted));
  });

  it("names host and user when the server refuses the credentials", async () => {
    const space = await openSpace(engine);
    const url = new URL(space.url);
    url.password = "wrong-password";
    const root = await projectWithMigrations(1);
    const run = await migrate(root, "latest", "--url", url.toString());
    expect(run.code).toBe(1);
    expect(run.stderr).toEqual([
      expect.stringMatching(
        new RegExp(
          `^orrery migrate latest: cannot connect to ${engine === "postgres" ? "Postgres" : "MySQL"} at 127\\.0\\.0\\.1:${url.port} as user "orrery": `,
        ),
      ),
    ]);
  });
});

describe("orrery migrate without a usable database", () => {
  it("refuses an unknown URL scheme, a missing URL and an unreachable server in one line each", async () => {
    const root = await projectWithMigrations(1);
    const sqlite = await migrate(root, "latest", "--url", "sqlite://local.db");
    expect(sqlite).toEqual({
      code: 2,
      stdout: [],
      stderr: [
        'orrery migrate latest: DATABASE_URL must start with postgres://, postgresql://, mysql:// or mariadb://, got "sqlite://"',
      ],
    });
    const saved = process.env.DATABASE_URL;
    delete process.env.DATABASE_URL;
    try {
      const missing = await migrate(root, "list");
      expect(missing.code).toBe(2);
      expect(missing.stderr).toEqual([
        "orrery migrate list: no database: set DATABASE_URL or pass --url postgres://… or mysql://…",
      ]);
    } finally {
      if (saved !== undefined) process.env.DATABASE_URL = saved;
    }
    for (const [url, name] of [
      ["postgres://alice:x@127.0.0.1:1/app", "Postgres"],
      ["mysql://bob:x@127.0.0.1:1/app", "MySQL"],
    ] as const) {
      const run = await migrate(root, "list", "--url", url);
      expect(run.code).toBe(1);
      expect(run.stderr).toHaveLength(1);
      expect(run.stderr[0]).toMatch(
        new RegExp(
          `^orrery migrate list: cannot connect to ${name} at 127\\.0\\.0\\.1:1 as user "${name === "Postgres" ? "alice" : "bob"}": .*ECONNREFUSED`,
        ),
      );
    }
  });
});
