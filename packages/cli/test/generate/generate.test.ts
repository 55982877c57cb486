import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ORIGIN_ID } from "../../src/generate/snapshot";
import {
  folderState,
  generate,
  makeProject,
  readJson,
  removeProjects,
  TASKS_SCHEMA,
  writeSchema,
} from "./fixture-project";

afterAll(removeProjects);

const WITH_DUE_DATE = TASKS_SCHEMA.replace(
  "done: v.boolean() }",
  "done: v.boolean(), dueDate: v.optional(v.number()) }",
);

describe("orrery generate", () => {
  it("writes 0000 with the app's and the store's tables on an empty folder", async () => {
    const root = makeProject();
    const { code, stdout, stderr } = await generate(root);
    expect(stderr).toEqual([]);
    expect(code).toBe(0);
    expect(stdout).toEqual([
      expect.stringMatching(/^wrote migrations\/0000_initial_schema\.sql \(\d+ statements\)$/),
      "wrote migrations/meta/0000_snapshot.json",
      "wrote migrations/meta/_journal.json",
      "wrote migrations/migrations.js",
    ]);
    const sql = readFileSync(path.join(root, "migrations", "0000_initial_schema.sql"), "utf8");
    for (const table of [
      "tasks",
      "_orrery_commits",
      "_orrery_meta",
      "_orrery_requests",
      "_orrery_jobs",
      "_orrery_outbox",
      "_orrery_commit_markers",
      "_orrery_global_outbox",
      "_orrery_leases",
    ])
      expect(sql).toContain(`CREATE TABLE \`${table}\``);
    expect(sql).toContain(");\n--> statement-breakpoint\nCREATE INDEX `tasks__by_creation_time` ON `tasks`");
    expect(sql.endsWith("CREATE INDEX `tasks__by_list` ON `tasks` (`list`,`_id`);")).toBe(true);
    const journal = readJson(path.join(root, "migrations", "meta", "_journal.json"));
    expect(journal).toEqual({
      version: "7",
      dialect: "sqlite",
      entries: [
        { idx: 0, version: "6", when: expect.any(Number), tag: "0000_initial_schema", breakpoints: true },
      ],
    });
    const snapshot = readJson(path.join(root, "migrations", "meta", "0000_snapshot.json"));
    expect(snapshot).toMatchObject({ version: "6", dialect: "sqlite", prevId: ORIGIN_ID });
    expect(Object.keys(snapshot.tables)).toEqual([
      "_orrery_commit_markers",
      "_orrery_commits",
      "_orrery_global_outbox",
      "_orrery_jobs",
      "_orrery_leases",
      "_orrery_meta",
      "_orrery_outbox",
      "_orrery_requests",
      "tasks",
    ]);
    expect(readFileSync(path.join(root, "migrations", "migrations.js"), "utf8")).toBe(
      [
        'import m0000 from "./0000_initial_schema.sql";',
        'import journal from "./meta/_journal.json";',
        "",
        "export default {",
        "  journal,",
        "  migrations: {",
        "    m0000,",
        "  },",
        "};",
        "",
      ].join("\n"),
    );
  });

  it("writes nothing when run again without a schema change", async () => {
    const root = makeProject();
    expect((await generate(root)).code).toBe(0);
    const before = folderState(path.join(root, "migrations"));
    await new Promise((resolve) => setTimeout(resolve, 20));
    const { code, stdout } = await generate(root);
    expect(code).toBe(0);
    expect(stdout).toEqual(["No schema changes; migrations in migrations are up to date."]);
    expect(folderState(path.join(root, "migrations"))).toEqual(before);
  });

  it("writes the next migration when a field is added", async () => {
    const root = makeProject();
    await generate(root);
    writeSchema(root, WITH_DUE_DATE);
    const { code, stdout, stderr } = await generate(root);
    expect(stderr).toEqual([]);
    expect(code).toBe(0);
    expect(stdout[0]).toBe("wrote migrations/0001_add_due_date.sql (1 statement)");
    const dir = path.join(root, "migrations");
    expect(readFileSync(path.join(dir, "0001_add_due_date.sql"), "utf8")).toBe(
      "ALTER TABLE `tasks` ADD `dueDate` real;",
    );
    const [first, second] = readJson(path.join(dir, "meta", "_journal.json")).entries;
    expect(second).toMatchObject({ idx: 1, version: "6", tag: "0001_add_due_date", breakpoints: true });
    expect(second.when).toBeGreaterThan(first.when);
    const previous = readJson(path.join(dir, "meta", "0000_snapshot.json"));
    const next = readJson(path.join(dir, "meta", "0001_snapshot.json"));
    expect(next.prevId).toBe(previous.id);
    expect(next.tables.tasks.columns.dueDate).toMatchObject({ type: "real", notNull: false });
    const migrationsJs = readFileSync(path.join(dir, "migrations.js"), "utf8");
    expect(migrationsJs).toContain('import m0001 from "./0001_add_due_date.sql";\nimport journal');
    expect(migrationsJs).toContain("    m0000,\n    m0001,\n");
  });

  it("labels the migration with --name and keeps `when` increasing past a later clock", async () => {
    const root = makeProject();
    await generate(root);
    const journalFile = path.join(root, "migrations", "meta", "_journal.json");
    const journal = readJson(journalFile);
    const future = Date.now() + 86_400_000;
    journal.entries[0].when = future;
    writeFileSync(journalFile, JSON.stringify(journal, null, 2));
    writeSchema(root, WITH_DUE_DATE);
    expect((await generate(root, "--name", "due date")).stdout[0]).toMatch(
      /^wrote migrations\/0001_due_date\.sql/,
    );
    expect(readJson(journalFile).entries[1].when).toBe(future + 1);
  });

  it("generates a removed and an added field as drop + add, without asking, and warns", async () => {
    const root = makeProject();
    await generate(root);
    writeSchema(root, TASKS_SCHEMA.replace("text: v.string()", "title: v.optional(v.string())"));
    const { code, stdout, stderr } = await generate(root);
    expect(code).toBe(0);
    expect(stdout[0]).toBe("wrote migrations/0001_add_title_and_drop_text.sql (2 statements)");
    expect(readFileSync(path.join(root, "migrations", "0001_add_title_and_drop_text.sql"), "utf8")).toBe(
      "ALTER TABLE `tasks` DROP COLUMN `text`;--> statement-breakpoint\nALTER TABLE `tasks` ADD `title` text;",
    );
    expect(stderr).toEqual([
      expect.stringMatching(/^warning: drops column tasks\.text and adds column tasks\.title;/),
    ]);
  });

  it("warns that a required field cannot be added to a table with rows", async () => {
    const root = makeProject();
    await generate(root);
    writeSchema(root, TASKS_SCHEMA.replace("done: v.boolean() }", "done: v.boolean(), rank: v.number() }"));
    const { code, stderr } = await generate(root);
    expect(code).toBe(0);
    expect(stderr).toEqual([expect.stringMatching(/^warning: tasks\.rank is required/)]);
  });

  it("--check exits 1 without writing when a migration is due, 0 when up to date", async () => {
    const root = makeProject();
    const due = await generate(root, "--check");
    expect(due.code).toBe(1);
    expect(due.stderr[0]).toMatch(/^migrations\/0000_initial_schema\.sql \(\d+ statements\) is due/);
    expect(existsSync(path.join(root, "migrations"))).toBe(false);
    await generate(root);
    expect((await generate(root, "--check")).code).toBe(0);
    writeSchema(root, WITH_DUE_DATE);
    const before = folderState(path.join(root, "migrations"));
    expect((await generate(root, "--check")).code).toBe(1);
    expect(folderState(path.join(root, "migrations"))).toEqual(before);
  });

  it("reads --schema and --out, and orrery.config.json", async () => {
    const root = makeProject();
    writeFileSync(path.join(root, "orrery.config.json"), JSON.stringify({ migrations: "drizzle" }));
    expect((await generate(root)).stdout[0]).toMatch(/^wrote drizzle\/0000_initial_schema\.sql/);
    expect((await generate(root, "--schema", "orrery/schema.ts", "--out", "elsewhere")).stdout[0]).toMatch(
      /^wrote elsewhere\/0000_initial_schema\.sql/,
    );
  });

  it("names the schema file when it exports no schema, or several", async () => {
    const root = makeProject('export const notASchema = { tables: "no" };\n');
    const none = await generate(root);
    expect(none.code).toBe(1);
    expect(none.stderr).toEqual([
      expect.stringMatching(/^orrery generate: orrery\/schema\.ts exports no schema/),
    ]);
    writeSchema(root, `${TASKS_SCHEMA}export const other = defineSchema({});\n`);
    const several = await generate(root);
    expect(several.code).toBe(1);
    expect(several.stderr).toEqual([
      "orrery generate: orrery/schema.ts exports several schemas (other, schema); export exactly one",
    ]);
    expect(existsSync(path.join(root, "migrations"))).toBe(false);
  });

  it("accepts a default export, and names a schema that fails to bundle", async () => {
    const root = makeProject(TASKS_SCHEMA.replace("export const schema =", "export default"));
    expect((await generate(root)).code).toBe(0);
    writeSchema(root, 'import { nothing } from "./missing";\nexport default nothing;\n');
    const broken = await generate(root);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toEqual([
      expect.stringMatching(
        /^orrery generate: could not bundle orrery\/schema\.ts: .*Could not resolve "\.\/missing"/,
      ),
    ]);
  });

  it("writes nothing to a folder whose snapshot format it does not know", async () => {
    const root = makeProject();
    await generate(root);
    const snapshotFile = path.join(root, "migrations", "meta", "0000_snapshot.json");
    writeFileSync(snapshotFile, JSON.stringify({ ...readJson(snapshotFile), version: "5" }));
    writeSchema(root, WITH_DUE_DATE);
    const before = folderState(path.join(root, "migrations"));
    const { code, stderr } = await generate(root);
    expect(code).toBe(1);
    expect(stderr).toEqual([
      'orrery generate: migrations/meta/0000_snapshot.json: unknown format (expected a drizzle-kit sqlite snapshot, version "6")',
    ]);
    expect(folderState(path.join(root, "migrations"))).toEqual(before);
  });

  it("exits 2 on an unknown flag", async () => {
    const root = makeProject();
    const { code, stderr } = await generate(root, "--force");
    expect(code).toBe(2);
    expect(stderr[0]).toMatch(/^orrery generate: Unknown option '--force'/);
  });
});
