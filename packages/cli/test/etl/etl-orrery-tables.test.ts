import { rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import {
  createTableSql,
  decodeDocument,
  type ExternalEngine,
  encodeDocument,
  NAMESPACE_COLUMN,
  newDocumentId,
} from "@orrery/schema";
import initSqlJs from "sql.js";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { closeSpaces, openSpace } from "../support/database-spaces";
import { schema } from "./app-schema";
import { makeEtlProject, migrateLatest, orrery, printedChecksum, removeProjects } from "./fixture";

afterEach(closeSpaces);
afterAll(removeProjects);

/** D1's external outbox, as the example app's migration 0002 makes it. */
const OUTBOX_DDL = `CREATE TABLE \`_orrery_global_outbox\` (
  \`namespace\` text NOT NULL, \`id\` text NOT NULL, \`topic\` text NOT NULL, \`payload\` text NOT NULL,
  \`commit_version\` integer NOT NULL, \`seq\` integer NOT NULL, \`created_at\` integer NOT NULL,
  \`sent_at\` integer, PRIMARY KEY(\`namespace\`, \`id\`))`;

type Doc = Record<string, unknown> & { _id: string; _creationTime: number; _version: number };

/**
 * What an app on D1 leaves behind: its `.global()` tables as Orrery makes them there (the
 * schema's SQLite DDL, one table for every namespace, rows encoded by the store's codec),
 * holding rows of two namespaces, with versions past 1 and every kind of field.
 */
async function appD1Database(file: string) {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  const docs: Record<string, Record<"users" | "posts", Doc[]>> = {};
  for (const table of ["users", "posts"] as const)
    for (const statement of createTableSql(table, schema.tables[table], "sqlite")) db.run(statement);
  const insert = (table: "users" | "posts", namespace: string, doc: Doc) => {
    const row = { ...encodeDocument(schema.tables[table], doc, "sqlite"), [NAMESPACE_COLUMN]: namespace };
    const names = Object.keys(row);
    db.run(
      `INSERT INTO ${table} (${names.map((n) => `"${n}"`).join(", ")}) VALUES (${names.map(() => "?").join(", ")})`,
      Object.values(row) as never,
    );
  };
  for (const namespace of ["acme", "other"]) {
    const users: Doc[] = Array.from({ length: 40 }, (_, i) => ({
      _id: newDocumentId(),
      _creationTime: 1_700_000_000_000 + i * 1000 + 0.25,
      _version: 1 + (i % 4),
      name: `${namespace} user ${i}`,
      email: `u${i}@${namespace}.example`,
      isAdmin: i % 3 === 0,
      joinedAt: 1_600_000_000_000 + i,
      karma: 2n ** 60n + BigInt(i),
      ...(i % 2 === 0 ? { settings: { theme: i % 4 === 0 ? "dark" : "light", n: i } } : {}),
      ...(i % 5 === 0 ? { avatar: new Uint8Array([i, 0, 255]).buffer } : {}),
    }));
    const posts: Doc[] = Array.from({ length: 120 }, (_, i) => ({
      _id: newDocumentId(),
      _creationTime: 1_700_000_100_000 + i,
      _version: 1 + (i % 7),
      title: `${namespace} post ${i}`,
      content: i === 0 ? "" : "x".repeat(i),
      ...(i % 6 === 0 ? {} : { userId: users[i % users.length]!._id }),
      published: i % 2 === 1,
      ...(i % 2 === 1 ? { publishedAt: 1_700_000_200_000 + i } : {}),
      createdAt: new Date(1_700_000_100_000 + i).toISOString(),
      meta: i % 3 === 0 ? null : { tags: ["a", i], nested: { deep: [true, { n: i }] }, big: BigInt(i) },
    }));
    for (const doc of users) insert("users", namespace, doc);
    for (const doc of posts) insert("posts", namespace, doc);
    docs[namespace] = { users, posts };
  }
  // ctx.outbox.publish's messages beside them: acme's first was relayed, the next two were not.
  db.run(OUTBOX_DDL);
  const message = (namespace: string, n: number, sentAt: number | null) =>
    db.run("INSERT INTO _orrery_global_outbox VALUES (?, ?, 'orders', ?, ?, 0, ?, ?)", [
      namespace,
      `${namespace}-message-${n}`,
      JSON.stringify({ n }),
      10 + n,
      1_700_000_000_000 + n,
      sentAt,
    ]);
  message("acme", 1, 1_700_000_000_500);
  message("acme", 3, null);
  message("acme", 2, null);
  message("other", 1, null);
  writeFileSync(file, db.export());
  db.close();
  return docs;
}

describe.each(["postgres", "mysql"] as const)("orrery etl of an app's own D1 tables, on %s", (engine) => {
  it("without a config copies the namespace's rows as they are: the same _id, _creationTime, _version and values", async () => {
    const root = await makeEtlProject();
    rmSync(path.join(root, "orrery.etl.ts"));
    const docs = await appD1Database(path.join(root, "d1.sqlite"));
    const space = await openSpace(engine as ExternalEngine, { prefix: "etlown", bigNumberStrings: true });
    await migrateLatest(root, space.url);

    const run = await orrery(root, "etl", "d1.sqlite", "--url", space.url, "--namespace", "acme");
    expect(run.code, run.stderr.join("\n")).toBe(0);
    expect(run.stdout[0]).toBe(
      "No orrery.etl.ts: the app's own .global() tables, as Orrery wrote them in D1 (ids and versions kept): users, posts",
    );
    expect(run.stdout).toContain("checked users → users: 40 rows (40 new, 0 loaded before)");
    expect(run.stdout).toContain("checked posts → posts: 120 rows (120 new, 0 loaded before)");

    // Only acme's rows, each exactly the document the app wrote, decoded as the store decodes it.
    for (const table of ["users", "posts"] as const) {
      const rows = await space.query(`SELECT * FROM ${table}`);
      expect(new Set(rows.map((row) => row[NAMESPACE_COLUMN]))).toEqual(new Set(["acme"]));
      const stored = rows
        .map((row) => decodeDocument(schema.tables[table], row, engine))
        .sort((a, b) => String(a._id).localeCompare(String(b._id)));
      const written = docs.acme![table].map((doc) =>
        decodeDocument(schema.tables[table], encodeDocument(schema.tables[table], doc, engine), engine),
      );
      expect(stored).toEqual(written.sort((a, b) => String(a._id).localeCompare(String(b._id))));
    }

    // The messages D1's relay had not sent are in the target's outbox, to be sent from there.
    expect(run.stdout).toContain(
      "Carried 2 unsent outbox messages of D1's _orrery_global_outbox into the target's: its relay sends them, under the same message ids.",
    );
    const outbox = () =>
      space.query(
        "SELECT namespace, id, topic, payload, commit_version, sent_at FROM _orrery_global_outbox ORDER BY namespace, commit_version",
      );
    const carried = [
      ["acme", "acme-message-2", "orders", '{"n":2}', 12, null],
      ["acme", "acme-message-3", "orders", '{"n":3}', 13, null],
    ];
    const rowsOf = async () =>
      (await outbox()).map((r) => [
        r.namespace,
        r.id,
        r.topic,
        r.payload,
        Number(r.commit_version),
        r.sent_at,
      ]);
    expect(await rowsOf()).toEqual(carried);

    // A re-run changes nothing; verify agrees; the other namespace loads beside it.
    const again = await orrery(root, "etl", "d1.sqlite", "--url", space.url, "--namespace", "acme");
    expect(again.code, again.stderr.join("\n")).toBe(0);
    expect(again.stdout).toContain("checked posts → posts: 120 rows (0 new, 120 loaded before)");
    expect(printedChecksum(again.stdout, "posts")).toBe(printedChecksum(run.stdout, "posts"));
    expect(await rowsOf()).toEqual(carried);
    const verify = await orrery(
      root,
      "etl",
      "verify",
      "d1.sqlite",
      "--url",
      space.url,
      "--namespace",
      "acme",
    );
    expect(verify.code, verify.stdout.join("\n")).toBe(0);
    const other = await orrery(root, "etl", "d1.sqlite", "--url", space.url, "--namespace", "other");
    expect(other.code, other.stderr.join("\n")).toBe(0);
    const counts = await space.query(
      engine === "postgres"
        ? `SELECT "${NAMESPACE_COLUMN}" AS ns, COUNT(*) AS n FROM posts GROUP BY 1 ORDER BY 1`
        : `SELECT \`${NAMESPACE_COLUMN}\` AS ns, COUNT(*) AS n FROM posts GROUP BY 1 ORDER BY 1`,
    );
    expect(counts.map((row) => [row.ns, Number(row.n)])).toEqual([
      ["acme", 120],
      ["other", 120],
    ]);
  });

  it("names what is wrong: no config and no Orrery table, a key or timestamp set on one, a mangled _id", async () => {
    const root = await makeEtlProject();
    rmSync(path.join(root, "orrery.etl.ts"));
    const SQL = await initSqlJs();
    const legacy = new SQL.Database();
    legacy.run("CREATE TABLE user_table (id INTEGER PRIMARY KEY, name TEXT)");
    writeFileSync(path.join(root, "legacy.sqlite"), legacy.export());
    const url = ["--url", "postgres://nobody@127.0.0.1:1/none", "--namespace", "acme"];
    expect(await orrery(root, "etl", "legacy.sqlite", ...url)).toEqual({
      code: 1,
      stdout: [],
      stderr: [
        'orrery etl: no orrery.etl.ts, and the source holds none of the schema\'s .global() tables (users, posts) as Orrery made them: write one with export default defineEtl(schema, { tables }) from "@orrery/cli/etl", or pass --config <file>',
      ],
    });

    await appD1Database(path.join(root, "d1.sqlite"));
    writeFileSync(
      path.join(root, "own.etl.ts"),
      `import { defineEtl } from "@orrery/cli/etl";
import { schema } from "./orrery/schema";
export default defineEtl(schema, {
  tables: { users: { table: "users", key: "email" }, posts: { table: "posts", timestamp: "createdAt", columns: { _version: false } } },
});
`,
    );
    const refused = await orrery(root, "etl", "d1.sqlite", ...url, "--config", "own.etl.ts");
    expect(refused.code).toBe(1);
    expect(refused.stderr).toEqual([
      "orrery etl: own.etl.ts: 3 problems",
      "  users: key: an Orrery table's rows keep their _id (its key), so key cannot name another column",
      "  posts: timestamp: an Orrery table's rows keep their _id and _creationTime, so no timestamp column is read",
      "  posts: columns: _version is a system column of an Orrery table, kept as it is: leave it out of columns",
    ]);

    const space = await openSpace(engine as ExternalEngine, { prefix: "etlown", bigNumberStrings: true });
    await migrateLatest(root, space.url);
    const db = new SQL.Database();
    for (const statement of createTableSql("users", schema.tables.users, "sqlite")) db.run(statement);
    db.run(
      `INSERT INTO users ("_id", "_creationTime", "_version", "${NAMESPACE_COLUMN}", name, email, "isAdmin", "joinedAt", karma) VALUES ('not-an-id', 1, 1, 'acme', 'a', 'a@x', 0, 1, '5')`,
    );
    writeFileSync(path.join(root, "mangled.sqlite"), db.export());
    const mangled = await orrery(root, "etl", "mangled.sqlite", "--url", space.url, "--namespace", "acme");
    expect(mangled.code).toBe(1);
    expect(mangled.stderr).toEqual([
      "orrery etl: 1 rows cannot be loaded, so nothing was written",
      '  users row _id="not-an-id", _id "not-an-id" is not an Orrery document id',
    ]);
    expect(await space.query("SELECT * FROM users")).toEqual([]);
  });
});
