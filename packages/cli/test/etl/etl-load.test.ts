import type { ChildProcess } from "node:child_process";
import { appendFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { buildMysqlExec, buildPgExec } from "@orrery/hyperdrive/global";
import { createTableSql, type ExternalEngine, systemTablesDdl } from "@orrery/schema";
import { type SqlExec, Store } from "@orrery/store";
import mysql from "mysql2/promise";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeSpaces, openSpace, type Space } from "../support/database-spaces";
import { schema } from "./app-schema";
import { makeEtlProject, migrateLatest, orrery, printedChecksum, removeProjects, spawnEtl } from "./fixture";
import { buildLegacyDatabase, postRow, userRow, writeDatabase } from "./legacy-d1";

const USERS = 100_000;
const POSTS = 300_000;
const KILL_AFTER = 30_000;
const FIGURES = fileURLToPath(new URL("../../test-output/etl-figures.txt", import.meta.url));

let root: string;

beforeAll(async () => {
  root = await makeEtlProject();
  const db = await buildLegacyDatabase({ users: USERS, posts: POSTS });
  writeDatabase(db, path.join(root, "legacy.sqlite"));
  db.close();
});
afterAll(async () => {
  await closeSpaces();
  removeProjects();
});

/** Resolves when `seen` returns true for the output so far; rejects if the process ends first. */
function waitForOutput(
  child: ChildProcess,
  output: () => string,
  seen: (text: string) => boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const check = () => {
      if (seen(output())) {
        child.stdout!.off("data", check);
        child.off("exit", ended);
        resolve();
      }
    };
    const ended = (code: number | null) =>
      reject(new Error(`orrery etl exited (${code}) first:\n${output()}`));
    child.stdout!.on("data", check);
    child.once("exit", ended);
  });
}

const exited = (child: ChildProcess) =>
  new Promise<number | null>((resolve) =>
    child.exitCode !== null || child.signalCode !== null
      ? resolve(child.exitCode)
      : child.once("exit", resolve),
  );

/** How far the posts got by the output's last progress line. */
const postsDone = (text: string) =>
  Math.max(0, ...[...text.matchAll(/^posts: (\d+)\/300000 rows/gm)].map((m) => Number(m[1])));

function dialect(engine: ExternalEngine) {
  const pg = engine === "postgres";
  return {
    q: (name: string) => (pg ? `"${name}"` : `\`${name}\``),
    int: (expression: string) => `CAST(${expression} AS ${pg ? "BIGINT" : "SIGNED"})`,
    text: (expression: string) => `CAST(${expression} AS ${pg ? "TEXT" : "CHAR"})`,
    p: (n: number) => (pg ? `$${n}` : "?"),
  };
}

async function single(space: Space, sql: string, params: unknown[] = []): Promise<number> {
  return Number((await space.query(sql, params))[0]!.n);
}

/** The store, reading and writing the loaded tables as a Durable Object would (home: a space of its own). */
async function openStore(space: Space): Promise<{ store: Store<typeof schema>; close(): Promise<void> }> {
  const engine = space.engine;
  const plain = Object.entries(schema.tables).filter(([, table]) => !table.isGlobal);
  const home = await openSpace(engine, {
    prefix: "etlhome",
    ddl: [
      ...plain.flatMap(([name, table]) => createTableSql(name, table, engine)),
      ...systemTablesDdl(engine, "home"),
    ],
  });
  const execs: { exec: SqlExec; close(): Promise<void> }[] = [];
  for (const url of [home.url, space.url]) {
    if (engine === "postgres") {
      const sql = postgres(url, { max: 1, onnotice: () => undefined });
      execs.push({ exec: buildPgExec(sql), close: () => sql.end() });
    } else {
      const pool = mysql.createPool({ uri: url, connectionLimit: 1 });
      execs.push({ exec: await buildMysqlExec(pool), close: () => pool.end() });
    }
  }
  const store = await Store.open({
    schema,
    namespace: "acme",
    exec: execs[0]!.exec,
    globalExec: execs[1]!.exec,
  });
  return { store, close: async () => Promise.all(execs.map((e) => e.close())).then(() => undefined) };
}

describe.each(["postgres", "mysql"] as const)(
  `orrery etl of ${USERS} users and ${POSTS} posts into %s`,
  (engine) => {
    it("is killed mid-table, resumes to the verified load, and every row is the source's", {
      timeout: 600_000,
    }, async () => {
      const space = await openSpace(engine, { prefix: "etlbig", bigNumberStrings: true });
      await migrateLatest(root, space.url);
      const { q, int, text, p } = dialect(engine);

      // A real process, killed without warning once some chunks of posts are in.
      const killed = spawnEtl(root, ["legacy.sqlite", "--url", space.url]);
      await waitForOutput(killed.child, killed.output, (out) => postsDone(out) >= KILL_AFTER);
      killed.child.kill("SIGKILL");
      await exited(killed.child);
      const partialPosts = await single(space, "SELECT COUNT(*) AS n FROM posts");
      // Each chunk is one transaction with its id map entries: whole chunks, each row mapped once.
      expect(await single(space, "SELECT COUNT(*) AS n FROM users")).toBe(USERS);
      expect(partialPosts).toBeGreaterThanOrEqual(KILL_AFTER);
      expect(partialPosts).toBeLessThan(POSTS);
      expect(partialPosts % 1000).toBe(0);
      expect(
        await single(space, "SELECT COUNT(*) AS n FROM _orrery_etl_ids WHERE source_table = 'post_table'"),
      ).toBe(partialPosts);

      // Run again, as a process too: it takes up the ids already given, loads the rest, verifies.
      const resumed = spawnEtl(root, ["legacy.sqlite", "--url", space.url]);
      expect(await exited(resumed.child), resumed.output()).toBe(0);
      const lines = resumed.output().trim().split("\n");
      expect(lines).toContain(`checked user_table → users: ${USERS} rows (0 new, ${USERS} loaded before)`);
      expect(lines).toContain(
        `checked post_table → posts: ${POSTS} rows (${POSTS - partialPosts} new, ${partialPosts} loaded before)`,
      );
      const summary = lines.at(-1)!;
      expect(summary).toMatch(
        new RegExp(
          `^Done: ${USERS + POSTS} rows in 2 tables, load [\\d.]+ s \\([\\d,]+ rows/s: users [\\d,]+ rows/s, posts [\\d,]+ rows/s\\), all [\\d.]+ s; peak RSS \\d+ MB\\.$`,
        ),
      );
      expect(lines).toContain("✔ posts.userId → users: no dangling references");
      const checksums = { users: printedChecksum(lines, "users"), posts: printedChecksum(lines, "posts") };
      expect(checksums.users).toMatch(/^[0-9a-f]{16}$/);
      expect(checksums.posts).toMatch(/^[0-9a-f]{16}$/);
      mkdirSync(path.dirname(FIGURES), { recursive: true });
      appendFileSync(
        FIGURES,
        `${new Date().toISOString()} ${engine} ${USERS}+${POSTS} rows (resumed after kill at ${partialPosts} posts): ${summary}\n`,
      );

      // No duplicates: one row per source row, each under the id the map gave it.
      expect(await single(space, "SELECT COUNT(*) AS n FROM users")).toBe(USERS);
      expect(await single(space, "SELECT COUNT(*) AS n FROM posts")).toBe(POSTS);
      for (const [table, source, rows] of [
        ["users", "user_table", USERS],
        ["posts", "post_table", POSTS],
      ] as const)
        expect(
          await single(
            space,
            `SELECT COUNT(*) AS n FROM _orrery_etl_ids m JOIN ${table} t ON t.${q("_namespace")} = m.namespace AND t.${q("_id")} = m.doc_id WHERE m.namespace = 'acme' AND m.source_table = '${source}'`,
          ),
        ).toBe(rows);

      // Every post's userId is the _id its user got (by the source's numbers), or empty where it had none.
      const postId = int("pm.source_id");
      expect(
        await single(
          space,
          `SELECT COUNT(*) AS n FROM _orrery_etl_ids pm
         JOIN posts p ON p.${q("_namespace")} = pm.namespace AND p.${q("_id")} = pm.doc_id
         LEFT JOIN _orrery_etl_ids um ON um.namespace = pm.namespace AND um.source_table = 'user_table'
           AND um.source_id = ${text(`(${postId} * 7919) % ${USERS} + 1`)}
         WHERE pm.namespace = 'acme' AND pm.source_table = 'post_table'
           AND ((${postId} % 50 = 0 AND p.${q("userId")} IS NULL) OR um.doc_id = p.${q("userId")})`,
        ),
      ).toBe(POSTS);

      // The run's checksums again, from the verify alone.
      const verify = await orrery(root, "etl", "verify", "legacy.sqlite", "--url", space.url);
      expect(verify.code, verify.stdout.join("\n")).toBe(0);
      expect({
        users: printedChecksum(verify.stdout, "users"),
        posts: printedChecksum(verify.stdout, "posts"),
      }).toEqual(checksums);

      // Through the store, as the Durable Object reads them: values as the source had them.
      const { store, close } = await openStore(space);
      try {
        const idOf = async (source: string, key: number) =>
          String(
            (
              await space.query(
                `SELECT doc_id FROM _orrery_etl_ids WHERE namespace = 'acme' AND source_table = ${p(1)} AND source_id = ${p(2)}`,
                [source, String(key)],
              )
            )[0]!.doc_id,
          );
        for (const key of [7, 1000, 99_990]) {
          const u = userRow(key);
          const id = await idOf("user_table", key);
          const { value: user } = await store.query((db) => db.get("users", id as never));
          expect(user).toEqual({
            _id: id,
            _creationTime: u.created_at,
            _version: 1,
            name: u.name,
            email: u.email,
            isAdmin: u.is_admin === 1,
            joinedAt: u.created_at,
            ...(u.settings === null ? {} : { settings: JSON.parse(u.settings) }),
            karma: u.karma,
            ...(u.avatar === null ? {} : { avatar: u.avatar.buffer }),
          });
          const { value: posts } = await store.query((db) =>
            db
              .query("posts")
              .withIndex("by_user", (r) => r.eq("userId", id as never))
              .collect(),
          );
          const expected: ReturnType<typeof postRow>[] = [];
          for (let post = 1; post <= POSTS; post++)
            if (post % 50 !== 0 && ((post * 7919) % USERS) + 1 === key) expected.push(postRow(post, USERS));
          expect(posts.map((post) => post.title).sort()).toEqual(expected.map((post) => post.title).sort());
          const sample = expected[0]!;
          expect(posts.find((post) => post.title === sample.title)).toMatchObject({
            _creationTime: sample.created_at,
            published: sample.published === 1,
            createdAt: new Date(sample.created_at).toISOString(),
            meta: JSON.parse(sample.meta),
            ...(sample.published_at === null ? {} : { publishedAt: Date.parse(sample.published_at) }),
          });
        }
        // And it writes them like its own: a patch raises the version of a loaded row.
        const id = await idOf("user_table", 7);
        await store.mutate((db) => db.patch("users", id as never, { name: "renamed" }));
        expect((await store.query((db) => db.get("users", id as never))).value).toMatchObject({
          name: "renamed",
          _version: 2,
        });
      } finally {
        await close();
      }
    });
  },
);
