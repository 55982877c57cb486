import { writeFileSync } from "node:fs";
import initSqlJs from "sql.js";

/*
 * A legacy D1 database as drizzle's sqlite-core makes one (seed 003's user_table/post_table,
 * grown): INTEGER PRIMARY KEY AUTOINCREMENT ids, post_table.userId REFERENCES user_table, 0/1
 * booleans, ms timestamps, ISO text dates, JSON as text, an integer beyond 2^31 (and a few
 * beyond 2^53), BLOBs. Every value is a function of the row's id, so tests can recompute it.
 */

export const USERS_DDL = `CREATE TABLE \`user_table\` (
  \`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  \`name\` text NOT NULL,
  \`email\` text NOT NULL,
  \`is_admin\` integer DEFAULT 0 NOT NULL,
  \`created_at\` integer NOT NULL,
  \`settings\` text,
  \`karma\` integer NOT NULL,
  \`avatar\` blob
)`;

export const POSTS_DDL = `CREATE TABLE \`post_table\` (
  \`id\` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
  \`title\` text NOT NULL,
  \`content\` text NOT NULL,
  \`userId\` integer,
  \`published\` integer NOT NULL,
  \`published_at\` text,
  \`created_at\` integer NOT NULL,
  \`meta\` text,
  FOREIGN KEY (\`userId\`) REFERENCES \`user_table\`(\`id\`) ON UPDATE no action ON DELETE no action
)`;

const BASE_MS = 1_600_000_000_000;

/** The source values of user `id` (1-based). */
export function userRow(id: number) {
  return {
    id,
    name: `user ${id}`,
    email: `u${id}@example.com`,
    is_admin: id % 7 === 0 ? 1 : 0,
    created_at: BASE_MS + id * 1000,
    settings: id % 3 === 0 ? null : JSON.stringify({ theme: id % 2 ? "dark" : "light", n: id }),
    // Past 2^31 for every row, past 2^53 for every 1000th (exact only as a bigint).
    karma: id % 1000 === 0 ? 2n ** 60n + BigInt(id) : 2n ** 31n + BigInt(id),
    avatar: id % 10 === 0 ? Uint8Array.from([id & 255, 0, 255, (id >> 8) & 255]) : null,
  };
}

/**
 * The source values of post `id`. Its user is spread over every user (none for every 50th
 * post); `created_at` does not follow the id, so source order (by timestamp) differs from id
 * order.
 */
export function postRow(id: number, users: number) {
  return {
    id,
    title: `post ${id}`,
    content: `the body of post ${id}, with “quotes”, ‘apostrophes’ and ☃`,
    userId: id % 50 === 0 ? null : ((id * 7919) % users) + 1,
    published: id % 3 === 0 ? 1 : 0,
    published_at: id % 4 === 0 ? null : new Date(BASE_MS + id * 60_000).toISOString(),
    created_at: BASE_MS + ((id * 104_729) % 1_000_003) * 1000,
    meta: JSON.stringify({ tags: ["t", id % 5], big: id % 11 === 0 }),
  };
}

type Database = InstanceType<Awaited<ReturnType<typeof initSqlJs>>["Database"]>;

export interface LegacyOptions {
  readonly users: number;
  readonly posts: number;
  /** Posts whose userId names no user: [post id, userId]. */
  readonly dangling?: readonly (readonly [number, number])[];
  /** Extra statements run last (to break a value, add a table…). */
  readonly extra?: readonly string[];
}

/** Builds the legacy database in memory with sql.js. */
export async function buildLegacyDatabase(options: LegacyOptions): Promise<Database> {
  const SQL = await initSqlJs();
  const db = new SQL.Database();
  db.run(USERS_DDL);
  db.run(POSTS_DDL);
  db.run("BEGIN");
  const users = db.prepare(
    "INSERT INTO user_table (id, name, email, is_admin, created_at, settings, karma, avatar) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  for (let id = 1; id <= options.users; id++) {
    const u = userRow(id);
    users.run([u.id, u.name, u.email, u.is_admin, u.created_at, u.settings, u.karma as never, u.avatar]);
  }
  users.free();
  const posts = db.prepare(
    "INSERT INTO post_table (id, title, content, userId, published, published_at, created_at, meta) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
  );
  for (let id = 1; id <= options.posts; id++) {
    const p = postRow(id, options.users);
    posts.run([p.id, p.title, p.content, p.userId, p.published, p.published_at, p.created_at, p.meta]);
  }
  posts.free();
  for (const [post, user] of options.dangling ?? [])
    db.run("UPDATE post_table SET userId = ? WHERE id = ?", [user, post]);
  db.run("COMMIT");
  for (const statement of options.extra ?? []) db.run(statement);
  return db;
}

/** Writes the database as a SQLite file (a local D1 database's shape). */
export function writeDatabase(db: Database, file: string): void {
  writeFileSync(file, db.export());
}

/**
 * Writes the database as `wrangler d1 export` does: PRAGMA defer_foreign_keys, then each table's
 * CREATE and its INSERTs (the referencing table first here, before the table it references
 * exists), then sqlite_sequence. Values are SQLite literals (`quote()`): BLOBs as X'…'.
 */
export function writeDump(db: Database, file: string): void {
  const lines = ["PRAGMA defer_foreign_keys=TRUE;"];
  for (const table of ["post_table", "user_table"]) {
    const [create] = db.exec(`SELECT sql FROM sqlite_master WHERE name = '${table}'`);
    lines.push(`${String(create!.values[0]![0])};`);
    const columns = db.exec(`PRAGMA table_info(${table})`)[0]!.values.map((row) => String(row[1]));
    const statement = db.prepare(`SELECT ${columns.map((c) => `quote("${c}")`).join(", ")} FROM ${table}`);
    while (statement.step())
      lines.push(
        `INSERT INTO "${table}" (${columns.map((c) => `"${c}"`).join(",")}) VALUES(${statement.get().join(",")});`,
      );
    statement.free();
  }
  lines.push("DELETE FROM sqlite_sequence;");
  for (const [name, seq] of db.exec("SELECT name, seq FROM sqlite_sequence")[0]?.values ?? [])
    lines.push(`INSERT INTO "sqlite_sequence" VALUES('${String(name)}',${String(seq)});`);
  writeFileSync(file, `${lines.join("\n")}\n`);
}
