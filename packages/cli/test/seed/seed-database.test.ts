import path from "node:path";
import type { ExternalEngine, SchemaDefinition, schemaDdl } from "@orrery/schema";
import { getFreePort } from "@orrery/test-harness";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadSchemaModule } from "../../src/load-schema-module";
import { removeProjects } from "../generate/fixture-project";
import { allRows, openSpace, type Space, serverUrl, tableChecksum } from "./databases";
import { makeSeedProject, seed, writeSeed } from "./fixture";

let root: string;
let ddl: Record<ExternalEngine, string[]>;

beforeAll(async () => {
  root = makeSeedProject();
  // The `.global()` tables as `orrery migrate` would create them, from the project's own schema.
  const { schema, orrery } = await loadSchemaModule<{ schemaDdl: typeof schemaDdl }>(
    path.join(root, "orrery", "schema.ts"),
    "orrery/schema.ts",
    ["schemaDdl"],
  );
  const ddlFor = (engine: ExternalEngine) =>
    orrery.schemaDdl(schema as SchemaDefinition, engine, { onlyGlobal: true });
  ddl = { postgres: ddlFor("postgres"), mysql: ddlFor("mysql") };
});

afterAll(() => removeProjects());

describe.each(["postgres", "mysql"] as const)("orrery seed --url on %s", (engine) => {
  const spaces: Space[] = [];
  const open = async (withTables = true) => {
    const space = await openSpace(engine, withTables ? ddl[engine] : []);
    spaces.push(space);
    return space;
  };
  afterAll(async () => {
    for (const space of spaces.splice(0)) await space.end();
  });
  const checksums = async (space: Space) => ({
    users: await tableChecksum(space, "users"),
    posts: await tableChecksum(space, "posts"),
  });

  it("seeding twice leaves identical tables (checksums, ids, values); the namespace column is set", async () => {
    const space = await open();
    const first = await seed(root, "--url", space.url, "--namespace", "acme");
    expect(first.stderr).toEqual([
      `Skipping plain table "notes": they live in each namespace's Durable Object (seed them with --worker).`,
    ]);
    expect(first.code).toBe(0);
    expect(first.stdout.slice(0, 2)).toEqual([
      "users: 3 rows (3 inserted, 0 updated, 0 unchanged)",
      "posts: 2 rows (2 inserted, 0 updated, 0 unchanged)",
    ]);
    const after1 = await checksums(space);
    const rows1 = await allRows(space, "users");
    expect(rows1).toHaveLength(3);
    expect(rows1.every((r) => r._namespace === "acme" && String(r._version) === "1")).toBe(true);

    const second = await seed(root, "--url", space.url, "--namespace", "acme");
    expect(second.code).toBe(0);
    expect(second.stdout.slice(0, 2)).toEqual([
      "users: 3 rows (0 inserted, 0 updated, 3 unchanged)",
      "posts: 2 rows (0 inserted, 0 updated, 2 unchanged)",
    ]);
    expect(await checksums(space)).toEqual(after1);
    expect(await allRows(space, "users")).toEqual(rows1);
  });

  it("ids are stable across databases and runs, and posts reference the seeded users' ids", async () => {
    const [a, b] = [await open(), await open()];
    await seed(root, "--url", a.url, "--namespace", "acme");
    await seed(root, "--url", b.url, "--namespace", "acme");
    const ids = async (space: Space) => (await allRows(space, "users")).map((r) => r._id);
    expect(await ids(a)).toEqual(await ids(b));
    const users = new Map((await allRows(a, "users")).map((r) => [r.email, r._id]));
    const posts = await allRows(a, "posts");
    expect(posts.map((p) => [p.slug, p.author]).sort()).toEqual(
      [
        ["again", users.get("grace@example.com")],
        ["hello", users.get("ada@example.com")],
      ].sort(),
    );
    for (const id of await ids(a)) expect(String(id)).toMatch(/^[0-7][0-9A-HJKMNP-TV-Z]{25}$/);
  });

  it("a changed value updates the row in place: same _id and _creationTime, _version + 1, others untouched", async () => {
    const space = await open();
    await seed(root, "--url", space.url, "--namespace", "acme");
    const before = await allRows(space, "users");
    const postsBefore = await tableChecksum(space, "posts");
    writeSeed(root, { adaName: "Ada Lovelace" });
    try {
      const changed = await seed(root, "--url", space.url, "--namespace", "acme");
      expect(changed.code).toBe(0);
      expect(changed.stdout[0]).toBe("users: 3 rows (0 inserted, 1 updated, 2 unchanged)");
    } finally {
      writeSeed(root);
    }
    const after = await allRows(space, "users");
    const ada = (rows: Record<string, unknown>[]) => rows.find((r) => r.email === "ada@example.com")!;
    expect(ada(after)).toEqual({ ...ada(before), name: "Ada Lovelace", _version: ada(after)._version });
    expect(String(ada(after)._version)).toBe("2");
    expect(ada(after)._id).toBe(ada(before)._id);
    expect(ada(after)._creationTime).toEqual(ada(before)._creationTime);
    expect(after.filter((r) => r.email !== "ada@example.com")).toEqual(
      before.filter((r) => r.email !== "ada@example.com"),
    );
    expect(await tableChecksum(space, "posts")).toBe(postsBefore);
  });

  it("another namespace gets its own rows with the same ids", async () => {
    const space = await open();
    await seed(root, "--url", space.url, "--namespace", "acme");
    await seed(root, "--url", space.url, "--namespace", "globex");
    const rows = await allRows(space, "users");
    expect(rows).toHaveLength(6);
    const idsOf = (ns: string) => rows.filter((r) => r._namespace === ns).map((r) => r._id);
    expect(idsOf("globex")).toEqual(idsOf("acme"));
  });

  it("a row that fails validation: one line naming table, row and field, exit 1, nothing written", async () => {
    const space = await open();
    writeSeed(root, { graceAge: '"eighty-five"' });
    try {
      const bad = await seed(root, "--url", space.url, "--namespace", "acme");
      expect(bad.code).toBe(1);
      expect(bad.stdout).toEqual([]);
      expect(bad.stderr).toEqual([
        'orrery seed: invalid seed row: table "users", row 1, field age: expected number, got string',
      ]);
      // A bad row in the second table: the first table is not written either.
      writeSeed(root, { postBody: "42" });
      const laterTable = await seed(root, "--url", space.url, "--namespace", "acme");
      expect(laterTable.code).toBe(1);
      expect(laterTable.stderr).toEqual([
        'orrery seed: invalid seed row: table "posts", row 0, field body: expected string, got number',
      ]);
    } finally {
      writeSeed(root);
    }
    expect(await tableChecksum(space, "users")).toMatch(/^0:/);
    expect(await tableChecksum(space, "posts")).toMatch(/^0:/);
  });

  it("a missing table: one line naming it, exit 1; tables before it stay written, it is not", async () => {
    const space = await open(false);
    const missing = await seed(root, "--url", space.url, "--namespace", "acme");
    expect(missing.code).toBe(1);
    expect(missing.stderr.slice(1)).toHaveLength(1);
    expect(missing.stderr[1]).toMatch(
      /^orrery seed: table "users": .*users.* (does not exist|doesn't exist).*orrery migrate latest/,
    );
  });

  it("bad credentials, an unreachable server (exit 1), a wrong scheme (exit 2): one line each", async () => {
    const url = new URL(serverUrl(engine));
    url.password = "not-the-password";
    const badPassword = await seed(root, "--url", url.toString(), "--namespace", "acme");
    expect(badPassword.code).toBe(1);
    expect(badPassword.stderr.slice(1)).toEqual([
      expect.stringMatching(/refused the credentials in DATABASE_URL/),
    ]);
    expect(badPassword.stderr.join("\n")).not.toContain("not-the-password");

    const closed = new URL(serverUrl(engine));
    closed.port = String(await getFreePort());
    const unreachable = await seed(root, "--url", closed.toString(), "--namespace", "acme");
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr.slice(1)).toEqual([
      expect.stringMatching(/^orrery seed: cannot connect to (postgres|mysql) .*: connection refused/),
    ]);

    const wrong = await seed(root, "--url", "http://localhost:5432/db", "--namespace", "acme");
    expect(wrong).toMatchObject({
      code: 2,
      stderr: [
        'orrery seed: DATABASE_URL must start with postgres://, postgresql://, mysql:// or mariadb://, got "http://"',
      ],
    });
  });
});
