import path from "node:path";
import { BREAKPOINT, type Journal, type JournalEntry, migrationPrefix } from "./journal";
import { migrationsJs } from "./migrations-js";
import type { MigrationPlan } from "./plan-migration";
import type { MigrationsFolder } from "./read-migrations-folder";

/** The files one migration adds or rewrites, with their whole contents. */
export interface NextMigration {
  readonly tag: string;
  readonly sqlFile: string;
  /** `created`: a new file (the SQL and its snapshot); otherwise one rewritten with the new entry. */
  readonly files: { path: string; contents: string; created: boolean }[];
}

/**
 * The files `drizzle-kit generate` (durable-sqlite driver) would write for `plan`: the SQL,
 * its snapshot, the journal with the new entry, and `migrations.js`. `now` is the entry's `when`
 * unless the last entry's is later: the durable-sqlite migrator skips an entry whose `when` is
 * not past the last applied one, so they must increase.
 */
export function nextMigration(
  folder: MigrationsFolder,
  plan: MigrationPlan,
  label: string,
  now: number,
): NextMigration {
  const last = folder.journal.entries.at(-1);
  const idx = last ? last.idx + 1 : 0;
  const prefix = migrationPrefix(idx);
  const tag = `${prefix}_${label}`;
  const entry: JournalEntry = {
    idx,
    version: plan.snapshot.version,
    when: last ? Math.max(now, last.when + 1) : now,
    tag,
    breakpoints: true,
  };
  const journal: Journal = { ...folder.journal, entries: [...folder.journal.entries, entry] };
  const sqlFile = path.join(folder.dir, `${tag}.sql`);
  const snapshotFile = path.join(folder.dir, "meta", `${prefix}_snapshot.json`);
  return {
    tag,
    sqlFile,
    files: [
      { path: sqlFile, contents: plan.statements.join(BREAKPOINT), created: true },
      { path: snapshotFile, contents: JSON.stringify(plan.snapshot, null, 2), created: true },
      {
        path: path.join(folder.dir, "meta", "_journal.json"),
        contents: JSON.stringify(journal, null, 2),
        created: false,
      },
      {
        path: path.join(folder.dir, "migrations.js"),
        contents: migrationsJs(journal.entries),
        created: false,
      },
    ],
  };
}
