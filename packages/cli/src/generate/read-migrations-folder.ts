import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { UsageError } from "../command";
import { isJournalEntry, JOURNAL_VERSION, type Journal, migrationPrefix } from "./journal";
import { EMPTY_SNAPSHOT, SNAPSHOT_VERSION, type Snapshot } from "./snapshot";

/** What a drizzle-kit migrations folder says about the migrations so far. */
export interface MigrationsFolder {
  readonly dir: string;
  readonly journal: Journal;
  /** The last migration's snapshot, or the empty database's before the first. */
  readonly previous: Snapshot;
  /** The file `previous` was read from; undefined before the first migration. */
  readonly previousFile?: string;
}

function readJson(file: string, shown: string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`${shown}: not valid JSON (${(error as Error).message.split("\n")[0]})`, 1);
  }
}

function isSnapshot(value: unknown): value is Snapshot {
  if (typeof value !== "object" || value === null) return false;
  const snapshot = value as Record<string, unknown>;
  return (
    snapshot.version === SNAPSHOT_VERSION &&
    snapshot.dialect === "sqlite" &&
    typeof snapshot.id === "string" &&
    typeof snapshot.tables === "object" &&
    snapshot.tables !== null
  );
}

/**
 * Reads `meta/_journal.json` and the last entry's snapshot. Refuses (one line, nothing written)
 * a folder it does not understand: SQL files without a journal, another journal or snapshot
 * version or dialect, or drizzle-kit's timestamp prefixes. `show` turns a path into how errors name it.
 */
export function readMigrationsFolder(dir: string, show: (file: string) => string): MigrationsFolder {
  const journalFile = path.join(dir, "meta", "_journal.json");
  if (!existsSync(journalFile)) {
    const leftovers = existsSync(dir)
      ? readdirSync(dir).filter((name) => name.endsWith(".sql") || name === "meta")
      : [];
    if (leftovers.length > 0)
      throw new UsageError(
        `${show(dir)} has ${leftovers[0]} but no meta/_journal.json; not a drizzle-kit folder`,
        1,
      );
    return {
      dir,
      journal: { version: JOURNAL_VERSION, dialect: "sqlite", entries: [] },
      previous: EMPTY_SNAPSHOT,
    };
  }
  const journal = readJson(journalFile, show(journalFile)) as Partial<Journal>;
  if (
    journal?.version !== JOURNAL_VERSION ||
    journal.dialect !== "sqlite" ||
    !Array.isArray(journal.entries) ||
    !journal.entries.every(isJournalEntry)
  ) {
    throw new UsageError(
      `${show(journalFile)}: unknown format (expected a drizzle-kit sqlite journal, version "${JOURNAL_VERSION}")`,
      1,
    );
  }
  const last = journal.entries.at(-1);
  if (!last) return { dir, journal: journal as Journal, previous: EMPTY_SNAPSHOT };
  const prefix = migrationPrefix(last.idx);
  if (!last.tag.startsWith(`${prefix}_`))
    throw new UsageError(`${show(journalFile)}: migration "${last.tag}" is not named ${prefix}_<label>`, 1);
  const snapshotFile = path.join(dir, "meta", `${prefix}_snapshot.json`);
  if (!existsSync(snapshotFile))
    throw new UsageError(`${show(snapshotFile)} is missing (for ${last.tag})`, 1);
  const previous = readJson(snapshotFile, show(snapshotFile));
  if (!isSnapshot(previous)) {
    throw new UsageError(
      `${show(snapshotFile)}: unknown format (expected a drizzle-kit sqlite snapshot, version "${SNAPSHOT_VERSION}")`,
      1,
    );
  }
  return { dir, journal: journal as Journal, previous, previousFile: snapshotFile };
}
