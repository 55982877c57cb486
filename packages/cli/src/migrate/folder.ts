import { createHash } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ExternalEngine } from "@orrery/schema";
import { UsageError } from "../command";
import type { SchemaModel } from "./model";

/*
 * The folder of one engine: `<globalMigrations>/<engine>/`
 *   NNNN_<label>.up.sql, NNNN_<label>.down.sql   statements separated by a line `-- statement-breakpoint`
 *   journal.json    { "engine": "postgres", "migrations": [{ "name": "0001_init", "checksum": "<sha256 of the up file>" }, …] }
 *   snapshot.json   the tables as of the last migration, for the next `orrery migrate generate`
 */

export const ENGINES: readonly ExternalEngine[] = ["postgres", "mysql"];
export const STATEMENT_BREAKPOINT = "-- statement-breakpoint";

export interface JournalEntry {
  readonly name: string;
  readonly checksum: string;
}

export interface Journal {
  readonly engine: ExternalEngine;
  readonly migrations: readonly JournalEntry[];
}

export interface Snapshot extends SchemaModel {
  /** The migration this snapshot is the result of. */
  readonly migration: string;
}

export const engineFolder = (root: string, engine: ExternalEngine) => path.join(root, engine);
export const upFile = (folder: string, name: string) => path.join(folder, `${name}.up.sql`);
export const downFile = (folder: string, name: string) => path.join(folder, `${name}.down.sql`);

export function sha256(text: string): string {
  // Line endings normalized: a checkout that turned LF into CRLF holds the same migration.
  return createHash("sha256").update(text.replace(/\r\n/g, "\n")).digest("hex");
}

function readJson(file: string, show: (file: string) => string): unknown {
  try {
    return JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new UsageError(`${show(file)}: not valid JSON (${(error as Error).message})`, 1);
  }
}

/** The folder's journal; an empty one when the folder has none yet. */
export function readJournal(folder: string, engine: ExternalEngine, show: (file: string) => string): Journal {
  const file = path.join(folder, "journal.json");
  if (!existsSync(file)) return { engine, migrations: [] };
  const journal = readJson(file, show) as Partial<Journal>;
  if (
    journal.engine !== engine ||
    !Array.isArray(journal.migrations) ||
    !journal.migrations.every((m) => typeof m?.name === "string" && typeof m?.checksum === "string")
  ) {
    throw new UsageError(
      `${show(file)}: expected { "engine": "${engine}", "migrations": [{ "name", "checksum" }, …] }`,
      1,
    );
  }
  return { engine, migrations: journal.migrations };
}

/** The last migration's snapshot, or none when the folder has no migration yet. */
export function readSnapshot(folder: string, engine: ExternalEngine, show: (file: string) => string) {
  const file = path.join(folder, "snapshot.json");
  if (!existsSync(file)) return undefined;
  const snapshot = readJson(file, show) as Partial<Snapshot>;
  if (snapshot.engine !== engine || typeof snapshot.tables !== "object" || snapshot.tables === null)
    throw new UsageError(`${show(file)}: not a snapshot of ${engine} tables`, 1);
  return snapshot as Snapshot;
}

export function formatSqlFile(statements: readonly string[], header: readonly string[]): string {
  const comments = header.map((line) => `-- ${line}\n`).join("");
  return `${comments}${statements.map((s) => `${s};`).join(`\n${STATEMENT_BREAKPOINT}\n`)}\n`;
}

/** A migration file's statements: split at breakpoint lines, comment-only parts and trailing `;` dropped. */
export function splitStatements(text: string): string[] {
  return text
    .split(/\r?\n-- statement-breakpoint[ \t]*(?:\r?\n|$)/)
    .map((part) =>
      part
        .split(/\r?\n/)
        .filter((line) => !/^\s*--/.test(line))
        .join("\n")
        .trim()
        .replace(/;\s*$/, ""),
    )
    .filter((part) => part.length > 0);
}
