import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { folderState, readJson } from "../generate/fixture-project";
import {
  GLOBAL_SCHEMA,
  makeProject,
  migrate,
  readText,
  removeProjects,
  WITH_DUE_DATE,
  writeSchema,
} from "./fixture";

afterAll(removeProjects);

const folder = (root: string, engine: string) => path.join(root, "migrations-global", engine);

describe("orrery migrate generate", () => {
  it("writes 0001_init per engine: the .global() tables as schemaDdl makes them, the commit markers, a journal", async () => {
    const root = makeProject(GLOBAL_SCHEMA);
    const run = await migrate(root, "generate");
    expect(run.stderr).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.stdout).toEqual([
      "wrote migrations-global/postgres/0001_init.up.sql (7 statements)",
      "wrote migrations-global/postgres/0001_init.down.sql",
      "updated migrations-global/postgres/journal.json, migrations-global/postgres/snapshot.json",
      "wrote migrations-global/mysql/0001_init.up.sql (4 statements)",
      "wrote migrations-global/mysql/0001_init.down.sql",
      "updated migrations-global/mysql/journal.json, migrations-global/mysql/snapshot.json",
    ]);
    for (const engine of ["postgres", "mysql"]) {
      expect(readdirSync(folder(root, engine)).sort()).toEqual([
        "0001_init.down.sql",
        "0001_init.up.sql",
        "journal.json",
        "snapshot.json",
      ]);
      const up = readText(root, "migrations-global", engine, "0001_init.up.sql");
      expect(up).toContain("CREATE TABLE IF NOT EXISTS");
      expect(up).toContain("_orrery_commit_markers");
      expect(up).not.toContain("notes"); // not a .global() table
      expect(up).not.toMatch(/FOREIGN KEY|REFERENCES/);
      const journal = readJson(path.join(folder(root, engine), "journal.json"));
      expect(journal).toEqual({
        engine,
        migrations: [{ name: "0001_init", checksum: expect.stringMatching(/^[0-9a-f]{64}$/) }],
      });
      expect(Object.keys(readJson(path.join(folder(root, engine), "snapshot.json")).tables)).toEqual([
        "tasks",
        "_orrery_commit_markers",
        "_orrery_global_outbox",
        "_orrery_leases",
      ]);
    }
    expect(readText(root, "migrations-global", "postgres", "0001_init.down.sql")).toBe(
      [
        "-- 0001_init (postgres), down: undoes the up file",
        'DROP TABLE "_orrery_leases";',
        "-- statement-breakpoint",
        'DROP TABLE "_orrery_global_outbox";',
        "-- statement-breakpoint",
        'DROP TABLE "_orrery_commit_markers";',
        "-- statement-breakpoint",
        'DROP TABLE "tasks";',
        "",
      ].join("\n"),
    );
  });

  it("says No changes and writes nothing when the schema did not change", async () => {
    const root = makeProject(GLOBAL_SCHEMA);
    await migrate(root, "generate");
    const before = folderState(path.join(root, "migrations-global"));
    const run = await migrate(root, "generate");
    expect(run).toEqual({
      code: 0,
      stdout: ["No changes: the .global() tables match the last migration in migrations-global."],
      stderr: [],
    });
    expect(folderState(path.join(root, "migrations-global"))).toEqual(before);
  });

  it("writes an added field and index as ALTER/CREATE INDEX with a down that drops them", async () => {
    const root = makeProject(GLOBAL_SCHEMA);
    await migrate(root, "generate");
    writeSchema(root, WITH_DUE_DATE);
    const run = await migrate(root, "generate", "--engine", "postgres");
    expect(run.code).toBe(0);
    expect(run.stdout[0]).toBe(
      "wrote migrations-global/postgres/0002_add_due_date_and_index_by_due.up.sql (2 statements)",
    );
    expect(readText(root, "migrations-global", "postgres", "0002_add_due_date_and_index_by_due.up.sql")).toBe(
      [
        "-- 0002_add_due_date_and_index_by_due (postgres): written by orrery migrate generate",
        'ALTER TABLE "tasks" ADD COLUMN "dueDate" DOUBLE PRECISION;',
        "-- statement-breakpoint",
        'CREATE INDEX IF NOT EXISTS "tasks__by_due" ON "tasks" ("_namespace", "dueDate" NULLS FIRST, "_id");',
        "",
      ].join("\n"),
    );
    expect(
      readText(root, "migrations-global", "postgres", "0002_add_due_date_and_index_by_due.down.sql"),
    ).toContain(
      'DROP INDEX "tasks__by_due";\n-- statement-breakpoint\nALTER TABLE "tasks" DROP COLUMN "dueDate";',
    );
    // --engine postgres left the mysql folder alone; the next run catches it up.
    expect(readJson(path.join(folder(root, "mysql"), "journal.json")).migrations).toHaveLength(1);
    const mysql = await migrate(root, "generate", "--name", "due date");
    expect(mysql.stdout[0]).toBe("wrote migrations-global/mysql/0002_due_date.up.sql (2 statements)");
    expect(readText(root, "migrations-global", "mysql", "0002_due_date.up.sql")).toContain(
      "CREATE INDEX `tasks__by_due` ON `tasks` (`_namespace`, `dueDate`, `_id`);",
    );
  });

  it("refuses a change that loses data without --allow-data-loss, naming each column and table", async () => {
    const root = makeProject(WITH_DUE_DATE);
    await migrate(root, "generate");
    writeSchema(
      root,
      WITH_DUE_DATE.replace(", dueDate: v.optional(v.number())", "")
        .replace('\n    .index("by_due", ["dueDate"])', "")
        .replace(
          "notes: defineTable({ text: v.string() })",
          "notes: defineTable({ text: v.string() }).global()",
        ),
    );
    const before = folderState(path.join(root, "migrations-global"));
    const refused = await migrate(root, "generate");
    expect(refused).toEqual({
      code: 1,
      stdout: [],
      stderr: [
        "This migration would lose data:",
        "  - tasks.dueDate: column dropped (its values in every row)",
        "Nothing written. Run again with --allow-data-loss to write it anyway.",
      ],
    });
    expect(folderState(path.join(root, "migrations-global"))).toEqual(before);

    const written = await migrate(root, "generate", "--allow-data-loss");
    expect(written.code).toBe(0);
    expect(written.stderr).toEqual([
      "warning: data loss: tasks.dueDate: column dropped (its values in every row)",
      "note: the down of tasks.dueDate re-creates the column but cannot restore its data",
    ]);
    const name = "0002_create_notes_and_2_more";
    const down = readText(root, "migrations-global", "postgres", `${name}.down.sql`);
    expect(down).toContain("It re-creates what the up dropped, but not the data that was in it.");
    expect(down).toContain('ALTER TABLE "tasks" ADD COLUMN "dueDate" DOUBLE PRECISION;');

    // Dropping a whole table, and narrowing a MySQL string (LONGTEXT → VARCHAR(255) once indexed).
    writeSchema(
      root,
      `import { defineSchema, defineTable, v } from "@orrery/schema";
export const schema = defineSchema({
  tasks: defineTable({ list: v.string(), text: v.string(), done: v.boolean() })
    .index("by_list", ["list"])
    .index("by_text", ["text"])
    .global(),
});
`,
    );
    const narrowing = await migrate(root, "generate");
    expect(narrowing.code).toBe(1);
    expect(narrowing.stderr).toEqual([
      "This migration would lose data:",
      "  - notes: table dropped (all its rows)",
      "  - tasks.text: type LONGTEXT CHARACTER SET utf8mb4 COLLATE utf8mb4_bin → VARCHAR(255) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin (values may be cut or not convert) (mysql)",
      "Nothing written. Run again with --allow-data-loss to write it anyway.",
    ]);
  });

  it("refuses a new required field on an existing table, saying why and what to do", async () => {
    const root = makeProject(GLOBAL_SCHEMA);
    await migrate(root, "generate");
    writeSchema(
      root,
      GLOBAL_SCHEMA.replace("done: v.boolean() })", "done: v.boolean(), priority: v.number() })"),
    );
    const run = await migrate(root, "generate", "--allow-data-loss");
    expect(run.code).toBe(1);
    expect(run.stderr).toEqual([
      "Cannot write this migration:",
      expect.stringMatching(
        /^ {2}- tasks\.priority: a new required field on an existing table, whose rows have no value for it\. orrery migrate gives it no default: declare it v\.optional/,
      ),
    ]);
    expect(existsSync(path.join(folder(root, "postgres"), "0002_add_priority.up.sql"))).toBe(false);
  });

  it("writes nothing for a schema without .global() tables, and checks its flags", async () => {
    const root = makeProject(GLOBAL_SCHEMA.replace(".global()", ""));
    expect((await migrate(root, "generate")).stdout).toEqual([
      "No changes: the .global() tables match the last migration in migrations-global.",
    ]);
    expect(existsSync(path.join(root, "migrations-global"))).toBe(false);
    expect(await migrate(root, "generate", "--engine", "sqlite")).toEqual({
      code: 2,
      stdout: [],
      stderr: ['orrery migrate generate: --engine "sqlite": expected postgres, mysql or all'],
    });
    const unknown = await migrate(root, "generate", "--bogus");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr[0]).toMatch(/^orrery migrate generate: Unknown option '--bogus'/);
  });
});

describe("orrery migrate --help", () => {
  it("has help for migrate and each subcommand", async () => {
    const root = makeProject();
    const top = await migrate(root, "--help");
    expect(top.code).toBe(0);
    expect(top.stdout[0]).toMatch(/^Usage: orrery migrate <subcommand>/);
    for (const sub of ["generate", "latest", "up", "down", "list"]) {
      const help = await migrate(root, sub, "--help");
      expect(help.code).toBe(0);
      expect(help.stdout[0]).toMatch(new RegExp(`^Usage: orrery migrate ${sub} `));
    }
    expect(await migrate(root, "sideways")).toEqual({
      code: 2,
      stdout: [],
      stderr: [
        'orrery migrate: unknown subcommand "sideways" (expected one of: generate, latest, up, down, list)',
      ],
    });
  });
});
